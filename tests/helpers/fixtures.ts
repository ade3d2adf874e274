// Fixture clips made with real ffmpeg (lavfi sources) plus deliberately broken inputs. Generated
// once per machine into os.tmpdir(), keyed by content, so repeated test runs reuse them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { runMediaTool } from '../../src-main/services/media/run';

export type ClipCodec = 'h264' | 'hevc' | 'vp9' | 'mpeg4' | 'mjpeg';
export type ClipSource = 'testsrc2' | 'mandelbrot' | 'life' | 'smptebars';

export interface ClipOptions {
  codec?: ClipCodec;
  source?: ClipSource;
  durationSec?: number;
  width?: number;
  height?: number;
  fps?: number;
  /** File extension without dot; defaults to the codec's usual container. */
  container?: string;
  /** Write here instead of the shared cache (the file is copied from the cache). */
  out?: string;
}

export interface GoodFixture {
  name: string;
  path: string;
  codec: string;
  width: number;
  height: number;
  fps: number;
  durationSec: number;
}

export interface BrokenFixture {
  name: string;
  path: string;
  /** What a person should read in the row's error. */
  reason: RegExp;
  /** What the fixture actually exercises, stated honestly. */
  exercises: string;
}

export interface FixtureSet {
  dir: string;
  good: GoodFixture[];
  broken: BrokenFixture[];
  all: string[];
}

// Bump when the generation recipes change so stale cached files are not reused.
const RECIPE_VERSION = 4;

const CODEC_ARGS: Record<ClipCodec, { args: string[]; container: string; encoder: string }> = {
  h264: {
    encoder: 'libx264',
    container: 'mp4',
    args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  },
  hevc: {
    encoder: 'libx265',
    container: 'mkv',
    args: [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'log-level=error',
      '-pix_fmt',
      'yuv420p',
    ],
  },
  vp9: {
    encoder: 'libvpx-vp9',
    container: 'webm',
    args: [
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '300k',
      '-pix_fmt',
      'yuv420p',
    ],
  },
  mpeg4: { encoder: 'mpeg4', container: 'avi', args: ['-c:v', 'mpeg4', '-q:v', '5'] },
  mjpeg: {
    encoder: 'mjpeg',
    container: 'mov',
    args: ['-c:v', 'mjpeg', '-q:v', '5', '-pix_fmt', 'yuvj420p'],
  },
};

let cacheDirPromise: Promise<string> | null = null;

/** os.tmpdir()/vqa2-fixtures-<ffmpeg version key>: a new ffmpeg build regenerates everything. */
export function fixtureCacheDir(): Promise<string> {
  cacheDirPromise ??= runMediaTool('ffmpeg', ['-hide_banner', '-version']).then((r) => {
    const version = r.stdout.toString('utf8').split('\n')[0] ?? '';
    const key = createHash('sha1')
      .update(`${version}|${RECIPE_VERSION}`)
      .digest('hex')
      .slice(0, 12);
    const dir = path.join(os.tmpdir(), `vqa2-fixtures-${key}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  });
  return cacheDirPromise;
}

let encoders: Promise<string> | null = null;
export async function hasEncoder(name: string): Promise<boolean> {
  encoders ??= runMediaTool('ffmpeg', ['-hide_banner', '-encoders']).then((r) =>
    r.stdout.toString('utf8'),
  );
  return new RegExp(`\\s${name.replace(/[-]/g, '\\-')}\\s`).test(await encoders);
}

/** Run ffmpeg quietly (overwriting outputs); throws with its stderr on failure. */
export async function ffmpeg(args: string[]): Promise<void> {
  const r = await runMediaTool('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-y',
    ...args,
  ]);
  if (r.exitCode !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** Produce `name` in the cache with `make(tmpPath)` unless it is already there; atomic, so parallel runs are safe. */
async function cached(name: string, make: (tmp: string) => Promise<void>): Promise<string> {
  const file = path.join(await fixtureCacheDir(), name);
  if (fs.existsSync(file)) return file;
  const tmp = path.join(path.dirname(file), `.tmp-${randomBytes(6).toString('hex')}-${name}`);
  try {
    await make(tmp);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return file;
}

function sourceFilter(source: ClipSource, w: number, h: number, fps: number, d: number): string {
  switch (source) {
    case 'testsrc2':
      return `testsrc2=s=${w}x${h}:r=${fps}:d=${d}`;
    case 'smptebars':
      return `smptebars=s=${w}x${h}:r=${fps}:d=${d}`;
    case 'mandelbrot':
      return `mandelbrot=s=${w}x${h}:r=${fps},trim=duration=${d}`;
    case 'life':
      return `life=s=${w}x${h}:r=${fps}:mold=10:ratio=0.1:death_color=#C83232:life_color=#00ff00,trim=duration=${d}`;
  }
}

/** A synthetic clip; returns its path (in the shared cache unless `out` is given). */
export async function makeClip(opts: ClipOptions = {}): Promise<string> {
  const {
    codec = 'h264',
    source = 'testsrc2',
    durationSec = 1,
    width = 320,
    height = 240,
    fps = 25,
  } = opts;
  const spec = CODEC_ARGS[codec];
  const container = opts.container ?? spec.container;
  const key = createHash('sha1')
    .update(JSON.stringify([codec, source, durationSec, width, height, fps, container]))
    .digest('hex')
    .slice(0, 10);
  const file = await cached(`clip-${codec}-${source}-${key}.${container}`, (tmp) =>
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      sourceFilter(source, width, height, fps, durationSec),
      ...spec.args,
      '-f',
      container === 'mkv' ? 'matroska' : container === 'm4v' ? 'mp4' : container,
      tmp,
    ]),
  );
  if (!opts.out) return file;
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.copyFileSync(file, opts.out);
  return opts.out;
}

/**
 * `count` copies of `source` with different content (a remux with a distinct metadata comment),
 * so their partial hashes differ. One ffmpeg run writes up to 50 outputs: cheap even for 200 copies.
 */
export async function makeClipCopies(
  source: string,
  count: number,
  dir: string,
  prefix = 'copy',
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const ext = path.extname(source);
  const outputs = Array.from({ length: count }, (_, i) =>
    path.join(dir, `${prefix}-${String(i).padStart(4, '0')}${ext}`),
  );
  for (let start = 0; start < count; start += 50) {
    const args = ['-i', source];
    for (let i = start; i < Math.min(count, start + 50); i++) {
      args.push(
        '-map',
        '0',
        '-c',
        'copy',
        '-metadata',
        `comment=${prefix} ${i} ${randomBytes(4).toString('hex')}`,
        outputs[i] as string,
      );
    }
    await ffmpeg(args);
  }
  return outputs;
}

/** Encode a lavfi source (first arg) with the given output args, then damage the bytes on purpose. */
async function encodeThenPatch(
  tmp: string,
  [lavfi, ...outputArgs]: string[],
  patch: (bytes: Buffer) => void,
): Promise<void> {
  const src = `${tmp}.src`;
  try {
    await ffmpeg(['-f', 'lavfi', '-i', lavfi as string, ...outputArgs, src]);
    const bytes = fs.readFileSync(src);
    patch(bytes);
    fs.writeFileSync(tmp, bytes);
  } finally {
    fs.rmSync(src, { force: true });
  }
}

async function makeBroken(): Promise<BrokenFixture[]> {
  const empty = await cached('broken-empty.mp4', async (tmp) => fs.writeFileSync(tmp, ''));
  const truncated = await cached('broken-truncated.mp4', async (tmp) => {
    // The mp4 muxer writes the moov index at the end, so the first half has media data but no index.
    const whole = fs.readFileSync(await makeClip({ codec: 'h264', durationSec: 2 }));
    fs.writeFileSync(tmp, whole.subarray(0, Math.floor(whole.length / 2)));
  });
  const text = await cached('broken-text-renamed.mp4', async (tmp) =>
    fs.writeFileSync(tmp, 'These are meeting notes, not a video.\n'.repeat(40)),
  );
  const audio = await cached('broken-audio-only.m4a', (tmp) =>
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-f', 'mp4', tmp]),
  );
  // A valid mpeg4 AVI whose FourCC (strh handler + strf compression) is patched to one no decoder claims.
  const unknownCodec = await cached('broken-unknown-fourcc.avi', (tmp) =>
    encodeThenPatch(tmp, ['testsrc2=s=320x240:r=10:d=1', '-c:v', 'mpeg4', '-f', 'avi'], (bytes) => {
      const tag = Buffer.from('FMP4');
      let patched = 0;
      for (let at = bytes.indexOf(tag); at >= 0 && patched < 2; at = bytes.indexOf(tag, at + 4)) {
        bytes.write('QQQQ', at, 'latin1');
        patched++;
      }
      if (patched !== 2) throw new Error('expected two FMP4 FourCCs in the AVI header');
    }),
  );
  // Matroska keeps codec, size and duration in its header, so this probes fine; the frame data is
  // scrambled, so only decoding (the thumbnail step) can tell that it is unusable.
  const corrupt = await cached('broken-corrupt-frames.mkv', (tmp) =>
    encodeThenPatch(
      tmp,
      ['testsrc2=s=320x240:r=25:d=2', ...CODEC_ARGS.h264.args, '-f', 'matroska'],
      (bytes) => {
        const cluster = bytes.indexOf(Buffer.from('1f43b675', 'hex'));
        if (cluster < 0) throw new Error('no Matroska cluster found');
        for (let k = cluster + 40; k < bytes.length - 2000; k++) bytes[k] = (k * 131 + 7) & 0xff;
      },
    ),
  );
  return [
    {
      name: 'empty.mp4',
      path: empty,
      reason: /^The file is empty \(0 bytes\)\.$/,
      exercises: 'a zero-byte file',
    },
    {
      name: 'truncated.mp4',
      path: truncated,
      reason:
        /^The file is truncated or incomplete: its index \(moov atom\) is missing\. \(moov atom not found\)$/,
      exercises: 'the first half of an h264 mp4 (index at the end is cut off)',
    },
    {
      name: 'notes.mp4',
      path: text,
      reason: /^Not a video: ffprobe could not recognise the format \(.+\)\.$/,
      exercises: 'a text file renamed to .mp4',
    },
    {
      name: 'tone-audio-only.mp4',
      path: audio,
      reason: /^No video stream: the file has only audio\.$/,
      exercises: 'an AAC-only mp4 container',
    },
    {
      name: 'odd-fourcc.avi',
      path: unknownCodec,
      reason: /^The video codec "QQQQ" cannot be decoded by this ffmpeg build\.$/,
      exercises:
        'an AVI whose FourCC no decoder claims (ffprobe reports no codec); not a real exotic codec',
    },
    {
      name: 'corrupt-frames.mkv',
      path: corrupt,
      reason: /^No frame could be decoded: the video data is damaged or truncated\. \(.+\)$/,
      exercises:
        'an h264 mkv that probes fine but whose frame data is scrambled (caught by decoding the poster frame)',
    },
  ];
}

/** Every fixture: good clips of several codecs (hevc only where libx265 exists) and the broken inputs. */
export async function makeFixtureSet(): Promise<FixtureSet> {
  const good: GoodFixture[] = [];
  const add = async (name: string, o: ClipOptions & { codec: ClipCodec }, expectCodec: string) => {
    const p = await makeClip(o);
    good.push({
      name,
      path: p,
      codec: expectCodec,
      width: o.width ?? 320,
      height: o.height ?? 240,
      fps: o.fps ?? 25,
      durationSec: o.durationSec ?? 1,
    });
  };
  await add('h264.mp4', { codec: 'h264', source: 'testsrc2', durationSec: 2 }, 'h264');
  await add('vp9.webm', { codec: 'vp9', source: 'mandelbrot', durationSec: 1 }, 'vp9');
  await add('mpeg4.avi', { codec: 'mpeg4', source: 'life', durationSec: 1, fps: 10 }, 'mpeg4');
  await add(
    'mjpeg.mov',
    { codec: 'mjpeg', source: 'testsrc2', durationSec: 1, width: 256, height: 144 },
    'mjpeg',
  );
  if (await hasEncoder('libx265'))
    await add('hevc.mkv', { codec: 'hevc', source: 'smptebars', durationSec: 1 }, 'hevc');
  const broken = await makeBroken();
  return {
    dir: await fixtureCacheDir(),
    good,
    broken,
    all: [...good.map((g) => g.path), ...broken.map((b) => b.path)],
  };
}
