// The built-in pack's segment model (resources/models/builtin-nr/segment.onnx): regenerating it is
// byte-identical; its measures equal the TypeScript references (temporal.ts for the frame-difference
// measures, quality-head.ts for contrast, blur and noise); its `quality` and `level_logits` equal the
// TypeScript head fed the manifest's coefficients; its `brisque` equals brisque.onnx's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBrisqueSession,
  type BrisqueSession,
} from '../../src-main/services/inference/brisque-onnx';
import { createSession, loadPack, type LoadedPack } from '../../src-main/services/inference/packs';
import { scoreFromLogits } from '../../src-main/services/levels/level-score';
import {
  creteBlur,
  activeArea,
  blockNoise,
  clippedShares,
  cropRgb,
  keyFrameWeights,
  greyContrast,
  levelLogitsFromMeasures,
  levelLogitsFromQuality,
  levelScoreFromQuality,
  openCvGrey,
  qualityFromMeasures,
  SEGMENT_MEASURES,
  WSB_TOP,
  wsbQuality,
  type HeadCoefficients,
} from '../../src-main/services/scoring/quality-head';
import { temporalMeasures } from '../../src-main/services/scoring/temporal';
import { MEASURE_NAMES } from '../../src-main/services/scoring/pack-scorer';

const ROOT = path.resolve(__dirname, '../..');
const PACK = path.join(ROOT, 'resources/models/builtin-nr');
const GENERATOR = path.join(ROOT, 'scripts/gen-builtin-pack.mjs');
const MW = 64;
const MH = 36;

describe('segment.onnx generation', () => {
  it('regenerating segment.onnx gives the checked-in bytes, twice', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'builtin-nr-seg-'));
    try {
      execFileSync(process.execPath, [GENERATOR, '--out', out], { stdio: 'pipe' });
      const fresh = fs.readFileSync(path.join(out, 'segment.onnx'));
      const checkedIn = fs.readFileSync(path.join(PACK, 'segment.onnx'));
      expect(fresh.length).toBe(checkedIn.length);
      expect(Buffer.compare(fresh, checkedIn)).toBe(0);
      execFileSync(process.execPath, [GENERATOR, '--out', out], { stdio: 'pipe' });
      expect(Buffer.compare(fs.readFileSync(path.join(out, 'segment.onnx')), fresh)).toBe(0);
      // the manifest written next to it is the checked-in one (head coefficients included)
      expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(
        JSON.parse(fs.readFileSync(path.join(PACK, 'manifest.json'), 'utf8')),
      );
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('names the measures in the order the TypeScript side reads them (generator, manifest, scorer)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as {
      models: { file: string; outputs: { name: string; names?: string[] }[] }[];
    };
    const seg = manifest.models.find((m) => m.file === 'segment.onnx')!;
    expect(seg.outputs.find((o) => o.name === 'measures')!.names).toEqual([...SEGMENT_MEASURES]);
    expect(MEASURE_NAMES).toEqual(
      SEGMENT_MEASURES.map((m) => (m === 'brisque_mean' ? 'brisque' : m)),
    );
  });
});

/** Deterministic pseudo-random generator (LCG). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Interleaved rgb24 frame with texture, edges and noise. */
function rgbFrame(w: number, h: number, seed: number, noise = 20): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const v =
          120 +
          50 * Math.sin((x + 5 * c + seed) / 6) * Math.cos(y / 7) +
          35 * ((x >> 4) % 2) -
          25 * ((y >> 3) % 2) +
          noise * (r() - 0.5);
        out[(y * w + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return out;
}

function planar(frames: Uint8Array[], w: number, h: number): Float32Array {
  const plane = w * h;
  const out = new Float32Array(frames.length * 3 * plane);
  frames.forEach((f, k) => {
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) out[k * 3 * plane + c * plane + i] = f[3 * i + c]!;
  });
  return out;
}

/** Grey motion frame: a moving gradient with texture, brightness offset `gain`. */
function greyFrame(t: number, gain = 0, seed = 1): Uint8Array {
  const r = rng(seed * 1000 + t);
  const f = new Uint8Array(MW * MH);
  for (let y = 0; y < MH; y++)
    for (let x = 0; x < MW; x++)
      f[y * MW + x] = Math.min(
        255,
        Math.max(
          0,
          Math.round(100 + gain + 60 * Math.sin((x + 3 * t) / 5) + 20 * Math.cos(y / 4) + 6 * r()),
        ),
      );
  return f;
}

interface SegmentOut {
  levelLogits: Float32Array;
  quality: number;
  brisque: Float32Array;
  measures: Float32Array;
}

describe('segment.onnx vs the TypeScript references', () => {
  let pack: LoadedPack;
  let session: ort.InferenceSession;
  let brisque: BrisqueSession;
  let head: HeadCoefficients;

  beforeAll(async () => {
    pack = loadPack(PACK);
    expect(pack.manifest.scoring?.segmentSec).toBe(2);
    // packs.ts validates scoring's required keys; the head is read from the file as written
    const raw = JSON.parse(fs.readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as {
      scoring: { head: HeadCoefficients; model: string };
    };
    expect(raw.scoring.model).toBe('segment.onnx');
    head = raw.scoring.head;
    session = (await createSession(pack, 'segment.onnx', ['cpu'], 1)).session;
    brisque = await createBrisqueSession(path.join(PACK, 'brisque.onnx'), { threads: 1 });
  });
  afterAll(async () => {
    await session?.release();
    await brisque?.release();
  });

  const run = async (
    keys: Uint8Array[],
    w: number,
    h: number,
    motion: Uint8Array[],
  ): Promise<SegmentOut> => {
    const m = new Uint8Array(motion.length * MW * MH);
    motion.forEach((f, i) => m.set(f, i * MW * MH));
    const k = new Uint8Array(keys.length * w * h * 3);
    keys.forEach((f, i) => k.set(f, i * w * h * 3));
    // as the scorer feeds it: 8-bit rgb24 and grey, as ffmpeg gives them
    const out = await session.run({
      key_frames: new ort.Tensor('uint8', k, [keys.length, h, w, 3]),
      motion_frames: new ort.Tensor('uint8', m, [motion.length, MH, MW]),
    });
    return {
      levelLogits: out['level_logits']!.data as Float32Array,
      quality: (out['quality']!.data as Float32Array)[0]!,
      brisque: out['brisque']!.data as Float32Array,
      measures: out['measures']!.data as Float32Array,
    };
  };

  const idx = (n: (typeof SEGMENT_MEASURES)[number]) => SEGMENT_MEASURES.indexOf(n);

  async function checkAll(
    keys: Uint8Array[],
    w: number,
    h: number,
    motion: Uint8Array[],
  ): Promise<SegmentOut> {
    const out = await run(keys, w, h, motion);
    expect(out.measures.length).toBe(SEGMENT_MEASURES.length);
    for (const v of [...out.measures, ...out.levelLogits, out.quality])
      expect(Number.isFinite(v)).toBe(true);

    // temporal part: the graph sees the whole sequence (previous segment's last frame included)
    const t = temporalMeasures(motion);
    expect(Math.abs(out.measures[idx('motion')]! - t.motion)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(out.measures[idx('freeze')]! - t.freeze)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(out.measures[idx('flicker')]! - t.flicker)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(out.measures[idx('luma')]! - t.luma)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(out.measures[idx('contrast')]! - greyContrast(motion))).toBeLessThanOrEqual(
      1e-5,
    );

    // key-frame detail measures, on the active area (black borders cropped)
    const area = activeArea(keys, w, h);
    const aw = area.x1 - area.x0;
    const ah = area.y1 - area.y0;
    const active = keys.map((k) => cropRgb(k, w, area));
    const greys = active.map((k) => openCvGrey(k, aw, ah));
    // key frames without detail (black, fades) are left out of the means
    const wts = keyFrameWeights(greys);
    const wsum = wts.reduce((a, b) => a + b, 0);
    const wmean = (xs: number[]) => xs.reduce((a, x, i) => a + x * wts[i]!, 0) / wsum;
    const blur = wmean(greys.map((g) => creteBlur(g, aw, ah)));
    const noise = wmean(greys.map((g) => blockNoise(g, aw, ah)));
    expect(Math.abs(out.measures[idx('blur')]! - blur)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(out.measures[idx('noise')]! - noise)).toBeLessThanOrEqual(1e-5);
    // coding artefacts on the original frame's block grid (the crop offset kept)
    const wsb = wmean(greys.map((g) => wsbQuality(g, aw, ah, area.x0, area.y0)));
    expect(
      Math.abs(out.measures[idx('compression')]! - Math.max(0, WSB_TOP - wsb)),
    ).toBeLessThanOrEqual(1e-5);
    const clips = greys.map((g) => clippedShares(g));
    const dark = wmean(clips.map((c) => c.dark));
    const bright = wmean(clips.map((c) => c.bright));
    expect(Math.abs(out.measures[idx('clip_dark')]! - dark)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(out.measures[idx('clip_bright')]! - bright)).toBeLessThanOrEqual(1e-6);

    // brisque equals brisque.onnx on the same frames; brisque_mean is their mean
    const ref = await brisque.run({
      data: planar(active, aw, ah),
      n: keys.length,
      height: ah,
      width: aw,
    });
    expect(out.brisque.length).toBe(keys.length);
    for (let i = 0; i < keys.length; i++)
      expect(Math.abs(out.brisque[i]! - ref.brisque[i]!)).toBeLessThanOrEqual(1e-4);
    const mean = wmean(Array.from(ref.brisque));
    expect(Math.abs(out.measures[idx('brisque_mean')]! - mean)).toBeLessThanOrEqual(1e-4);

    // the head: TS reference on the graph's own measures, with the manifest's coefficients
    const q = qualityFromMeasures(out.measures, head);
    expect(Math.abs(out.quality - q)).toBeLessThanOrEqual(1e-5);
    const logits = levelLogitsFromMeasures(out.measures, head);
    const logitsFromQ = levelLogitsFromQuality(out.quality, head.tau);
    for (let i = 0; i < 5; i++) {
      expect(Math.abs(out.levelLogits[i]! - logits[i]!)).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(logits[i]!)),
      );
      expect(Math.abs(out.levelLogits[i]! - logitsFromQ[i]!)).toBeLessThanOrEqual(
        1e-4 * Math.max(1, Math.abs(logits[i]!)),
      );
    }
    expect(
      Math.abs(scoreFromLogits(out.levelLogits).score - levelScoreFromQuality(q).score),
    ).toBeLessThanOrEqual(1e-5);
    return out;
  }

  const W = 80;
  const H = 56;

  it('M = 1 (no frame pairs): motion, freeze, flicker are 0, nothing is NaN', async () => {
    const out = await checkAll([rgbFrame(W, H, 3)], W, H, [greyFrame(0)]);
    expect(out.measures[idx('motion')]).toBe(0);
    expect(out.measures[idx('freeze')]).toBe(0);
    expect(out.measures[idx('flicker')]).toBe(0);
  });

  it('a moving sequence with two key frames', async () => {
    const motion = Array.from({ length: 12 }, (_, t) => greyFrame(t));
    const out = await checkAll([rgbFrame(W, H, 1), rgbFrame(W, H, 2)], W, H, motion);
    expect(out.measures[idx('motion')]).toBeGreaterThan(0.01);
    expect(out.measures[idx('freeze')]).toBe(0);
  });

  it('a frozen sequence: freeze is 1 and quality drops', async () => {
    const still = greyFrame(0);
    const frozen = await checkAll(
      [rgbFrame(W, H, 1)],
      W,
      H,
      Array.from({ length: 10 }, () => still),
    );
    expect(frozen.measures[idx('freeze')]).toBe(1);
    expect(frozen.measures[idx('motion')]).toBe(0);
    const moving = await run(
      [rgbFrame(W, H, 1)],
      W,
      H,
      Array.from({ length: 10 }, (_, t) => greyFrame(t)),
    );
    expect(frozen.quality).toBeLessThan(moving.quality);
  });

  it('a half-frozen sequence counts the repeated pairs', async () => {
    const a = greyFrame(0);
    const seq = [a, a, a, greyFrame(1), greyFrame(2), greyFrame(3), greyFrame(3)];
    const out = await checkAll([rgbFrame(W, H, 4)], W, H, seq);
    expect(out.measures[idx('freeze')]).toBeCloseTo(3 / 6, 6);
  });

  it('a hold amid motion: the bar comes from the pairs that move, in the graph as in the reference', async () => {
    // 5 pairs of motion (every pixel ±1: MAD 1) around a 14-pair hold that the encoder keeps
    // touching on a few pixels (MAD 0.009-0.06)
    const seq: Uint8Array[] = [greyFrame(0)];
    const moveAll = () => seq.push(seq.at(-1)!.map((v) => (seq.length % 2 ? v + 1 : v - 1)));
    const touch = (k: number) => {
      const f = Uint8Array.from(seq.at(-1)!);
      for (let i = 0; i < k; i++) f[(i * 7 + seq.length * 13) % f.length]! ^= 1;
      seq.push(f);
    };
    for (let t = 0; t < 4; t++) moveAll();
    for (const k of [138, 69, 46, 115, 92, 30, 28, 69, 46, 23, 21, 46, 28, 21]) touch(k);
    moveAll();
    const out = await checkAll([rgbFrame(W, H, 5)], W, H, seq);
    // 9 of the 14 touched pairs are at most 1/20 of the moving pairs' mean change (a bar from the
    // mean of all 19 pairs, 0.014, would find 6)
    expect(out.measures[idx('freeze')]).toBeCloseTo(9 / 19, 6);
  });

  it('a calm shot is not frozen, a repeated frame in it is', async () => {
    // consecutive frames differ by one grey level on 3 % of the pixels (MAD 0.03): far below the old
    // absolute threshold of 0.8, but steady change, as in a calm locked-off shot
    const calm: Uint8Array[] = [greyFrame(0)];
    for (let t = 1; t < 12; t++) {
      const f = Uint8Array.from(calm[t - 1]!);
      for (let i = t % 33; i < f.length; i += 33) f[i] = f[i]! < 255 ? f[i]! + 1 : f[i]! - 1;
      calm.push(f);
    }
    const still = await checkAll([rgbFrame(W, H, 7)], W, H, calm);
    expect(still.measures[idx('freeze')]).toBe(0);
    const withRepeat = [...calm.slice(0, 6), calm[5]!, ...calm.slice(6)];
    const rep = await checkAll([rgbFrame(W, H, 7)], W, H, withRepeat);
    expect(rep.measures[idx('freeze')]).toBeCloseTo(1 / 12, 6);
  });

  it('clipping: crushed black and blown white key-frame pixels are counted', async () => {
    const k = rgbFrame(W, H, 8);
    // black and white patches inside the picture (not whole rows or columns: those are borders)
    for (let y = 10; y < 40; y++) {
      for (let x = 10; x < 50; x++) k.fill(0, 3 * (y * W + x), 3 * (y * W + x) + 3);
      for (let x = 60; x < 70; x++) k.fill(255, 3 * (y * W + x), 3 * (y * W + x) + 3);
    }
    const out = await checkAll([k], W, H, [greyFrame(0), greyFrame(1)]);
    expect(out.measures[idx('clip_dark')]).toBeGreaterThanOrEqual((30 * 40) / (W * H) - 1e-6);
    expect(out.measures[idx('clip_bright')]).toBeGreaterThanOrEqual((30 * 10) / (W * H) - 1e-6);
  });

  it('black borders (letterbox, pillarbox) are framing: the measures read the picture between them', async () => {
    const pic = rgbFrame(W, H, 9);
    const bw = W + 2 * 12;
    const bh = H + 2 * 20;
    const boxed = new Uint8Array(bw * bh * 3); // black, with the picture in the middle
    for (let y = 0; y < H; y++)
      boxed.set(pic.subarray(3 * y * W, 3 * (y + 1) * W), 3 * ((y + 20) * bw + 12));
    expect(activeArea([boxed], bw, bh)).toEqual({ x0: 12, y0: 20, x1: 12 + W, y1: 20 + H });
    const motion = [greyFrame(0), greyFrame(1)];
    const a = await checkAll([boxed], bw, bh, motion);
    const b = await run([pic], W, H, motion);
    for (const n of ['brisque_mean', 'blur', 'noise', 'clip_dark', 'clip_bright'] as const)
      expect(a.measures[idx(n)], n).toBe(b.measures[idx(n)]);
    expect(a.measures[idx('clip_dark')]).toBeLessThan(0.05);
    // a frame that is almost all black keeps its full size (nothing left to crop to)
    const dot = new Uint8Array(bw * bh * 3);
    dot.fill(200, 3 * (40 * bw + 40), 3 * (40 * bw + 45));
    expect(activeArea([dot], bw, bh)).toEqual({ x0: 0, y0: 0, x1: bw, y1: bh });
    await checkAll([dot], bw, bh, motion);
  });

  it('a flickering sequence: flicker measures the brightness swings', async () => {
    const seq = Array.from({ length: 10 }, (_, t) => greyFrame(t, t % 2 ? 40 : -40));
    const out = await checkAll([rgbFrame(W, H, 5)], W, H, seq);
    expect(out.measures[idx('flicker')]).toBeGreaterThan(0.2);
  });

  it('odd key-frame sizes, a flat frame (BRISQUE 100, blur 1) and a black motion sequence', async () => {
    const w = 67;
    const h = 41;
    const flat = new Uint8Array(w * h * 3).fill(90);
    const out = await checkAll([flat, rgbFrame(w, h, 6, 60)], w, h, [
      new Uint8Array(MW * MH),
      new Uint8Array(MW * MH),
    ]);
    expect(out.brisque[0]).toBe(100);
    // the flat frame is a transition: the key-frame means read the textured frame only
    expect(out.measures[idx('brisque_mean')]).toBeCloseTo(out.brisque[1]!, 4);
    expect(out.measures[idx('luma')]).toBe(0);
    expect(out.measures[idx('contrast')]).toBe(0);
  });
});

describe('the head (TypeScript reference)', () => {
  const head = (
    JSON.parse(fs.readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as {
      scoring: { head: HeadCoefficients };
    }
  ).scoring.head;
  const base = [20, 0.02, 0, 0.002, 0.45, 0.22, 0.25, 1, 0.01, 0.01, 0.5];

  it('every penalty lowers q strictly once its measure passes the threshold', () => {
    for (const p of head.penalties) {
      const i = SEGMENT_MEASURES.indexOf(p.measure);
      let prev = Infinity;
      for (let k = 1; k <= 8; k++) {
        const m = [...base];
        m[i] = p.threshold + p.direction * p.scale * 0.25 * k;
        if (['freeze', 'luma', 'clip_dark', 'clip_bright'].includes(p.measure))
          m[i] = Math.min(1, Math.max(0, m[i]!));
        const q = qualityFromMeasures(m, head);
        expect(q, `${p.name} step ${k}`).toBeLessThan(prev);
        expect(q).toBeGreaterThan(0);
        prev = q;
      }
    }
  });

  it('documents every coefficient and keeps q in [0, 1]', () => {
    expect(head.levelCentres).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(head.tau).toBe(0.125);
    for (const p of head.penalties) {
      expect(p.description).toBeTruthy();
      expect(p.weight).toBeGreaterThan(0);
      expect(p.weight).toBeLessThan(1);
      expect(p.scale).toBeGreaterThan(0);
    }
    expect(qualityFromMeasures([0, 0, 0, 0, 0.5, 0.25, 0, 0, 0, 0, 0], head)).toBeLessThanOrEqual(
      1,
    );
    expect(
      qualityFromMeasures([100, 1, 1, 1, 0, 0, 1, 100, 1, 1, 20], head),
    ).toBeGreaterThanOrEqual(0);
  });
});
