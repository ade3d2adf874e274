// Every common container a folder scan meets is imported (ffmpeg demuxes it) or reported with a reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importVideos } from '../../src-main/services/library/import';
import { scanPaths, VIDEO_EXTENSIONS } from '../../src-main/services/library/scan';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ffmpeg } from '../helpers/fixtures';
import { recipes } from '../helpers/container-recipes';

/** extension → ffmpeg output options: a real file of that container, as cameras and tools write it. */
const CONTAINERS = recipes([
  'asf',
  'wmv',
  'ts',
  'm2ts',
  'mts',
  'vob',
  '3g2',
  'f4v',
  'mxf',
  'dv',
  'nut',
  'ivf',
  'rm',
  'ogm',
  'divx',
]);

let tmp: string;
let media: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-containers-'));
  media = path.join(tmp, 'media');
  fs.mkdirSync(path.join(media, 'sub'), { recursive: true });
  // Distinct pictures per file, so no two are skipped as duplicates of each other.
  let i = 0;
  for (const [ext, opts] of Object.entries(CONTAINERS)) {
    i += 1;
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=320x240:r=25:d=0.6,hue=h=${i * 20}`,
      ...opts,
      path.join(media, `clip.${ext}`),
    ]);
  }
  fs.writeFileSync(path.join(media, 'notes.txt'), 'not a video');
  fs.writeFileSync(path.join(media, 'sub', 'cover.JPG'), 'not a video either');
  fs.writeFileSync(path.join(media, 'LICENSE'), 'no extension');
  fs.writeFileSync(path.join(media, '.hidden.txt'), 'hidden: ignored');
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('folder scan', () => {
  it('recognises the common containers case-insensitively and reports every other file with its reason', async () => {
    fs.copyFileSync(path.join(media, 'clip.asf'), path.join(tmp, 'UPPER.ASF'));
    for (const ext of ['asf', 'wmv', 'ts', 'm2ts', 'mts', 'vob', '3g2', 'f4v', 'mxf'])
      expect(VIDEO_EXTENSIONS.has(ext)).toBe(true);
    const scan = await scanPaths([media, path.join(tmp, 'UPPER.ASF')]);
    expect(scan.files.map((f) => path.basename(f)).sort()).toEqual(
      [...Object.keys(CONTAINERS).map((e) => `clip.${e}`), 'UPPER.ASF'].sort(),
    );
    expect(scan.skipped.map((s) => [path.relative(media, s.path), s.kind]).sort()).toEqual([
      ['LICENSE', 'not-video'],
      ['notes.txt', 'not-video'],
      [path.join('sub', 'cover.JPG'), 'not-video'],
    ]);
    expect(scan.skipped.find((s) => s.path.endsWith('cover.JPG'))!.reason).toMatch(
      /^Not a video file type \(\.jpg\)/,
    );
  });
});

describe('import of every container', () => {
  it('imports each container with metadata and a thumbnail, and lists the skipped files in the summary', async () => {
    const store = ProjectStore.create(path.join(tmp, 'p'));
    try {
      const summary = await importVideos(store, [media], { jobId: 'containers', concurrency: 2 });
      const { rows } = store.listVideos({ offset: 0, limit: 100 });
      const failed = rows.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${r.error}`);
      expect(failed).toEqual([]);
      expect(summary.added).toBe(Object.keys(CONTAINERS).length);
      expect(summary.skipped).toBe(3);
      expect(summary.skippedItems.map((s) => path.basename(s.path)).sort()).toEqual([
        'LICENSE',
        'cover.JPG',
        'notes.txt',
      ]);
      for (const r of rows) {
        expect(r.durationSec, r.name).toBeGreaterThan(0.3);
        expect(r.width, r.name).toBeGreaterThan(0);
        expect(r.hasThumb, r.name).toBe(true);
      }
    } finally {
      store.close();
    }
  }, 120_000);
});
