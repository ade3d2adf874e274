// The streaming (P.1203) scorer's stall detection on real footage: a calm hand-held shot, whose
// frames change little but steadily, has no stalls, while the same shot with one frame held for half
// of it has one. ffmpeg freezedetect's absolute bar (−50 dB) reads most of the calm shot as frozen,
// which is why the scorer uses the pack's relative pair rule instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMediaTool } from '../../src-main/services/media/run';
import { sampleFrames } from '../../src-main/services/media/frames';
import { FreezeDetector } from '../../src-main/services/scoring/temporal';
import { scoreStreaming } from '../../src-main/services/scoring/streaming-scorer';
import { runFetchScript } from '../helpers/fetch-data';

const ROOT = path.resolve(__dirname, '../..');
const FPS = 30;
const FRAMES = 120; // 4 s

let dir: string;
const clip = (name: string) => path.join(dir, name);

async function encode(src: string, out: string, extra: string[]) {
  const vf = [`select='lt(n\\,${FRAMES})'`, `scale='min(640,iw)':-2`, ...extra];
  vf.push(`trim=end_frame=${FRAMES}`, `setpts=N/(${FPS}*TB)`, 'format=yuv420p');
  const r = await runMediaTool('ffmpeg', [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-y', '-i', src, '-vf', vf.join(',')],
    ...['-r', String(FPS), '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', out],
  ]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
}

beforeAll(async () => {
  runFetchScript('fetch-real-clips.sh');
  const list = fs.readFileSync(path.join(ROOT, '.cache/real-clips/clips.tsv'), 'utf8');
  // opencv-doc's box.mp4: a hand-held shot of a box on a table, 30 fps, little motion
  const box = list
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([name]) => name === 'box')?.[1];
  if (!box) throw new Error('box.mp4 is not in .cache/real-clips/clips.tsv');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-stream-calm-'));
  await encode(box, clip('calm.mp4'), []);
  // from 0.5 s, frame 15 is held for 60 frames (2 s), then the shot goes on
  await encode(box, clip('held.mp4'), ['loop=loop=60:size=1:start=15']);
}, 600_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function absoluteBarSpans(file: string) {
  const d = new FreezeDetector(FPS); // freezedetect's −50 dB bar
  for await (const s of sampleFrames(
    file,
    { keyWidth: 16, keyHeight: 16, motionWidth: 64, motionHeight: 36 },
    { fps: FPS },
  ))
    for (const m of s.motion) d.push(m);
  return d.finish();
}

describe('streaming scorer on a calm real shot', () => {
  const base = { width: 640, height: 480, fps: FPS, durationSec: FRAMES / FPS, codec: 'h264' };

  it('finds no stall in the calm shot, although the absolute −50 dB bar would', async () => {
    const absolute = await absoluteBarSpans(clip('calm.mp4'));
    expect(absolute.length).toBeGreaterThan(0);
    const r = await scoreStreaming({ ...base, absPath: clip('calm.mp4') });
    expect(r.events.filter((e) => e.kind === 'stall')).toEqual([]);
    expect(r.video.features.stalls).toBe(0);
    expect(r.video.features.stallSec).toBe(0);
  }, 120_000);

  it('finds the held frame as one stall of about 2 s and scores the session lower', async () => {
    const calm = await scoreStreaming({ ...base, absPath: clip('calm.mp4') });
    const held = await scoreStreaming({ ...base, absPath: clip('held.mp4') });
    const stalls = held.events.filter((e) => e.kind === 'stall');
    expect(stalls).toHaveLength(1);
    expect(Math.abs(stalls[0]!.startSec - 0.5)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(stalls[0]!.endSec! - 2.5)).toBeLessThanOrEqual(0.1);
    expect(held.video.features.O46).toBeLessThan(calm.video.features.O46!);
  }, 120_000);
});
