// Reads an ONNX file's graph inputs/outputs and initializer sizes WITHOUT loading its weights:
// a streaming protobuf walk over the file that skips tensor bytes, so validating a multi-GB model
// folder costs a few thousand small reads. It also notices truncation (a field running past the
// end of the file) and external-data files that are missing or too short.
import fs from 'node:fs';
import path from 'node:path';

export interface OnnxValueInfo {
  name: string;
  /** 'float32', 'float16', 'int64', … ('unknown' when the graph does not say). */
  dtype: string;
  /** Dimension sizes, or their symbolic names. */
  shape: (number | string)[];
}

export interface OnnxScan {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Number of weight elements (float and 8/4-bit integer initializers). */
  paramCount: number;
  /** Bytes per element type over all initializers, e.g. { float32: 1234 }. */
  bytesByType: Record<string, number>;
  /** External data files (absolute paths) with the bytes the graph needs from each. */
  externalFiles: { file: string; sizeBytes: number }[];
}

export class OnnxScanError extends Error {}

const ELEM_TYPES: Record<number, [string, number]> = {
  1: ['float32', 4],
  2: ['uint8', 1],
  3: ['int8', 1],
  4: ['uint16', 2],
  5: ['int16', 2],
  6: ['int32', 4],
  7: ['int64', 8],
  9: ['bool', 1],
  10: ['float16', 2],
  11: ['float64', 8],
  12: ['uint32', 4],
  13: ['uint64', 8],
  16: ['bfloat16', 2],
  21: ['uint4', 0.5],
  22: ['int4', 0.5],
};
const WEIGHT_TYPES = new Set([
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'uint8',
  'int8',
  'uint4',
  'int4',
]);

export function elemTypeName(t: number): string {
  return ELEM_TYPES[t]?.[0] ?? 'unknown';
}

/** Random-access reader over a file, or over a buffer already in memory. */
class Source {
  constructor(
    readonly size: number,
    readonly read: (pos: number, len: number) => Buffer,
  ) {}
  static ofFile(fd: number): Source {
    return new Source(fs.fstatSync(fd).size, (pos, len) => {
      const buf = Buffer.alloc(len);
      const n = fs.readSync(fd, buf, 0, len, pos);
      return n === len ? buf : buf.subarray(0, n);
    });
  }
  static ofBuffer(buf: Buffer): Source {
    return new Source(buf.length, (pos, len) => buf.subarray(pos, pos + len));
  }
}

interface Field {
  num: number;
  wire: number;
  /** Varint value, or the start of a length-delimited payload. */
  value: number;
  len: number;
  next: number;
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let out = 0;
  let mul = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i]!;
    out += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) return [out, i + 1];
  }
  throw new OnnxScanError('truncated varint');
}

function* fields(src: Source, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const head = src.read(pos, Math.min(20, end - pos));
    const [key, a] = readVarint(head, 0);
    const num = Math.floor(key / 8);
    const wire = key & 7;
    let value = 0;
    let len = 0;
    let next: number;
    if (wire === 0) {
      const [v, b] = readVarint(head, a);
      value = v;
      next = pos + b;
    } else if (wire === 2) {
      const [l, b] = readVarint(head, a);
      value = pos + b;
      len = l;
      next = value + l;
    } else if (wire === 1) next = pos + a + 8;
    else if (wire === 5) next = pos + a + 4;
    else throw new OnnxScanError(`unsupported protobuf wire type ${wire} at byte ${pos}`);
    if (next > end)
      throw new OnnxScanError(
        `field ${num} at byte ${pos} runs past the end (${next} > ${end} bytes): the file is truncated`,
      );
    yield { num, wire, value, len, next };
    pos = next;
  }
}

function valueInfo(src: Source, f: Field): OnnxValueInfo {
  const buf = src.read(f.value, f.len);
  const sub = Source.ofBuffer(buf);
  const out: OnnxValueInfo = { name: '', dtype: 'unknown', shape: [] };
  for (const v of fields(sub, 0, buf.length)) {
    if (v.num === 1 && v.wire === 2) out.name = buf.toString('utf8', v.value, v.value + v.len);
    if (v.num !== 2 || v.wire !== 2) continue;
    for (const tp of fields(sub, v.value, v.value + v.len)) {
      if (tp.num !== 1 || tp.wire !== 2) continue; // tensor_type
      for (const tt of fields(sub, tp.value, tp.value + tp.len)) {
        if (tt.num === 1 && tt.wire === 0) out.dtype = elemTypeName(tt.value);
        if (tt.num !== 2 || tt.wire !== 2) continue;
        for (const dim of fields(sub, tt.value, tt.value + tt.len)) {
          if (dim.num !== 1 || dim.wire !== 2) continue;
          let d: number | string = '?';
          for (const dv of fields(sub, dim.value, dim.value + dim.len)) {
            if (dv.num === 1 && dv.wire === 0) d = dv.value;
            if (dv.num === 2 && dv.wire === 2)
              d = buf.toString('utf8', dv.value, dv.value + dv.len);
          }
          out.shape.push(d);
        }
      }
    }
  }
  return out;
}

interface TensorHead {
  dims: number[];
  type: number;
  dataBytes: number;
  external: Record<string, string>;
}

function tensorHead(src: Source, f: Field): TensorHead {
  const t: TensorHead = { dims: [], type: 0, dataBytes: 0, external: {} };
  for (const v of fields(src, f.value, f.value + f.len)) {
    if (v.num === 1) {
      if (v.wire === 0) t.dims.push(v.value);
      else {
        const buf = src.read(v.value, v.len);
        for (let i = 0; i < buf.length;) {
          const [d, n] = readVarint(buf, i);
          t.dims.push(d);
          i = n;
        }
      }
    } else if (v.num === 2 && v.wire === 0) t.type = v.value;
    else if (v.num === 9 && v.wire === 2) t.dataBytes = v.len;
    else if (v.num === 13 && v.wire === 2) {
      const buf = src.read(v.value, v.len);
      let key = '';
      let val = '';
      for (let i = 0; i < buf.length;) {
        const [k, a] = readVarint(buf, i);
        const [l, b] = readVarint(buf, a);
        const s = buf.toString('utf8', b, b + l);
        if (k >> 3 === 1) key = s;
        else val = s;
        i = b + l;
      }
      t.external[key] = val;
    } else if ([4, 5, 7, 10].includes(v.num)) {
      t.dataBytes += v.wire === 2 ? v.len : 4;
    }
  }
  return t;
}

/** Scans `file`; throws OnnxScanError naming what is wrong (truncated, missing external data). */
export function scanOnnx(file: string): OnnxScan {
  const fd = fs.openSync(file, 'r');
  try {
    const src = Source.ofFile(fd);
    const scan: OnnxScan = {
      inputs: [],
      outputs: [],
      paramCount: 0,
      bytesByType: {},
      externalFiles: [],
    };
    const external = new Map<string, number>();
    let graphSeen = false;
    for (const top of fields(src, 0, src.size)) {
      if (top.num !== 7 || top.wire !== 2) continue;
      graphSeen = true;
      for (const g of fields(src, top.value, top.value + top.len)) {
        if (g.wire !== 2) continue;
        if (g.num === 11) scan.inputs.push(valueInfo(src, g));
        else if (g.num === 12) scan.outputs.push(valueInfo(src, g));
        else if (g.num === 5) {
          const t = tensorHead(src, g);
          const [name, size] = ELEM_TYPES[t.type] ?? ['unknown', 0];
          const count = t.dims.reduce((a, b) => a * b, 1);
          if (WEIGHT_TYPES.has(name)) scan.paramCount += count;
          scan.bytesByType[name] = (scan.bytesByType[name] ?? 0) + count * size;
          if (t.external.location) {
            const need =
              Number(t.external.offset ?? 0) + Number(t.external.length ?? Math.ceil(count * size));
            const ext = path.resolve(path.dirname(file), t.external.location);
            external.set(ext, Math.max(external.get(ext) ?? 0, need));
          }
        }
      }
    }
    if (!graphSeen)
      throw new OnnxScanError('no graph in the file (not an ONNX model, or truncated)');
    for (const [ext, need] of external) {
      if (!fs.existsSync(ext))
        throw new OnnxScanError(`its external data file ${path.basename(ext)} is missing`);
      const have = fs.statSync(ext).size;
      if (have < need)
        throw new OnnxScanError(
          `its external data file ${path.basename(ext)} is truncated (${have} bytes, the graph needs ${need})`,
        );
      scan.externalFiles.push({ file: ext, sizeBytes: have });
    }
    return scan;
  } finally {
    fs.closeSync(fd);
  }
}
