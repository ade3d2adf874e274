// Sample clips for `vqa2 demo`. Preferably cut from real camera and film footage (clips from
// Debian packages, see scripts/fetch-real-clips.sh): clean versions and distorted ones, so the
// scores mean what they would on a user's footage. Without that footage, ffmpeg's lavfi test
// patterns stand in — synthetic frames sit outside what BRISQUE was trained on, so their scores
// are a smoke test of the pipeline, not a quality ranking (the demo says so).
// Existing clips are reused; writes are atomic (temp + rename).
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

/** A demo clip cut from a real source clip: its first seconds, ≤ 640 px wide, then distorted. */
export interface RealSampleSpec {
  name: string;
  /** the source clip's name in the real-clip list */
  from: string;
  /** what was done to it, for people */
  distortion: 'clean' | 'blur' | 'compression' | 'noise' | 'freeze' | 'dark';
  /** filters after the ≤ 640 px scale */
  filters?: string;
  codecArgs: string[];
}

const X264 = (crf: number) => ['-c:v', 'libx264', '-crf', String(crf), '-pix_fmt', 'yuv420p'];

/**
 * Real-footage demo set: three clean clips in three containers and one distortion of each kind the
 * built-in scorer measures. Sources: `vtest` (a street, 10 fps), `box` (a hand-held object),
 * `bunny` (Big Buck Bunny, 25 fps), `lego` (a tabletop clip).
 */
export const REAL_SAMPLE_SPECS: RealSampleSpec[] = [
  { name: 'street_clean.mp4', from: 'vtest', distortion: 'clean', codecArgs: X264(18) },
  {
    name: 'street_blur.mp4',
    from: 'vtest',
    distortion: 'blur',
    filters: 'gblur=sigma=4',
    codecArgs: X264(18),
  },
  { name: 'street_crf47.mp4', from: 'vtest', distortion: 'compression', codecArgs: X264(47) },
  {
    name: 'box_clean.webm',
    from: 'box',
    distortion: 'clean',
    codecArgs: ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '20', '-deadline', 'realtime'],
  },
  {
    name: 'box_noise.mp4',
    from: 'box',
    distortion: 'noise',
    filters: 'noise=alls=40:allf=t',
    codecArgs: X264(18),
  },
  {
    name: 'bunny_clean.avi',
    from: 'bunny',
    distortion: 'clean',
    codecArgs: ['-c:v', 'mpeg4', '-q:v', '2'],
  },
  // 25 fps source: from frame 12, one frame is shown for 45 frames (half of the 3.6 s clip)
  {
    name: 'bunny_frozen.mp4',
    from: 'bunny',
    distortion: 'freeze',
    filters: 'loop=loop=45:size=1:start=12,setpts=N/25/TB,trim=end_frame=90',
    codecArgs: X264(18),
  },
  {
    name: 'lego_dark.mov',
    from: 'lego',
    distortion: 'dark',
    filters: 'eq=brightness=-0.3',
    codecArgs: X264(18),
  },
];

/** The real sources the demo set needs, by name. */
export const REAL_SAMPLE_SOURCES = [...new Set(REAL_SAMPLE_SPECS.map((s) => s.from))];

/** Reads the real-clip list (`name<TAB>path` lines); null when it lacks a source the demo needs. */
export function readRealClipList(listFile: string): Map<string, string> | null {
  let text: string;
  try {
    text = fs.readFileSync(listFile, 'utf8');
  } catch {
    return null;
  }
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, file] = line.split('\t');
    if (name && file && fs.existsSync(file)) m.set(name, file);
  }
  return REAL_SAMPLE_SOURCES.every((n) => m.has(n)) ? m : null;
}

async function encodeAtomic(
  dir: string,
  name: string,
  args: string[],
  signal?: AbortSignal,
): Promise<string> {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return file;
  const tmp = path.join(dir, `.tmp-${process.pid}-${name}`);
  const r = await runMediaTool('ffmpeg', ['-hide_banner', '-y', ...args, '-an', tmp], { signal });
  if (r.exitCode !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new MediaError(
      'MEDIA_PROCESS_FAILED',
      `Could not generate ${name}: ${lastErrorLine(r.stderr)}`,
      file,
    );
  }
  fs.renameSync(tmp, file);
  return file;
}

/** A truncated copy of a good clip: the demo shows how a broken file is reported. */
function writeBroken(dir: string, from: string): string {
  const broken = path.join(dir, 'broken_truncated.mp4');
  if (!fs.existsSync(broken)) {
    const src = fs.readFileSync(from);
    fs.writeFileSync(broken, src.subarray(0, Math.floor(src.length / 2)));
  }
  return broken;
}

/** Cut the real-footage demo set from the source clips; returns their paths plus a broken file. */
export async function generateRealSampleClips(
  dir: string,
  sources: Map<string, string>,
  signal?: AbortSignal,
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const spec of REAL_SAMPLE_SPECS) {
    const src = sources.get(spec.from);
    if (!src) throw new Error(`real clip ${spec.from} is missing`);
    const vf = [`scale='min(640,iw)':-2:flags=bicubic`, ...(spec.filters ? [spec.filters] : [])];
    const args = ['-i', src, '-t', String(DUR), '-vf', vf.join(','), ...spec.codecArgs];
    out.push(await encodeAtomic(dir, spec.name, args, signal));
  }
  out.push(writeBroken(dir, out[0]!));
  return out;
}

/** Generate (or reuse) the synthetic demo clips; returns their paths. Adds one deliberately broken file. */
export async function generateSampleClips(dir: string, signal?: AbortSignal): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const spec of SAMPLE_SPECS) {
    const vf = spec.filters ? ['-vf', spec.filters] : [];
    const args = ['-f', 'lavfi', '-i', spec.source, '-t', String(DUR), ...vf, ...spec.codecArgs];
    out.push(await encodeAtomic(dir, spec.name, args, signal));
  }
  out.push(writeBroken(dir, out[0]!));
  return out;
}
