/**
 * Runs the built-in BRISQUE graph (resources/models/builtin-nr/brisque.onnx) with ONNX Runtime (CPU).
 *
 * Input frames are RGB, 0..255, at any resolution (all frames of one batch share it). Decode with
 * ffmpeg's accurate colour conversion (`-sws_flags accurate_rnd+full_chroma_int`) to stay close to
 * what OpenCV's own decoders give; the default swscale conversion shifts BRISQUE by up to ~0.6.
 */
import * as ort from 'onnxruntime-node';

export const BRISQUE_MODEL_FILE = 'brisque.onnx';
export const BRISQUE_FEATURE_COUNT = 36;

export interface BrisqueBatch {
  /** planar RGB, [n, 3, height, width], values 0..255 */
  data: Float32Array;
  n: number;
  height: number;
  width: number;
}

export interface BrisqueResult {
  /** one score per frame, 0 (best) .. 100 (worst); 100 for a frame without texture (e.g. uniform), as OpenCV */
  brisque: Float32Array;
  /** n x 36 raw features, row-major */
  features: Float32Array;
}

export interface BrisqueSession {
  run(batch: BrisqueBatch): Promise<BrisqueResult>;
  release(): Promise<void>;
}

/** Creates a CPU session for the pack's brisque.onnx (pass the file path). */
export async function createBrisqueSession(
  modelPath: string,
  options: { threads?: number } = {},
): Promise<BrisqueSession> {
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
  });
  for (const name of ['frames']) {
    if (!session.inputNames.includes(name))
      throw new Error(`${modelPath}: missing input "${name}"`);
  }
  for (const name of ['brisque', 'features']) {
    if (!session.outputNames.includes(name))
      throw new Error(`${modelPath}: missing output "${name}"`);
  }
  return {
    async run(batch: BrisqueBatch): Promise<BrisqueResult> {
      const { data, n, height, width } = batch;
      if (n < 1 || height < 8 || width < 8)
        throw new Error(`BRISQUE needs frames of at least 8x8 (got ${n}x${width}x${height})`);
      if (data.length !== n * 3 * height * width) {
        throw new Error(
          `BRISQUE batch: expected ${n * 3 * height * width} values, got ${data.length}`,
        );
      }
      const frames = new ort.Tensor('float32', data, [n, 3, height, width]);
      const out = await session.run({ frames });
      const brisque = out['brisque'];
      const features = out['features'];
      if (!brisque || !features) throw new Error('BRISQUE session returned no outputs');
      return { brisque: brisque.data as Float32Array, features: features.data as Float32Array };
    },
    release: () => session.release(),
  };
}

/** Interleaved rgb24 bytes (ffmpeg `-pix_fmt rgb24`) of n frames -> planar float32 [n, 3, h, w]. */
export function rgb24ToPlanar(rgb: Uint8Array, width: number, height: number, n = 1): Float32Array {
  const plane = width * height;
  if (rgb.length !== n * plane * 3)
    throw new Error(`rgb24: expected ${n * plane * 3} bytes, got ${rgb.length}`);
  const out = new Float32Array(n * 3 * plane);
  for (let k = 0; k < n; k++) {
    const src = k * plane * 3;
    const dst = k * plane * 3;
    for (let i = 0; i < plane; i++) {
      out[dst + i] = rgb[src + 3 * i]!;
      out[dst + plane + i] = rgb[src + 3 * i + 1]!;
      out[dst + 2 * plane + i] = rgb[src + 3 * i + 2]!;
    }
  }
  return out;
}
