import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, calls, parseCallInput } from '../../src-shared/contract';
import * as names from '../../src-shared/contract-names';
import { pairsCalls } from '../../src-shared/contract-pairs';
import { assistantCalls } from '../../src-shared/contract-assistant';
import { evaluationCalls } from '../../src-shared/contract-evaluation';
import { modelsCalls } from '../../src-shared/contract-models';
import viteConfig from '../../electron.vite.config';
import { StudioApi } from '../../src-main/api/api';
import { dispatch } from '../../src-main/api/dispatch';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-contract-'));
const api = new StudioApi({ host: 'web', version: 'test', home });
afterAll(() => {
  api.dispose();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('contract', () => {
  it('has a handler for every call and a call for every handler', () => {
    expect(Object.keys(api.handlers).sort()).toEqual([...CALL_NAMES].sort());
    expect(Object.keys(calls).sort()).toEqual([...CALL_NAMES].sort());
  });

  it('takes call names from the call map alone, domain maps included, each once', () => {
    expect(CALL_NAMES).toEqual(Object.keys(calls));
    expect(new Set(CALL_NAMES).size).toBe(CALL_NAMES.length);
    for (const domain of [pairsCalls, assistantCalls, evaluationCalls, modelsCalls]) {
      for (const name of Object.keys(domain)) expect(CALL_NAMES).toContain(name);
    }
    expect(names.EVENT_NAMES).toEqual(EVENT_NAMES);
  });

  it('gives the sandboxed preload the same names without bundling the schemas', () => {
    // The preload may require only electron, so it gets the names as a build-time constant.
    const preload = (viteConfig as { preload?: { define?: Record<string, string> } }).preload;
    expect(JSON.parse(preload?.define?.__VQA2_CALL_NAMES__ ?? '[]')).toEqual([...CALL_NAMES]);
    const src = fs.readFileSync(path.resolve('src-preload/index.ts'), 'utf8');
    expect(src).toMatch(/new Set<string>\(__VQA2_CALL_NAMES__\)/);
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual([
      '../src-shared/contract-names',
      './bridge',
      'electron',
      'electron',
    ]);
  });

  it('rejects invalid input with the call and field named', () => {
    expect(() => parseCallInput('library.list', { offset: -1, limit: 10 })).toThrow(
      /library\.list: offset/,
    );
    expect(() =>
      parseCallInput('library.list', {
        offset: 0,
        limit: 10,
        sort: { column: 'rm -rf', desc: false },
      }),
    ).toThrow(/sort\.column/);
    expect(() => parseCallInput('project.open', { path: 'a\0b' })).toThrow(/NUL/);
    expect(() => parseCallInput('project.open', { path: '/x', extra: 1 })).toThrow(
      /BAD_INPUT|Unrecognized/,
    );
    expect(() => parseCallInput('nope.call', {})).toThrow(/Unknown call/);
  });

  it('dispatch returns {code, message} errors and never throws', async () => {
    expect(await dispatch(api.handlers, 'library.remove', { ids: ['1'] })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await dispatch(api.handlers, 'library.list', { offset: 0, limit: 5 })).toMatchObject({
      ok: false,
      error: { code: 'NO_PROJECT', message: expect.stringMatching(/No project is open/) },
    });
    expect(await dispatch(api.handlers, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
    const created = await dispatch(api.handlers, 'project.create', { path: path.join(home, 'p') });
    expect(created).toMatchObject({ ok: true, result: { name: 'p', videoCount: 0 } });
    expect(await dispatch(api.handlers, 'project.recent', {})).toMatchObject({
      ok: true,
      result: [{ name: 'p', exists: true }],
    });
    // any entry can be taken off the list; the project file stays
    await dispatch(api.handlers, 'project.close', {});
    expect(
      await dispatch(api.handlers, 'project.forgetRecent', {
        paths: [path.join(home, 'p.vqa2.sqlite'), path.join(home, 'never-listed')],
      }),
    ).toMatchObject({ ok: true, result: [] });
    expect(fs.existsSync(path.join(home, 'p.vqa2.sqlite'))).toBe(true);
    expect(await dispatch(api.handlers, 'project.forgetRecent', { paths: [] })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });
});
