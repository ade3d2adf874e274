// One error-code union and one typed error class: services throw StudioError (or a subclass that
// narrows its codes), and the API boundary keeps that code or answers INTERNAL.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CODES, StudioError, type ErrorCode } from '../../src-shared/contract';
import { toApiError } from '../../src-main/api/errors';
import { dispatch } from '../../src-main/api/dispatch';
import type { Handlers } from '../../src-main/api/domain';
import { exitCodeFor, EXIT } from '../../src-main/hosts/cli/output';
import { StoreError } from '../../src-main/services/store/errors';
import { MediaError } from '../../src-main/services/media/errors';
import { LmmError } from '../../src-main/services/lmm/errors';
import { EngineError } from '../../src-main/services/engines/engine';
import { LevelScoreError } from '../../src-main/services/levels/level-score';
import { P1203Error } from '../../src-main/services/scoring/p1203';
import { PackError } from '../../src-main/services/inference/packs';
import { ModelError } from '../../src-main/services/settings/models';
import { AnnotationError } from '../../src-main/services/annotations/annotation-store';
import { PairError } from '../../src-main/services/pairs/pair-store';
import { ImportError } from '../../src-main/services/pairs/import-parse';
import { ExportError } from '../../src-main/services/export/records';
import { StudyError } from '../../src-main/services/evaluation/study-store';
import { EvaluationInputError } from '../../src-main/services/evaluation/evaluation';

const serviceErrors: [string, StudioError][] = [
  ['StoreError', new StoreError('PROJECT_LOCKED', 'locked by pid 1')],
  ['MediaError', new MediaError('MEDIA_UNREADABLE', 'cannot read a.mp4', '/x/a.mp4')],
  ['LmmError', new LmmError('MODEL_CANCELLED', 'Cancelled.', 'partial')],
  ['EngineError', new EngineError('ENGINE_HTTP', 'HTTP 500 from the engine', 500)],
  ['LevelScoreError', new LevelScoreError('BAD_WEIGHTS', 'weights must be five numbers')],
  ['P1203Error', new P1203Error('UNSUPPORTED_CODEC', 'codec vp9 is not modelled')],
  ['PackError', new PackError('PACK_MISMATCH', 'input shape differs')],
  ['ModelError', new ModelError('MODEL_INVALID', 'no config.json')],
  ['AnnotationError', new AnnotationError('NOT_YOURS', 'written by another annotator')],
  ['PairError', new PairError('CONFLICT', 'pair changed meanwhile')],
  ['ImportError', new ImportError('line 3: not JSON')],
  ['ExportError', new ExportError('EXPORT_CANCELLED', 'export cancelled')],
  ['StudyError', new StudyError('NOT_FOUND', 'no study 9')],
  ['EvaluationInputError', new EvaluationInputError('BAD_INPUT', 'no MOS source')],
];

describe('error codes', () => {
  it('lists each code once, in the upper-case form the CLI prints', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const c of ERROR_CODES) expect(c).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });

  it('accepts only codes of the union (checked by the type checker)', () => {
    // @ts-expect-error a code outside the union does not compile
    const free = new StudioError('SOMETHING_NEW', 'x');
    // @ts-expect-error a subclass accepts only its own codes
    const wrongStore = new StoreError('ENGINE_HTTP', 'x');
    // @ts-expect-error the error shape crossing the boundary carries a union code too
    const shape: ReturnType<typeof toApiError> = { code: 'ENOENT', message: 'x' };
    expect([free.code, wrongStore.code, shape.code]).toEqual([
      'SOMETHING_NEW',
      'ENGINE_HTTP',
      'ENOENT',
    ]);
  });

  it('every service error class is a StudioError whose code is in the union', () => {
    for (const [name, e] of serviceErrors) {
      expect(e, name).toBeInstanceOf(StudioError);
      expect(e, name).toBeInstanceOf(Error);
      expect(ERROR_CODES, name).toContain(e.code);
      expect(e.name, name).toBe(
        name === 'StudyError' || name === 'EvaluationInputError' ? 'StudioError' : name,
      );
    }
    expect(new MediaError('MEDIA_ABORTED', 'x', '/p').path).toBe('/p');
    expect(new EngineError('ENGINE_HTTP', 'x', 429).status).toBe(429);
    expect(new LmmError('MODEL_CANCELLED', 'x', 'so far').partialText).toBe('so far');
  });

  it('every code literal thrown in main-process code is in the union', () => {
    // Backs up the type check where a file escapes it (a cast, an `any`): scan the sources for
    // `…Error('CODE'` literals and compare with the list.
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(path.resolve('src-main'));
    const found = new Set<string>();
    for (const f of files) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/(?:Error|ApiError)\(\s*'([A-Z][A-Z0-9_]+)'/g)) found.add(m[1]!);
    }
    expect(found.size).toBeGreaterThan(20);
    const unknown = [...found].filter(
      (c) => !(ERROR_CODES as readonly string[]).includes(c) && c !== 'USAGE',
    );
    expect(unknown).toEqual([]);
    // plain errors with a code bolted on are gone: toApiError would turn them into INTERNAL
    const bolted = files.filter((f) =>
      /Object\.assign\(new Error\(/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(bolted).toEqual([]);
  });
});

describe('toApiError', () => {
  it('keeps the code and message of every typed error', () => {
    for (const [name, e] of serviceErrors) {
      expect(toApiError(e), name).toEqual({ code: e.code, message: e.message });
    }
    expect(toApiError(new ApiError('NO_PROJECT', 'No project is open.'))).toEqual({
      code: 'NO_PROJECT',
      message: 'No project is open.',
    });
    // a cancel keeps its AbortError name for callers that test it, and its code for the boundary
    const abort = Object.assign(new StudioError('CANCELLED', 'Cancelled.'), { name: 'AbortError' });
    expect(toApiError(abort)).toEqual({ code: 'CANCELLED', message: 'Cancelled.' });
  });

  it('maps anything else to INTERNAL with its message, whatever code it carries', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/nope'"), {
      code: 'ENOENT',
    });
    expect(toApiError(enoent)).toEqual({
      code: 'INTERNAL',
      message: "ENOENT: no such file or directory, open '/nope'",
    });
    // a look-alike object is not trusted: only the class carries a code across the boundary
    expect(toApiError({ code: 'NOT_FOUND', message: 'fake' })).toEqual({
      code: 'INTERNAL',
      message: '[object Object]',
    });
    expect(toApiError(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL',
      message: 'x is undefined',
    });
    expect(toApiError('plain string')).toEqual({ code: 'INTERNAL', message: 'plain string' });
    expect(toApiError(undefined)).toEqual({ code: 'INTERNAL', message: 'undefined' });
  });

  it('reaches a caller through dispatch unchanged', async () => {
    const handlers = {
      'app.info': async () => {
        throw new StoreError('PROJECT_TOO_NEW', 'written by a newer studio');
      },
      'project.current': async () => {
        throw new RangeError('boom');
      },
    } as unknown as Handlers;
    expect(await dispatch(handlers, 'app.info', {})).toEqual({
      ok: false,
      error: { code: 'PROJECT_TOO_NEW', message: 'written by a newer studio' },
    });
    expect(await dispatch(handlers, 'project.current', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });

  it('keeps the CLI exit codes that depend on codes', () => {
    const code = (e: unknown): ErrorCode => toApiError(e).code;
    expect(exitCodeFor(code(new StoreError('PROJECT_LOCKED', 'x')))).toBe(EXIT.BAD_INPUT);
    expect(exitCodeFor(code(new StudioError('PATH_NOT_FOUND', 'x')))).toBe(EXIT.BAD_INPUT);
    expect(exitCodeFor(code(new ModelError('MODEL_INVALID', 'x')))).toBe(EXIT.BAD_INPUT);
    expect(exitCodeFor(code(new MediaError('MEDIA_UNREADABLE', 'x')))).toBe(EXIT.RUNTIME);
    expect(exitCodeFor(code(new Error('bug')))).toBe(EXIT.RUNTIME);
  });
});
