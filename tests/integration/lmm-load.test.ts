// Loading: CUDA is tried first unless CPU is asked for, and a CUDA failure falls back to CPU with
// the reason kept; weights stored as external data (*.onnx_data) load and score the same; missing
// or short external data is refused before loading.
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmmError } from '../../src-main/services/lmm/errors';
import { inspectModelFolder } from '../../src-main/services/lmm/folder';
import { loadLmm } from '../../src-main/services/lmm/runtime';
import { generateTinyModels, randomFrames } from './lmm-fixture';

const { onnx } = onnxProto;
let root = '';
beforeAll(() => {
  root = generateTinyModels();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Moves every float initializer of `file` into `<file>_data`, as large exports store weights. */
function toExternalData(file: string): void {
  const m = onnx.ModelProto.decode(fs.readFileSync(file));
  const dataName = `${path.basename(file)}_data`;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of m.graph!.initializer!) {
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.rawData?.length) continue;
    const bytes = Buffer.from(t.rawData);
    t.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: dataName }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(bytes.length) }),
    ];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
    chunks.push(bytes);
    offset += bytes.length;
  }
  fs.writeFileSync(file, onnx.ModelProto.encode(m).finish());
  fs.writeFileSync(path.join(path.dirname(file), dataName), Buffer.concat(chunks));
}

describe('loadLmm', () => {
  it('uses CPU when asked, and records why CUDA was not used when it falls back', async () => {
    const dir = path.join(root, 'qwen2_vl');
    const cpu = await loadLmm(dir, { ep: 'cpu' });
    expect(cpu.provider).toBe('cpu');
    expect(cpu.fallbackReason).toBeNull();
    await cpu.dispose();
    const auto = await loadLmm(dir, { ep: 'auto' });
    try {
      if (auto.provider === 'cpu') expect(auto.fallbackReason).toMatch(/cuda|CUDA/);
      else expect(auto.fallbackReason).toBeNull();
      const frames = randomFrames(3, 2, 16, 16);
      const r = await auto.scoreLevels({ keyFrames: frames, motionFrames: [] });
      expect(r.levelLogits.every(Number.isFinite)).toBe(true);
    } finally {
      await auto.dispose();
    }
  });

  it('loads weights from external data files and scores exactly as with embedded weights', async () => {
    const src = path.join(root, 'vqa2');
    const ext = path.join(root, 'vqa2-external');
    fs.cpSync(src, ext, { recursive: true });
    for (const f of ['vision_encoder', 'decoder_model_merged']) toExternalData(path.join(ext, 'onnx', `${f}.onnx`));
    const info = await inspectModelFolder(ext);
    expect(info.files.map((f) => f.path)).toContain('onnx/decoder_model_merged.onnx_data');
    const embedded = await inspectModelFolder(src);
    expect(info.paramCount).toBe(embedded.paramCount);
    expect(fs.statSync(path.join(ext, 'onnx/decoder_model_merged.onnx')).size).toBeLessThan(20_000);

    const key = randomFrames(7, 2, 32, 32);
    const motion = randomFrames(8, 8, 16, 16);
    const a = await loadLmm(src, { ep: 'cpu' });
    const b = await loadLmm(ext, { ep: 'cpu' });
    try {
      expect((await b.scoreLevels({ keyFrames: key, motionFrames: motion })).levelLogits).toEqual((await a.scoreLevels({ keyFrames: key, motionFrames: motion })).levelLogits);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }

    const data = path.join(ext, 'onnx/decoder_model_merged.onnx_data');
    const bytes = fs.readFileSync(data);
    fs.writeFileSync(data, bytes.subarray(0, bytes.length - 100));
    const short = await inspectModelFolder(ext).catch((e: unknown) => e);
    expect((short as LmmError).code).toBe('MODEL_INVALID');
    expect((short as LmmError).message).toMatch(/decoder_model_merged\.onnx: its external data file decoder_model_merged\.onnx_data is truncated/);
    fs.rmSync(data);
    const missing = await inspectModelFolder(ext).catch((e: unknown) => e);
    expect((missing as LmmError).message).toMatch(/external data file decoder_model_merged\.onnx_data is missing/);
  });
});
