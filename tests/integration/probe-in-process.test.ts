// Metadata read in-process (MediaInfo in WebAssembly) agrees with ffprobe on every common
// container, the in-process path really answers for the usual ones, and broken inputs get exactly
// the reasons ffprobe's path gives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo, type ProbeOutcome } from '../../src-main/services/media/probe';
import { playabilityOf, type ProbeJson } from '../../src-main/services/media/playability';
import { ffmpeg, makeFixtureSet, type FixtureSet } from '../helpers/fixtures';
import { recipes } from '../helpers/container-recipes';

/** extension → ffmpeg output options. */
const CONTAINERS = recipes([
  'mp4',
  'mov',
  'mkv',
  'webm',
  'avi',
  'wmv',
  'ts',
  'm2ts',
  'vob',
  '3g2',
  'f4v',
  'mxf',
  'dv',
  'nut',
  'ivf',
  'rm',
  'ogv',
]);
/** Containers the in-process reader must answer for itself (the common ones). */
const IN_PROCESS = ['mp4', 'mov', 'mkv', 'webm', 'avi', 'vob', 'f4v', 'mxf', 'ivf'];

let tmp: string;
let fixtures: FixtureSet;

beforeAll(async () => {
  fixtures = await makeFixtureSet();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-probe-in-process-'));
  let i = 0;
  for (const [ext, opts] of Object.entries(CONTAINERS)) {
    i += 1;
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=320x240:r=25:d=1,hue=h=${i * 20}`,
      '-f',
      'lavfi',
      '-i',
      'sine=d=1',
      '-c:a',
      ext === 'webm' || ext === 'ogv' ? 'libvorbis' : 'mp2',
      ...(['ivf', 'nut', 'dv', 'rm', '3g2', 'mxf', 'f4v'].includes(ext) ? ['-an'] : []),
      ...opts,
      path.join(tmp, `clip.${ext}`),
    ]);
  }
}, 180_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const source = (o: ProbeOutcome) =>
  o.ok ? (JSON.parse(o.probeJson) as { source?: string }).source : null;

describe('in-process metadata', () => {
  it('agrees with ffprobe on every container, and answers the common ones without ffprobe', async () => {
    const inProcess: string[] = [];
    for (const ext of Object.keys(CONTAINERS)) {
      const file = path.join(tmp, `clip.${ext}`);
      const fast = await probeVideo(file);
      const slow = await probeVideo(file, { inProcess: false });
      expect(slow.ok, ext).toBe(true);
      expect(fast.ok, ext).toBe(true);
      if (!fast.ok || !slow.ok) continue;
      expect(source(slow), ext).toBeUndefined();
      if (source(fast) === 'mediainfo') inProcess.push(ext);
      expect(fast.meta.codec, ext).toBe(slow.meta.codec);
      expect([fast.meta.width, fast.meta.height], ext).toEqual([slow.meta.width, slow.meta.height]);
      expect(fast.meta.fps, ext).toBeCloseTo(slow.meta.fps!, 2);
      expect(Math.abs(fast.meta.durationSec! - slow.meta.durationSec!), ext).toBeLessThan(0.1);
      expect(fast.meta.bitrateKbps, ext).toBeGreaterThan(0);
      // what the review view decides from the stored JSON: play directly or make a proxy
      const play = (o: typeof fast) => playabilityOf(JSON.parse(o.probeJson) as ProbeJson, file);
      expect(play(fast).playable, ext).toBe(play(slow).playable);
      expect(play(fast).hasAudio, ext).toBe(play(slow).hasAudio);
    }
    expect(inProcess.sort()).toEqual(expect.arrayContaining(IN_PROCESS.sort()));
  }, 120_000);

  it('gives broken inputs the same reasons as ffprobe', async () => {
    for (const b of fixtures.broken) {
      const fast = await probeVideo(b.path);
      const slow = await probeVideo(b.path, { inProcess: false });
      expect(fast.ok, b.name).toBe(slow.ok);
      if (!fast.ok && !slow.ok) expect(fast.reason, b.name).toBe(slow.reason);
      // a file that probes fine but does not decode is the poster pass's to catch
      if (fast.ok && slow.ok) expect(fast.meta.codec, b.name).toBe(slow.meta.codec);
    }
  });

  it('reads the good fixtures of every codec as ffprobe does', async () => {
    for (const g of fixtures.good) {
      const fast = await probeVideo(g.path);
      expect(fast.ok, g.name).toBe(true);
      if (!fast.ok) continue;
      expect(fast.meta, g.name).toMatchObject({ codec: g.codec, width: g.width, height: g.height });
      expect(fast.meta.fps, g.name).toBeCloseTo(g.fps, 3);
    }
  });
});
