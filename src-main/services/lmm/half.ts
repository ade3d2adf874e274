// float32 ↔ IEEE 754 half (binary16) conversion for models whose graph inputs/outputs are float16
// (the usual fp16 / q4f16 exports). Node 20 has no Float16Array, so halves travel as Uint16Array.
import * as ort from 'onnxruntime-node';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round-to-nearest-even float32 → half bits; overflow → ±Infinity, NaN kept. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = mant >>> 13;
  const rest = mant & 0x1fff;
  let out = (e << 10) | half;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) out++;
  if (out >= 0x7c00) e = 0x1f;
  return sign | (e === 0x1f ? 0x7c00 : out);
}

export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** A float tensor in the dtype the graph declares for it. */
export function floatTensor(
  dtype: string,
  data: Float32Array,
  dims: readonly number[],
): ort.Tensor {
  if (dtype !== 'float16') return new ort.Tensor('float32', data, dims);
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = toHalfBits(data[i]!);
  return new ort.Tensor('float16', bits, dims);
}

/** A graph's float output as float32, whatever its dtype. */
export function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type !== 'float16') throw new Error(`expected a float tensor, got ${t.type}`);
  const bits = t.data as Uint16Array;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
  return out;
}
