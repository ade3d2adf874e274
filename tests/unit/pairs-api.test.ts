// The pairs calls as the hosts run them (schema validation through dispatch): curation, template
// generation, export jobs with progress events and cancel, import reports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import type { CallName } from '../../src-shared/contract';
import type { ExportProgress, PairRow } from '../../src-shared/contract-pairs';
import { makePairsProject, video } from './pairs-fixture';
import { callApi } from '../helpers/api';

let dir: string;
let api: StudioApi;
let events: { name: string; payload: unknown }[];

const call = <T = unknown>(name: CallName, input: unknown) => callApi<T>(api, name, input);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-pairs-api-'));
  makePairsProject(dir).store.close();
  api = new StudioApi({
    host: 'web',
    version: 'test',
    home: path.join(dir, 'home'),
    appRoot: process.cwd(),
  });
  api.openProject(path.join(dir, 'p.vqa2.sqlite'));
  events = [];
  api.onEvent((name, payload) => events.push({ name, payload }));
});
afterEach(() => {
  api.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const progressOf = (jobId: string) =>
  events
    .filter(
      (e) => e.name === 'pairs.exportProgress' && (e.payload as ExportProgress).jobId === jobId,
    )
    .map((e) => e.payload as ExportProgress);

describe('pairs API', () => {
  it('generates, filters, edits, bulk-approves and deletes, emitting pairs.changed', async () => {
    const g = await call<{ created: number }>('pairs.generate', {
      templateIds: ['rating', 'temporal'],
    });
    expect(g.created).toBeGreaterThanOrEqual(4);
    expect(events).toContainEqual({ name: 'pairs.changed', payload: { reason: 'generate' } });
    const page = await call<{ total: number; rows: PairRow[] }>('pairs.list', {
      filter: { templateId: 'temporal' },
      offset: 0,
      limit: 50,
    });
    expect(page.rows.every((r) => r.templateId === 'temporal' && r.status === 'draft')).toBe(true);
    const ids = page.rows.map((r) => r.id);
    expect(await call('pairs.setStatus', { ids, status: 'approved' })).toEqual({
      updated: ids.length,
    });
    expect(
      (
        await call<{ total: number }>('pairs.list', {
          filter: { status: 'approved' },
          offset: 0,
          limit: 1,
        })
      ).total,
    ).toBe(ids.length);
    const text = await call<{ rows: PairRow[] }>('pairs.list', {
      filter: { text: 'freeze' },
      offset: 0,
      limit: 50,
    });
    expect(text.rows.length).toBeGreaterThan(0);
    expect(text.rows.every((r) => JSON.stringify(r.conversations).includes('freeze'))).toBe(true);
    await expect(
      call('pairs.update', {
        id: ids[0],
        conversations: [
          { from: 'human', value: 'no image' },
          { from: 'gpt', value: 'x' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call('pairs.list', { offset: 0, limit: 10, bogus: 1 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(await call('pairs.delete', { ids: [ids[0]] })).toEqual({ deleted: 1 });
    const facets = await call<{ counts: Record<string, number> }>('pairs.facets', {});
    expect(facets.counts.approved).toBe(ids.length - 1);
  });

  it('creates a manual pair and checks templates through the calls', async () => {
    const row = await call<PairRow>('pairs.create', {
      videoId: 1,
      conversations: [
        {
          from: 'human',
          value:
            'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. Any noise?',
        },
        { from: 'gpt', value: 'Some.' },
      ],
    });
    expect(row).toMatchObject({
      source: 'manual',
      status: 'draft',
      style: 'llava',
      videoName: 'a.mp4',
    });
    await expect(
      call('pairs.putTemplate', { id: 'rating', body: { question: 'Q', answer: 'no level' } }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/needs the placeholder \{level\}/),
    });
    await expect(call('pairs.preview', { templateId: 'nope', videoId: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('runs an export as a job with progress events (done/total) ending in the manifest', async () => {
    await call('pairs.generate', { templateIds: ['rating'] });
    const ids = (await call<{ rows: PairRow[] }>('pairs.list', { offset: 0, limit: 50 })).rows.map(
      (r) => r.id,
    );
    await call('pairs.setStatus', { ids, status: 'approved' });
    const outDir = path.join(dir, 'ds');
    const { jobId } = await call<{ jobId: string }>('pairs.export', { format: 'llava', outDir });
    await api.pairs.idle();
    const ps = progressOf(jobId);
    expect(ps[0]).toMatchObject({ status: 'running', phase: 'collecting' });
    expect(ps.some((p) => p.phase === 'videos' && p.total === 2)).toBe(true);
    expect(ps.at(-1)).toMatchObject({
      status: 'done',
      phase: 'done',
      done: 2,
      total: 2,
      manifest: { counts: { samples: 2, videos: 2 } },
    });
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'train.json'), 'utf8'))).toHaveLength(2);
  });

  it('cancels an export from the call: a cancelled event, no dataset, no temp folder', async () => {
    const store = api.project!;
    const many = store.insertVideos(
      Array.from({ length: 40 }, (_, i) => video(dir, `many/v${i}.mp4`)),
    );
    for (const id of many) {
      store.connection
        .prepare(
          `INSERT INTO pairs (uid, video_id, conversations_json, source, status, extra_json, created_at, updated_at) VALUES (?, ?, ?, 'manual', 'approved', '{"style":"qwen"}', 'x', 'x')`,
        )
        .run(
          `m${id}`,
          id,
          JSON.stringify([
            { from: 'human', value: '<video>\nQ?' },
            { from: 'gpt', value: 'A.' },
          ]),
        );
    }
    const outDir = path.join(dir, 'cancelled');
    let jobId = '';
    let asked = false;
    api.onEvent((name, payload) => {
      const p = payload as ExportProgress;
      if (name === 'pairs.exportProgress' && p.phase === 'videos' && p.done >= 1 && !asked) {
        asked = true;
        void call('pairs.cancelExport', { jobId: p.jobId });
      }
    });
    ({ jobId } = await call<{ jobId: string }>('pairs.export', { format: 'qwen2.5vl', outDir }));
    await api.pairs.idle();
    expect(progressOf(jobId).at(-1)).toMatchObject({
      status: 'cancelled',
      error: 'export cancelled',
    });
    expect(fs.readdirSync(dir).filter((f) => f.includes('cancelled'))).toEqual([]);
    await expect(call('pairs.cancelExport', { jobId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('imports through the call and reports a malformed file as BAD_INPUT', async () => {
    const report = await call<{ imported: number }>('pairs.import', {
      path: path.resolve(__dirname, '../golden/pairs/qwen-input.json'),
      kind: 'qwen2.5vl',
    });
    expect(report.imported).toBe(2);
    fs.writeFileSync(path.join(dir, 'bad.json'), '[{"video": 1}]');
    await expect(
      call('pairs.import', { path: path.join(dir, 'bad.json'), kind: 'qwen2.5vl' }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'item 1: video: must be a string, found number',
    });
  });
});
