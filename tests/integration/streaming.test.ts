// The streaming scorer on real encodes: frozen spans match ffmpeg's freezedetect, a resolution
// switch is found, and stalls lower the P.1203 session score.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMediaTool } from '../../src-main/services/media/run';
import { sampleFrames } from '../../src-main/services/media/frames';
import {
  FreezeDetector,
  FREEZE_NOISE_DB,
  FREEZE_MIN_SEC,
} from '../../src-main/services/scoring/temporal';
import { scoreStreaming } from '../../src-main/services/scoring/streaming-scorer';

let dir: string;
const clip = (name: string) => path.join(dir, name);

async function ffmpeg(args: string[]) {
  const r = await runMediaTool('ffmpeg', ['-hide_banner', '-y', ...args]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return r.stderr;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-stream-'));
  const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
  // 8 s, with a 2 s freeze at 2 s (frame 50 repeated 50 times) and a 1 s freeze at 6 s
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=25',
    '-vf',
    'loop=loop=50:size=1:start=50,loop=loop=25:size=1:start=150,setpts=N/25/TB',
    '-t',
    '8',
    ...x264,
    clip('freeze.mp4'),
  ]);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=25',
    '-t',
    '8',
    ...x264,
    clip('smooth.mp4'),
  ]);
  // a resolution switch at 4 s: 640x360 then 320x180 upscaled back into the same stream size is not a switch,
  // so encode two parts at different sizes and concatenate them (streams in ABR players do this)
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25',
    '-t',
    '4',
    ...x264,
    '-b:v',
    '1500k',
    clip('hi.mp4'),
  ]);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=25',
    '-t',
    '4',
    ...x264,
    '-b:v',
    '200k',
    clip('lo.mp4'),
  ]);
  fs.writeFileSync(clip('list.txt'), `file '${clip('hi.mp4')}'\nfile '${clip('lo.mp4')}'\n`);
  await ffmpeg([
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    clip('list.txt'),
    '-c',
    'copy',
    clip('switch.mp4'),
  ]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('streaming scorer', () => {
  it('finds the same frozen spans as ffmpeg freezedetect (within a frame)', async () => {
    const log = await ffmpeg([
      '-i',
      clip('freeze.mp4'),
      '-vf',
      `freezedetect=n=${FREEZE_NOISE_DB}dB:d=${FREEZE_MIN_SEC}`,
      '-f',
      'null',
      '-',
    ]);
    const starts = [...log.matchAll(/freeze_start: ([\d.]+)/g)].map((m) => Number(m[1]));
    const ends = [...log.matchAll(/freeze_end: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(starts.length).toBe(2);
    const d = new FreezeDetector(25);
    for await (const s of sampleFrames(
      clip('freeze.mp4'),
      { keyWidth: 16, keyHeight: 16, motionWidth: 64, motionHeight: 36 },
      { fps: 25 },
    )) {
      for (const m of s.motion) d.push(m);
    }
    const ours = d.finish();
    expect(ours).toHaveLength(2);
    ours.forEach((span, i) => {
      expect(Math.abs(span.startSec - starts[i]!)).toBeLessThanOrEqual(0.041);
      expect(Math.abs(span.endSec - ends[i]!)).toBeLessThanOrEqual(0.041);
    });
  });

  it('reports stalls as events and scores a stalling session below a smooth one', async () => {
    const base = { width: 320, height: 180, fps: 25, durationSec: 8, codec: 'h264' };
    const smooth = await scoreStreaming({ ...base, absPath: clip('smooth.mp4') });
    const frozen = await scoreStreaming({ ...base, absPath: clip('freeze.mp4') });
    expect(smooth.events.filter((e) => e.kind === 'stall')).toHaveLength(0);
    const stalls = frozen.events.filter((e) => e.kind === 'stall');
    expect(stalls.map((s) => Math.round(s.startSec))).toEqual([2, 6]);
    expect(frozen.video.features.stalls).toBe(2);
    expect(frozen.video.features.O46).toBeLessThan(smooth.video.features.O46!);
    expect(frozen.video.score).toBeLessThan(smooth.video.score);
    expect(smooth.segments).toHaveLength(4);
    for (const s of smooth.segments) expect(s.features.pv).toBeGreaterThanOrEqual(1);
  });

  it('detects a resolution switch and scores the low-resolution part lower', async () => {
    const r = await scoreStreaming({
      absPath: clip('switch.mp4'),
      width: 640,
      height: 360,
      fps: 25,
      durationSec: 8,
      codec: 'h264',
    });
    const sw = r.events.filter((e) => e.kind === 'switch');
    expect(sw.length).toBeGreaterThanOrEqual(1);
    expect(
      sw.some(
        (e) =>
          Math.abs(e.startSec - 4) < 0.01 && (e.data!.changes as string[]).includes('resolution'),
      ),
    ).toBe(true);
    expect(r.segments[3]!.score).toBeLessThan(r.segments[0]!.score);
    expect(r.segments[3]!.features.height).toBe(180);
  });

  it('refuses codecs P.1203 mode 0 does not cover', async () => {
    await expect(
      scoreStreaming({
        absPath: clip('smooth.mp4'),
        width: 320,
        height: 180,
        fps: 25,
        durationSec: 8,
        codec: 'vp9',
      }),
    ).rejects.toThrow(/H\.264 streams only/);
  });
});
