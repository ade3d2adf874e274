// Import → export round trips against golden files, per format; malformed inputs refused with
// the item and field named and nothing written; atomic, validated, seeded-split exports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../src-main/services/pairs/import-dataset';
import { MAX_IMPORT_BYTES } from '../../src-main/services/pairs/import-parse';
import {
  exportDataset,
  valVideos,
  writeSamples,
} from '../../src-main/services/export/export-dataset';
import { listPairs, setPairStatus } from '../../src-main/services/pairs/pair-queries';
import {
  insertPairs,
  listQbenchQuestions,
  listVideoMos,
} from '../../src-main/services/pairs/pair-store';
import { generatePairs } from '../../src-main/services/pairs/generate';
import type { ExportFormat } from '../../src-shared/contract-pairs';
import { makePairsProject, type PairsProject } from './pairs-fixture';

const GOLDEN = path.resolve(__dirname, '../golden/pairs');
let dir: string;
let p: PairsProject;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-pairs-ds-'));
  p = makePairsProject(dir);
});
afterEach(() => {
  p.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.GOLDEN_UPDATE) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

async function exportTo(format: ExportFormat, over: Record<string, unknown> = {}) {
  const outDir = path.join(dir, `out-${format}-${Math.random().toString(36).slice(2, 6)}`);
  const manifest = await exportDataset(p.store, { format, outDir, ...over });
  return { outDir, manifest };
}

function write(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

const pairCount = () => listPairs(p.store, undefined, 0, 1).total;

describe('dataset import and export', () => {
  it('imports VQA²/LLaVA JSON (matching by path, then file name) and exports the same conversations verbatim', async () => {
    const report = importDataset(p.store, path.join(GOLDEN, 'llava-input.json'), 'llava');
    expect(report).toMatchObject({
      items: 4,
      imported: 3,
      unmatched: [
        { index: 4, path: 'videos/missing.mp4', reason: expect.stringMatching(/no video/) },
      ],
    });
    const rows = listPairs(p.store, undefined, 0, 10).rows;
    expect(rows.every((r) => r.status === 'approved' && r.source === 'import')).toBe(true);
    expect(rows.find((r) => r.uid === 'nested_c')!.videoId).toBe(p.ids.c);

    const { outDir, manifest } = await exportTo('llava');
    const text = fs.readFileSync(path.join(outDir, 'train.json'), 'utf8');
    golden('llava-export.json', text);
    const input = (
      JSON.parse(fs.readFileSync(path.join(GOLDEN, 'llava-input.json'), 'utf8')) as {
        id: string;
        conversations: unknown;
      }[]
    ).slice(0, 3);
    const output = JSON.parse(text) as { id: string; conversations: unknown; image: string }[];
    expect(output.map((s) => [s.id, s.conversations])).toEqual(
      input.map((s) => [s.id, s.conversations]),
    );
    // unmodelled keys and key order come back as they were
    expect(Object.keys(output[1]!)).toEqual([
      'source_dataset',
      'id',
      'conversations',
      'image',
      'frames per sec',
    ]);
    expect(output.map((s) => s.image)).toEqual([
      'videos/a.mp4',
      'videos/b.mp4',
      'videos/sub/c.mp4',
    ]);
    for (const s of output)
      expect(fs.readFileSync(path.join(outDir, s.image), 'utf8')).toMatch(/^bytes of/);
    expect(manifest).toMatchObject({
      format: 'llava',
      counts: { samples: 3, train: 3, val: 0, videos: 3, clips: 0 },
    });
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'))).toMatchObject({
      project: p.store.path,
      settings: { status: 'approved', videos: 'copy' },
    });

    // converted formats: Qwen2.5-VL JSON and ShareGPT JSONL carry one <video>
    golden(
      'llava-as-qwen-export.json',
      fs.readFileSync(path.join((await exportTo('qwen2.5vl')).outDir, 'train.json'), 'utf8'),
    );
    golden(
      'llava-as-sharegpt-export.jsonl',
      fs.readFileSync(path.join((await exportTo('sharegpt-jsonl')).outDir, 'train.jsonl'), 'utf8'),
    );
  });

  it('round-trips Qwen2.5-VL JSON verbatim, and back to LLaVA with the VQA² preamble', async () => {
    expect(
      importDataset(p.store, path.join(GOLDEN, 'qwen-input.json'), 'qwen2.5vl', { asDraft: true }),
    ).toMatchObject({ imported: 2 });
    expect(listPairs(p.store, { status: 'draft' }, 0, 10).total).toBe(2);
    const { outDir } = await exportTo('qwen2.5vl', { status: 'draft', videos: 'reference' });
    const text = fs.readFileSync(path.join(outDir, 'train.json'), 'utf8');
    golden('qwen-export.json', text);
    const input = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'qwen-input.json'), 'utf8')) as {
      conversations: unknown;
    }[];
    expect((JSON.parse(text) as { conversations: unknown }[]).map((s) => s.conversations)).toEqual(
      input.map((s) => s.conversations),
    );
    expect(fs.lstatSync(path.join(outDir, 'videos/a.mp4')).isSymbolicLink()).toBe(true);
    const llava = JSON.parse(
      fs.readFileSync(
        path.join((await exportTo('llava', { status: 'draft' })).outDir, 'train.json'),
        'utf8',
      ),
    ) as { conversations: { value: string }[] }[];
    expect(llava[0]!.conversations[0]!.value).toBe(
      'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. How would you rate the quality of this video?',
    );
  });

  it('attaches a rating list as MOS (scale kept and declared) and exports csv-mos and scores-json', async () => {
    const r = importDataset(p.store, path.join(GOLDEN, 'ratings-input.json'), 'ratings');
    expect(r).toMatchObject({
      items: 3,
      imported: 2,
      scale: '0-100',
      unmatched: [{ index: 3, path: 'nope.mp4' }],
    });
    expect(listVideoMos(p.store).map((m) => [m.videoId, m.mos, m.scale])).toEqual([
      [p.ids.a, 80.232, '0-100'],
      [p.ids.b, 41.5, '0-100'],
    ]);
    const csv = await exportTo('csv-mos', { videos: 'hardlink' });
    golden('mos.csv', fs.readFileSync(path.join(csv.outDir, 'mos.csv'), 'utf8'));
    // hard links: the same file, not a copy
    expect(fs.statSync(path.join(csv.outDir, 'videos/b.mp4')).ino).toBe(
      fs.statSync(path.join(dir, 'videos/b.mp4')).ino,
    );
    // a declared scale wins over detection
    const small = write(
      'small.json',
      JSON.stringify([
        { video_path: 'a.mp4', mos: 3 },
        { video_path: 'b.mp4', mos: 4.5 },
      ]),
    );
    expect(importDataset(p.store, small, 'ratings').scale).toBe('1-5');
    expect(importDataset(p.store, small, 'ratings', { scale: '0-100' }).scale).toBe('0-100');
    expect(listVideoMos(p.store, 'small.json').map((m) => m.scale)).toEqual(['0-100', '0-100']);
    const scores = await exportTo('scores-json');
    golden('scores.json', fs.readFileSync(path.join(scores.outDir, 'scores.json'), 'utf8'));
    expect(scores.manifest.counts).toMatchObject({ samples: 2, skipped: { unscored: 1 } });
  });

  it('keeps rating pairs whose level is from the model out of an approved export until a person approves one, and counts them in the manifest', async () => {
    generatePairs(p.store, ['rating']);
    const rows = listPairs(p.store, undefined, 0, 10).rows;
    const fromModel = rows.find((r) => r.videoId === p.ids.b)!;
    const fromMos = rows.find((r) => r.videoId === p.ids.a)!;
    expect([fromModel.status, fromModel.levelFrom, fromMos.status, fromMos.levelFrom]).toEqual([
      'draft',
      'model',
      'draft',
      'mos',
    ]);
    const none = await exportTo('llava');
    expect(none.manifest.counts).toMatchObject({
      samples: 0,
      pairs: { approved: 0, draft: 0, draftLevelFromModel: 0 },
    });
    const all = await exportTo('llava', { status: 'all' });
    expect(all.manifest.counts).toMatchObject({
      samples: 2,
      pairs: { approved: 0, draft: 2, draftLevelFromModel: 1 },
    });
    // a person approves the model-level pair: now it is approved data
    setPairStatus(p.store, [fromModel.id], 'approved');
    const approved = await exportTo('llava');
    expect(approved.manifest.counts).toMatchObject({
      samples: 1,
      pairs: { approved: 1, draft: 0, draftLevelFromModel: 0 },
    });
    // regenerating replaces drafts only: the approved pair stays as the person left it
    generatePairs(p.store, ['rating']);
    expect(
      listPairs(p.store, undefined, 0, 10)
        .rows.filter((r) => r.status === 'approved')
        .map((r) => r.id),
    ).toEqual([fromModel.id]);
  });

  it('stores a Q-Bench-Video question set for evaluation, two-video items included', () => {
    const r = importDataset(p.store, path.join(GOLDEN, 'qbench-input.json'), 'qbench');
    expect(r).toMatchObject({ items: 3, imported: 3, setName: 'qbench-input.json' });
    const qs = listQbenchQuestions(p.store, 'qbench-input.json');
    expect(qs[0]).toMatchObject({
      videoId: p.ids.a,
      correctChoice: 'C',
      extra: { concern: 'sharpness' },
    });
    expect(qs[1]).toMatchObject({ videoId: p.ids.a, video2Id: p.ids.b, context: 'Compare' });
    expect(qs[2]).toMatchObject({ questionType: 'open_ended', correctChoice: null, answers: [] });
  });

  it.each([
    [
      'wrong types',
      '[{"id": 7, "image": "a.mp4", "conversations": []}]',
      /item 1: id: must be a non-empty string, found 7/,
    ],
    [
      'a turn that is not a string',
      '[{"id": "x", "image": "a.mp4", "conversations": [{"from": "human", "value": 3}]}]',
      /item 1: conversations\[0\]\.value: must be a string, found number/,
    ],
    [
      'bad turn order',
      JSON.stringify([
        {
          id: 'x',
          image: 'a.mp4',
          conversations: [
            { from: 'gpt', value: 'a' },
            { from: 'human', value: '<image><image>' },
          ],
        },
      ]),
      /item 1: conversations: turn 1: expected "human", found "gpt"/,
    ],
    [
      'a missing placeholder',
      JSON.stringify([
        {
          id: 'x',
          image: 'a.mp4',
          conversations: [
            { from: 'human', value: '<image> rate' },
            { from: 'gpt', value: 'ok' },
          ],
        },
      ]),
      /item 1: conversations: turn 1: needs 2 <image> placeholders, found 1/,
    ],
    [
      'an extra placeholder',
      JSON.stringify([
        {
          id: 'x',
          image: 'a.mp4',
          conversations: [
            { from: 'human', value: '<image><image>' },
            { from: 'gpt', value: 'see <image>' },
          ],
        },
      ]),
      /item 1: conversations: turn 2: <image> placeholders belong in the first human turn only/,
    ],
    [
      'duplicate ids',
      JSON.stringify(
        [0, 1].map(() => ({
          id: 'dup',
          image: 'a.mp4',
          conversations: [
            { from: 'human', value: '<image><image>' },
            { from: 'gpt', value: 'ok' },
          ],
        })),
      ),
      /item 2: id: "dup" duplicates item 1/,
    ],
    ['not an array', '{"id": "x"}', /must hold a JSON array of samples/],
    ['broken JSON', '[{"id": "x",', /not valid JSON/],
  ])('refuses %s naming the item and field, and writes nothing', (_what, content, message) => {
    const f = write('bad.json', content);
    expect(() => importDataset(p.store, f, 'llava')).toThrow(message);
    expect(pairCount()).toBe(0);
  });

  it('refuses non-UTF-8, files over the cap (a 50 MB file) and ids already in the project', () => {
    const latin1 = write('latin1.json', Buffer.from('[{"id": "caf\xe9"}]', 'latin1'));
    expect(() => importDataset(p.store, latin1, 'llava')).toThrow(/is not valid UTF-8/);
    const big = path.join(dir, 'big.json');
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, 50 * 1024 * 1024);
    fs.closeSync(fd);
    expect(MAX_IMPORT_BYTES).toBe(32 * 1024 * 1024);
    expect(() => importDataset(p.store, big, 'llava')).toThrow(
      /is 50\.0 MB; import reads files up to 32 MB — raise the limit for this import \(--max-mb 50/,
    );
    // a raised limit reads it (and then finds it is not JSON); a lower one refuses smaller files
    expect(() => importDataset(p.store, big, 'llava', { maxMB: 64 })).toThrow(/not valid JSON/);
    expect(() =>
      importDataset(p.store, write('pad.json', `[${' '.repeat(1.5 * 1024 * 1024)}]`), 'llava', {
        maxMB: 1,
      }),
    ).toThrow(/is 1\.5 MB; import reads files up to 1 MB/);
    importDataset(p.store, path.join(GOLDEN, 'llava-input.json'), 'llava');
    const before = pairCount();
    expect(() => importDataset(p.store, path.join(GOLDEN, 'llava-input.json'), 'llava')).toThrow(
      /item 1: id: "a_rating" is already used/,
    );
    expect(pairCount()).toBe(before);
    expect(() =>
      importDataset(
        p.store,
        write('r.json', '[{"video_path": "a.mp4", "mos": "high"}]'),
        'ratings',
      ),
    ).toThrow(/item 1: mos: must be a number, found "high"/);
    expect(() =>
      importDataset(
        p.store,
        write(
          'q.json',
          '[{"video_name": "a.mp4", "question_type": "what/how", "question": "?", "answers": ["x"], "correct_choice": "B"}]',
        ),
        'qbench',
      ),
    ).toThrow(/item 1: correct_choice: "B" is past the 1 answers/);
  });

  it('splits train/val by video with a seed, the same every time', async () => {
    generatePairs(p.store, ['rating', 'distortion', 'temporal', 'qbench']);
    const ids = listPairs(p.store, undefined, 0, 100).rows.map((r) => r.id);
    p.store.connection
      .prepare(`UPDATE pairs SET status = 'approved' WHERE id IN (${ids.join(',')})`)
      .run();
    const one = await exportTo('llava', { valFraction: 0.34, seed: 7 });
    const two = await exportTo('llava', { valFraction: 0.34, seed: 7 });
    const read = (d: string, f: string) =>
      JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as { image: string }[];
    const val = read(one.outDir, 'val.json');
    const train = read(one.outDir, 'train.json');
    expect(val.length).toBeGreaterThan(0);
    expect(new Set(val.map((s) => s.image)).size).toBe(1);
    expect(train.some((s) => s.image === val[0]!.image)).toBe(false);
    expect(read(two.outDir, 'val.json')).toEqual(val);
    expect(valVideos([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.3, 1)).toEqual(
      valVideos([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.3, 1),
    );
    expect(one.manifest.counts.val).toBe(val.length);
  });

  it('states a time range in the prompt, and leaves two-video pairs out of one-video formats (counted)', async () => {
    insertPairs(p.store, [
      {
        uid: 'ranged',
        videoId: p.ids.a,
        startSec: 1.25,
        endSec: 2.5,
        source: 'manual',
        status: 'approved',
        extra: { style: 'llava' },
        conversations: [
          {
            from: 'human',
            value:
              'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. What is wrong here?',
          },
          { from: 'gpt', value: 'Blur.' },
        ],
      },
      {
        uid: 'two',
        videoId: p.ids.a,
        video2Id: p.ids.b,
        source: 'manual',
        status: 'approved',
        extra: { style: 'qwen' },
        conversations: [
          { from: 'human', value: '<video>\n<video>\nWhich is better?' },
          { from: 'gpt', value: 'The first.' },
        ],
      },
    ]);
    const { outDir, manifest } = await exportTo('llava');
    const [s] = JSON.parse(fs.readFileSync(path.join(outDir, 'train.json'), 'utf8')) as {
      conversations: { value: string }[];
    }[];
    expect(s!.conversations[0]!.value).toBe(
      'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. Consider only the part of the video from 1.3 s to 2.5 s. What is wrong here?',
    );
    expect(manifest.counts.skipped).toEqual({ twoVideoPairs: 1 });
    const sg = await exportTo('sharegpt-jsonl');
    const lines = fs
      .readFileSync(path.join(sg.outDir, 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { videos: string[] });
    expect(lines[1]!.videos).toEqual(['videos/a.mp4', 'videos/b.mp4']);
  });

  it('validates before writing and writes atomically: a failure or a cancel leaves no dataset and no temp folder', async () => {
    // a stored pair that breaks the format (written around the checks, as a bug or an old file could)
    p.store.connection
      .prepare(
        `INSERT INTO pairs (uid, video_id, conversations_json, source, status, created_at, updated_at) VALUES ('broken', ?, ?, 'manual', 'approved', 'x', 'x')`,
      )
      .run(
        p.ids.a,
        JSON.stringify([
          { from: 'human', value: 'no placeholders' },
          { from: 'gpt', value: 'ok' },
        ]),
      );
    const outDir = path.join(dir, 'ds');
    await expect(
      exportDataset(p.store, { format: 'qwen2.5vl', outDir: path.join(dir, 'ds0') }),
    ).resolves.toBeDefined(); // converted: gains <video>
    await expect(exportDataset(p.store, { format: 'llava', outDir })).rejects.toThrow(
      /sample 1 \(id "broken"\): conversations: turn 1: needs 2 <image> placeholders, found 0/,
    );
    expect(fs.existsSync(outDir)).toBe(false);
    p.store.connection.prepare(`DELETE FROM pairs WHERE uid = 'broken'`).run();
    importDataset(p.store, path.join(GOLDEN, 'llava-input.json'), 'llava');
    const controller = new AbortController();
    const phases: string[] = [];
    const run = exportDataset(
      p.store,
      { format: 'llava', outDir },
      {
        signal: controller.signal,
        onProgress: (pr) => {
          phases.push(`${pr.status}:${pr.phase}:${pr.done}/${pr.total}`);
          if (pr.phase === 'videos' && pr.done === 1) controller.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(/cancelled/);
    expect(phases.at(-1)).toMatch(/^cancelled:videos:[123]\/3/); // operations in flight finish, no new one starts
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('ds') || f.startsWith('.ds'))).toEqual([
      'ds0',
    ]);
    await expect(
      exportDataset(p.store, { format: 'llava', outDir: path.join(dir, 'ds0') }),
    ).rejects.toThrow(/exists and is not empty/);
  });

  it('writes sample by sample exactly what JSON.stringify of the whole array gives', () => {
    const samples = [
      {
        id: 'a',
        image: 'videos/a.mp4',
        conversations: [{ from: 'human', value: '<image>\nline two\n\ttab "q" \\ ² 🎞' }],
        nested: { empty: [], obj: {}, n: [1, 2.5, null] },
      },
      { id: 'b', list: [[], [{}], 'x\r\ny'] },
      ...Array.from({ length: 3000 }, (_, i) => ({
        id: `s${i}`,
        conversations: [{ from: 'gpt', value: 'v'.repeat(i % 700) }],
      })),
    ];
    for (const [format, expected] of [
      ['llava', JSON.stringify(samples, null, 2) + '\n'],
      ['sharegpt-jsonl', samples.map((x) => JSON.stringify(x)).join('\n') + '\n'],
    ] as const) {
      const f = path.join(dir, `w-${format}`);
      writeSamples(f, format, samples);
      expect(fs.readFileSync(f, 'utf8')).toBe(expected);
      writeSamples(f, format, []);
      expect(fs.readFileSync(f, 'utf8')).toBe(format === 'llava' ? '[]\n' : '');
    }
  });
});
