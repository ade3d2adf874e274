// Sample clips for `vqa2 demo`, generated with ffmpeg's lavfi sources and distortion filters so
// the demo needs no downloads. Existing clips are reused; writes are atomic (temp + rename).
import fs from 'node:fs';
import path from 'node:path';
import { MediaError } from './errors';
import { lastErrorLine, runMediaTool } from './run';

interface SampleSpec {
  name: string;
  /** lavfi source graph */
  source: string;
  /** extra filters applied to the source */
  filters?: string;
  codecArgs: string[];
}

const SIZE = '640x360';
const DUR = 6;

export const SAMPLE_SPECS: SampleSpec[] = [
  {
    name: 'testsrc2_clean.mp4',
    source: `testsrc2=size=${SIZE}:rate=25`,
    codecArgs: ['-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p'],
  },
  {
    name: 'testsrc2_crf45.mp4',
    source: `testsrc2=size=${SIZE}:rate=25`,
    codecArgs: ['-c:v', 'libx264', '-crf', '45', '-pix_fmt', 'yuv420p'],
  },
  {
    name: 'testsrc2_blur.mp4',
    source: `testsrc2=size=${SIZE}:rate=25`,
    filters: 'gblur=sigma=4',
    codecArgs: ['-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p'],
  },
  {
    name: 'testsrc2_noise.mp4',
    source: `testsrc2=size=${SIZE}:rate=25`,
    filters: 'noise=alls=40:allf=t',
    codecArgs: ['-c:v', 'libx264', '-crf', '30', '-pix_fmt', 'yuv420p'],
  },
  // a 2 s freeze from 2 s to 4 s: frame 50 is repeated 50 times
  {
    name: 'testsrc2_freeze.mp4',
    source: `testsrc2=size=${SIZE}:rate=25`,
    filters: 'loop=loop=50:size=1:start=50,setpts=N/25/TB',
    codecArgs: ['-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p'],
  },
  {
    name: 'mandelbrot.webm',
    source: `mandelbrot=size=${SIZE}:rate=25`,
    codecArgs: [
      '-c:v',
      'libvpx-vp9',
      '-b:v',
      '0',
      '-crf',
      '34',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
    ],
  },
  {
    name: 'life.avi',
    source: `life=size=${SIZE}:rate=25:mold=10:ratio=0.4:death_color=#202020:life_color=#e0e0a0`,
    codecArgs: ['-c:v', 'mpeg4', '-q:v', '12'],
  },
  {
    name: 'testsrc2_dark.mov',
    source: `testsrc2=size=${SIZE}:rate=30`,
    filters: 'eq=brightness=-0.35',
    codecArgs: ['-c:v', 'mjpeg', '-q:v', '5', '-pix_fmt', 'yuvj420p'],
  },
];

/** Generate (or reuse) the demo clips; returns their paths. Adds one deliberately broken file. */
export async function generateSampleClips(dir: string, signal?: AbortSignal): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const spec of SAMPLE_SPECS) {
    const file = path.join(dir, spec.name);
    out.push(file);
    if (fs.existsSync(file)) continue;
    const tmp = path.join(dir, `.tmp-${process.pid}-${spec.name}`);
    const vf = spec.filters ? ['-vf', spec.filters] : [];
    const r = await runMediaTool(
      'ffmpeg',
      [
        '-hide_banner',
        '-y',
        '-f',
        'lavfi',
        '-i',
        spec.source,
        '-t',
        String(DUR),
        ...vf,
        ...spec.codecArgs,
        '-an',
        tmp,
      ],
      { signal },
    );
    if (r.exitCode !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new MediaError(
        'MEDIA_PROCESS_FAILED',
        `Could not generate ${spec.name}: ${lastErrorLine(r.stderr)}`,
        file,
      );
    }
    fs.renameSync(tmp, file);
  }
  // A truncated copy: the demo shows how a broken file is reported and the import goes on.
  const broken = path.join(dir, 'broken_truncated.mp4');
  if (!fs.existsSync(broken)) {
    const src = fs.readFileSync(path.join(dir, SAMPLE_SPECS[0]!.name));
    fs.writeFileSync(broken, src.subarray(0, Math.floor(src.length / 2)));
  }
  out.push(broken);
  return out;
}
