// The built-in BRISQUE pack: the checked-in graph is exactly what scripts/gen-builtin-pack.mjs
// produces, it loads in ONNX Runtime with the declared inputs/outputs, batches behave like single
// frames, and on synthetic frames its features match the independent TypeScript reference.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBrisqueSession,
  type BrisqueSession,
} from '../../src-main/services/inference/brisque-onnx';
import {
  brisqueFeatures,
  BRISQUE_SHAPE_FEATURES,
} from '../../src-main/services/inference/brisque-reference';

const ROOT = path.resolve(__dirname, '../..');
const PACK = path.join(ROOT, 'resources/models/builtin-nr');
const GENERATOR = path.join(ROOT, 'scripts/gen-builtin-pack.mjs');
const OPENCV_YML = [
  '/usr/share/opencv4/quality/brisque_model_live.yml',
  '/usr/share/opencv4/quality/brisque_range_live.yml',
];

describe('builtin-nr pack generation', () => {
  it('regenerating brisque.onnx gives the checked-in bytes', () => {
    const missing = OPENCV_YML.filter((f) => !fs.existsSync(f));
    if (missing.length)
      throw new Error(
        `${missing.join(', ')} missing: install Debian's opencv-data (apt-get install opencv-data)`,
      );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'builtin-nr-'));
    try {
      execFileSync(process.execPath, [GENERATOR, '--out', out], { stdio: 'pipe' });
      const fresh = fs.readFileSync(path.join(out, 'brisque.onnx'));
      const checkedIn = fs.readFileSync(path.join(PACK, 'brisque.onnx'));
      expect(fresh.length).toBe(checkedIn.length);
      expect(Buffer.compare(fresh, checkedIn)).toBe(0);
      // a second run is byte-identical too (no timestamps, stable ordering)
      execFileSync(process.execPath, [GENERATOR, '--out', out], { stdio: 'pipe' });
      expect(Buffer.compare(fs.readFileSync(path.join(out, 'brisque.onnx')), fresh)).toBe(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('manifest names the pack, its license and the graph outputs', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as {
      id: string;
      license: string;
      models: { file: string; inputs: { name: string }[]; outputs: { name: string }[] }[];
    };
    expect(manifest.id).toBe('builtin-nr');
    expect(manifest.license).toBe('Apache-2.0');
    const model = manifest.models.find((m) => m.file === 'brisque.onnx');
    expect(model?.inputs.map((i) => i.name)).toEqual(['frames']);
    expect(model?.outputs.map((o) => o.name)).toEqual(['brisque', 'features']);
  });
});

/** Deterministic synthetic RGB frame (planar): smooth gradients + texture + pseudo-random noise. */
function synthetic(width: number, height: number, seed: number): Float32Array {
  const out = new Float32Array(3 * width * height);
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v =
          128 +
          60 * Math.sin((x + 7 * c) / (5 + seed)) * Math.cos(y / 9) +
          40 * ((x >> 3) % 2) -
          20 * ((y >> 4) % 2) +
          30 * (rnd() - 0.5);
        out[c * width * height + y * width + x] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return out;
}

describe('builtin-nr brisque.onnx in ONNX Runtime', () => {
  let session: BrisqueSession;
  beforeAll(async () => {
    session = await createBrisqueSession(path.join(PACK, 'brisque.onnx'));
  });
  afterAll(async () => {
    await session?.release();
  });

  it('scores a batch exactly as single frames and matches the TS reference features', async () => {
    const w = 97; // odd sizes exercise the cubic half-scale resize with a non-2 ratio
    const h = 64;
    const frames = [synthetic(w, h, 1), synthetic(w, h, 2)];
    const batch = new Float32Array(2 * 3 * w * h);
    batch.set(frames[0]!, 0);
    batch.set(frames[1]!, 3 * w * h);
    const both = await session.run({ data: batch, n: 2, height: h, width: w });
    expect(both.brisque.length).toBe(2);
    expect(both.features.length).toBe(72);
    for (let k = 0; k < 2; k++) {
      const one = await session.run({ data: frames[k]!, n: 1, height: h, width: w });
      expect(one.brisque[0]).toBe(both.brisque[k]);
      expect(Array.from(one.features)).toEqual(
        Array.from(both.features.subarray(36 * k, 36 * k + 36)),
      );
      expect(one.brisque[0]).toBeGreaterThanOrEqual(0);
      expect(one.brisque[0]).toBeLessThanOrEqual(100);
      const ref = brisqueFeatures({ width: w, height: h, data: frames[k]!, layout: 'chw' });
      for (let i = 0; i < 36; i++) {
        const a = one.features[i]!;
        const b = ref[i]!;
        // see tests/integration/brisque-oracle.test.ts for the tolerance argument
        if (BRISQUE_SHAPE_FEATURES.includes(i))
          expect(Math.abs(a - b), `alpha #${i}`).toBeLessThanOrEqual(0.001 + 1e-6);
        else
          expect(
            Math.abs(a - b) / Math.max(Math.abs(b), 1e-2),
            `feature #${i}`,
          ).toBeLessThanOrEqual(1e-4);
      }
    }
  });

  it('rounds and clamps its input to 8-bit first, as an OpenCV 8-bit Mat would hold it', async () => {
    const w = 40;
    const h = 30;
    const base = synthetic(w, h, 3);
    const jittered = base.map((v) => (v === 255 ? 300 : v === 0 ? -7 : v + 0.3));
    const a = await session.run({ data: base, n: 1, height: h, width: w });
    const b = await session.run({ data: jittered, n: 1, height: h, width: w });
    expect(b.brisque[0]).toBe(a.brisque[0]);
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
  });

  it('scores a uniform frame 100 with NaN features, as OpenCV does', async () => {
    // OpenCV 4.6: QualityBRISQUE_compute(np.full((64,64,3),128,np.uint8)) == 100.0, features
    // alpha = 10 (the table walk never stops on NaN) and NaN elsewhere
    const w = 64;
    const h = 64;
    const out = await session.run({
      data: new Float32Array(3 * w * h).fill(128),
      n: 1,
      height: h,
      width: w,
    });
    expect(out.brisque[0]).toBe(100);
    const ref = brisqueFeatures({
      width: w,
      height: h,
      data: new Float32Array(3 * w * h).fill(128),
      layout: 'chw',
    });
    for (const i of BRISQUE_SHAPE_FEATURES) {
      expect(out.features[i]).toBe(10);
      expect(ref[i]).toBe(10);
    }
    expect(Number.isNaN(out.features[1])).toBe(true);
    expect(Number.isNaN(ref[1])).toBe(true);
  });

  it('rejects a batch whose size does not match its shape', async () => {
    await expect(
      session.run({ data: new Float32Array(10), n: 1, height: 16, width: 16 }),
    ).rejects.toThrow(/expected 768/);
  });
});
