// The import pipeline against real ffmpeg and a real SQLite project in a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../src-shared/contract';
import { importVideos } from '../../src-main/services/library/import';
import { runMediaTool } from '../../src-main/services/media/run';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { makeClip, makeClipCopies, makeFixtureSet, type FixtureSet } from '../helpers/fixtures';

let fixtures: FixtureSet;
let tmp: string;
let projectDir: string;
let mediaDir: string;
let store: ProjectStore;
const placed = new Map<string, string>(); // fixture name → path inside the project folder
const events: ImportProgress[] = [];

/** Lay the fixtures out in nested folders inside the project folder (plus things the scan must ignore). */
function placeFixtures(): void {
  const all = [...fixtures.good, ...fixtures.broken];
  all.forEach((f, i) => {
    const sub = path.join(mediaDir, i % 3 === 0 ? '' : `set-${i % 3}`, i % 2 ? 'deeper/still' : '');
    fs.mkdirSync(sub, { recursive: true });
    const dest = path.join(sub, f.name);
    fs.copyFileSync(f.path, dest);
    placed.set(f.name, dest);
  });
  // Hidden folders and notes are not videos; a symlink loop must not hang the walk.
  fs.mkdirSync(path.join(mediaDir, '.git'), { recursive: true });
  fs.copyFileSync(fixtures.good[0]!.path, path.join(mediaDir, '.git', 'hidden.mp4'));
  fs.writeFileSync(path.join(mediaDir, 'README.txt'), 'not a video');
  fs.symlinkSync(mediaDir, path.join(mediaDir, 'set-1', 'loop'));
}

async function jpegSize(file: string): Promise<{ width: number; height: number }> {
  const r = await runMediaTool('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=width,height',
    '-of',
    'json',
    file,
  ]);
  const s = (
    JSON.parse(r.stdout.toString('utf8')) as { streams: { width: number; height: number }[] }
  ).streams[0]!;
  return { width: s.width, height: s.height };
}

beforeAll(async () => {
  fixtures = await makeFixtureSet();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-import-'));
  projectDir = path.join(tmp, 'project');
  mediaDir = path.join(projectDir, 'media');
  placeFixtures();
  store = ProjectStore.create(path.join(projectDir, 'study'));
});

afterAll(() => {
  store?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('importVideos', () => {
  it('imports a nested folder: good clips get metadata and thumbnails, broken ones fail with a reason', async () => {
    const summary = await importVideos(store, [mediaDir], {
      jobId: 'first',
      onProgress: (p) => events.push(p),
    });
    expect(summary.cancelled).toBe(false);
    expect(summary.added).toBe(fixtures.good.length);
    expect(summary.failed).toBe(fixtures.broken.length);
    // The notes file is reported, not silently dropped; the hidden folder is not walked at all.
    expect(summary.skippedItems).toEqual([
      {
        path: path.join(mediaDir, 'README.txt'),
        kind: 'not-video',
        reason: 'Not a video file type (.txt); import the file by itself to have ffmpeg try it.',
      },
    ]);

    const { rows } = store.listVideos({ offset: 0, limit: 100 });
    expect(rows.map((r) => r.name).sort()).toEqual([...placed.keys()].sort());
    for (const g of fixtures.good) {
      const row = rows.find((r) => r.name === g.name)!;
      expect(row, g.name).toMatchObject({
        status: 'ok',
        error: null,
        codec: g.codec,
        width: g.width,
        height: g.height,
      });
      expect(row.fps, g.name).toBeCloseTo(g.fps, 3);
      expect(Math.abs(row.durationSec! - g.durationSec), g.name).toBeLessThan(0.15);
      expect(row.bitrateKbps, g.name).toBeGreaterThan(0);
      expect(row.hasThumb, g.name).toBe(true);
      const thumb = store.thumbPath(row.id);
      expect(fs.readFileSync(thumb).subarray(0, 2).toString('hex')).toBe('ffd8');
      const size = await jpegSize(thumb);
      expect(size.width).toBe(320);
      expect(size.height % 2).toBe(0);
      expect(size.height).toBe(Math.round((320 * g.height) / g.width / 2) * 2);
    }
    for (const b of fixtures.broken) {
      const row = rows.find((r) => r.name === b.name)!;
      expect(row.status, `${b.name}: ${b.exercises}`).toBe('failed');
      expect(row.error, `${b.name}: ${b.exercises}`).toMatch(b.reason);
      expect(row.hasThumb).toBe(false);
    }
  });

  it('stores paths inside the project folder relative to it', () => {
    const { rows } = store.listVideos({ offset: 0, limit: 100 });
    for (const r of rows) {
      expect(path.isAbsolute(r.path)).toBe(false);
      expect(r.path.startsWith('media/')).toBe(true);
      expect(fs.existsSync(store.toAbsPath(r.path))).toBe(true);
    }
  });

  it('reports monotonic progress that ends at the total', () => {
    const probing = events.filter((e) => e.phase !== 'scanning');
    expect(probing.length).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1]!, events[i]!];
      expect(b.done).toBeGreaterThanOrEqual(a.done);
      expect(b.added + b.failed + b.skipped).toBe(b.done);
    }
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ phase: 'done', jobId: 'first', current: null, etaSec: 0 });
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(placed.size + 1); // + the reported README.txt
  });

  it('skips every file on a re-import because it is already in the project', async () => {
    const before = store.videoCount();
    const summary = await importVideos(store, [mediaDir], { jobId: 'again' });
    expect(summary).toMatchObject({
      added: 0,
      failed: 0,
      skipped: placed.size + 1,
      cancelled: false,
    });
    expect(summary.skippedItems.filter((s) => s.kind === 'in-project')).toHaveLength(placed.size);
    expect(
      summary.skippedItems.every(
        (s) => s.reason === 'already in project' || s.kind === 'not-video',
      ),
    ).toBe(true);
    expect(store.videoCount()).toBe(before);
  });

  it('skips a copy of a clip at another path as a duplicate by content hash', async () => {
    const original = placed.get(fixtures.good[0]!.name)!;
    const copy = path.join(tmp, 'elsewhere', 'renamed-copy.mp4');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(original, copy);
    const missing = path.join(tmp, 'no-such-folder');
    const summary = await importVideos(store, [copy, missing], { jobId: 'copy' });
    expect(summary.added).toBe(0);
    expect(summary.skippedItems).toEqual([
      { path: missing, kind: 'unreadable', reason: 'Path does not exist.' },
      { path: copy, kind: 'duplicate', reason: `duplicate of ${original}` },
    ]);
  });

  it('cancels mid-import, keeps the committed rows, and a re-import completes the rest', async () => {
    const many = path.join(tmp, 'many');
    const source = await makeClip({ codec: 'h264', durationSec: 0.5, width: 160, height: 120 });
    const clips = await makeClipCopies(source, 24, many, 'clip');
    const second = ProjectStore.create(path.join(tmp, 'second'));
    try {
      const ctl = new AbortController();
      const first = await importVideos(second, [many], {
        jobId: 'cancel-me',
        signal: ctl.signal,
        concurrency: 2,
        // Progress events are throttled (one per 100 ms); in-process metadata reads a small clip
        // in ~10 ms, so all of them could finish before the first event reaches this listener.
        // The ffprobe path (a process per file) keeps the cancel inside the run; cancel semantics
        // are the same on both paths.
        inProcessProbe: false,
        onProgress: (p) => {
          if (p.done >= 1) ctl.abort();
        },
      });
      expect(first.cancelled).toBe(true);
      expect(first.added).toBeGreaterThan(0);
      expect(first.added).toBeLessThan(clips.length);
      expect(second.videoCount()).toBe(first.added);

      const rest = await importVideos(second, [many], { jobId: 'resume' });
      expect(rest.cancelled).toBe(false);
      expect(rest.added).toBe(clips.length - first.added);
      expect(rest.skipped).toBe(first.added);
      expect(second.videoCount()).toBe(clips.length);
      expect(second.facets()).toMatchObject({ ok: clips.length, failed: 0 });
      // Rows from the cancelled run kept their thumbnails.
      for (const id of second.videoIds()) expect(fs.existsSync(second.thumbPath(id))).toBe(true);
      expect(
        fs.readdirSync(path.join(second.cacheDir, 'thumbs')).filter((n) => n.startsWith('.')),
      ).toEqual([]);
    } finally {
      second.close();
    }
  });
});
