// Loading and running folders that differ from the generated ones the way real exports do: CUDA
// tried first with the reason kept when it falls back to CPU; weights in external data files;
// float16 graph inputs/outputs; a decoder without num_logits_to_keep; the later revision's
// vqa2.json (bare placeholders, empty prefix, revised weights). Short or missing external data is
// refused before loading.
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmmError } from '../../src-main/services/lmm/errors';
import { inspectModelFolder } from '../../src-main/services/lmm/folder';
import { loadLmm } from '../../src-main/services/lmm/runtime';
import { generateTinyModels, maxAbsDiff, randomFrames, runReference } from './lmm-fixture';

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

/**
 * Rewrites `component`.onnx as `component`_fp16.onnx whose float inputs and outputs are float16
 * (Cast nodes at the edges, weights untouched), the interface of fp16 / q4f16 exports.
 */
function toFloat16Io(dir: string, component: string): void {
  const file = path.join(dir, 'onnx', `${component}.onnx`);
  const m = onnx.ModelProto.decode(fs.readFileSync(file));
  const g = m.graph!;
  const F32 = onnx.TensorProto.DataType.FLOAT;
  const F16 = onnx.TensorProto.DataType.FLOAT16;
  const rename = (from: string, to: string) => {
    for (const n of g.node!) {
      n.input = n.input!.map((x) => (x === from ? to : x));
      n.output = n.output!.map((x) => (x === from ? to : x));
    }
  };
  const cast = (input: string, output: string, to: number) =>
    onnx.NodeProto.create({
      opType: 'Cast',
      input: [input],
      output: [output],
      attribute: [
        onnx.AttributeProto.create({
          name: 'to',
          type: onnx.AttributeProto.AttributeType.INT,
          i: to,
        }),
      ],
    });
  const head: InstanceType<typeof onnx.NodeProto>[] = [];
  const tail: InstanceType<typeof onnx.NodeProto>[] = [];
  for (const v of g.output!) {
    if (v.type!.tensorType!.elemType !== F32) continue;
    rename(v.name!, `${v.name}__f32out`);
    tail.push(cast(`${v.name}__f32out`, v.name!, F16));
    v.type!.tensorType!.elemType = F16;
  }
  for (const v of g.input!) {
    if (v.type!.tensorType!.elemType !== F32) continue;
    rename(v.name!, `${v.name}__f32in`);
    head.push(cast(v.name!, `${v.name}__f32in`, F32));
    v.type!.tensorType!.elemType = F16;
  }
  g.node = [...head, ...g.node!, ...tail];
  fs.writeFileSync(
    path.join(dir, 'onnx', `${component}_fp16.onnx`),
    onnx.ModelProto.encode(m).finish(),
  );
  fs.rmSync(file);
}

describe('loadLmm', () => {
  it('reports a graph that fails at run time with the model file named, and keeps working afterwards', async () => {
    const dir = path.join(root, 'vqa2-wrong-size');
    fs.cpSync(path.join(root, 'vqa2'), dir, { recursive: true });
    const specFile = path.join(dir, 'vqa2.json');
    const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
    spec.keyFrames.width = 40; // the graph's position embedding holds a 4×4 grid of 8-pixel patches
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const lmm = await loadLmm(dir, { ep: 'cpu' });
    try {
      const e = await lmm
        .scoreLevels({
          keyFrames: randomFrames(1, 1, 40, 32),
          motionFrames: randomFrames(2, 4, 16, 16),
        })
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(LmmError);
      expect((e as LmmError).code).toBe('MODEL_SESSION_FAILED');
      expect((e as LmmError).message).toMatch(/vision_encoder failed: /);
      const g = await lmm.generate({
        history: [],
        question: 'Hi',
        frames: [],
        maxNewTokens: 3,
        temperature: 0,
      });
      expect(g.tokens).toBeGreaterThan(0);
    } finally {
      await lmm.dispose();
    }
  });

  it('without num_logits_to_keep, prefills in chunks and scores and generates as with it', async () => {
    const dir = path.join(root, 'vqa2-no-keep');
    fs.cpSync(path.join(root, 'vqa2'), dir, { recursive: true });
    const file = path.join(dir, 'onnx/decoder_model_merged.onnx');
    const m = onnx.ModelProto.decode(fs.readFileSync(file));
    // the graph computes logits at every position (as exports without the input do)
    m.graph!.input = m.graph!.input!.filter((i) => i.name !== 'num_logits_to_keep');
    const zero = onnx.TensorProto.create({
      dataType: onnx.TensorProto.DataType.INT64,
      dims: [],
      rawData: new Uint8Array(8),
    });
    m.graph!.node!.unshift(
      onnx.NodeProto.create({
        opType: 'Constant',
        output: ['num_logits_to_keep'],
        attribute: [
          onnx.AttributeProto.create({
            name: 'value',
            type: onnx.AttributeProto.AttributeType.TENSOR,
            t: zero,
          }),
        ],
      }),
    );
    fs.writeFileSync(file, onnx.ModelProto.encode(m).finish());
    const key = randomFrames(41, 4, 32, 32);
    const motion = randomFrames(42, 16, 16, 16);
    const a = await loadLmm(path.join(root, 'vqa2'), { ep: 'cpu' });
    const b = await loadLmm(dir, { ep: 'cpu' });
    try {
      expect(b.info.hasLogitsToKeep).toBe(false);
      const ra = await a.scoreLevels({ keyFrames: key, motionFrames: motion });
      const rb = await b.scoreLevels({ keyFrames: key, motionFrames: motion });
      expect(rb.promptTokens).toBeGreaterThan(64); // more than one chunk
      expect(maxAbsDiff(rb.levelLogits, ra.levelLogits)).toBeLessThan(1e-4);
      const ga = await a.generate({
        history: [],
        question: 'Hi',
        frames: key,
        motionFrames: motion,
        maxNewTokens: 6,
        temperature: 0,
      });
      const gb = await b.generate({
        history: [],
        question: 'Hi',
        frames: key,
        motionFrames: motion,
        maxNewTokens: 6,
        temperature: 0,
      });
      expect(gb.text).toBe(ga.text);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it("scores with the later revision's vqa2.json: bare placeholders, empty answer prefix, revised weights", async () => {
    const dir = path.join(root, 'vqa2-revised');
    fs.cpSync(path.join(root, 'vqa2'), dir, { recursive: true });
    const specFile = path.join(dir, 'vqa2.json');
    const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
    Object.assign(spec, {
      prompt: '<image><image>',
      answerPrefix: '',
      levelWeights: [1, 0.8, 0.6, 0.4, 0.2],
    });
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const lmm = await loadLmm(dir, { ep: 'cpu' });
    try {
      // without a prefix the words are read as they start the answer: no leading space
      const original = await inspectModelFolder(path.join(root, 'vqa2'));
      expect(lmm.info.levelTokenIds).not.toEqual(original.levelTokenIds);
      const key = randomFrames(31, 2, 32, 32);
      const motion = randomFrames(32, 4, 16, 16);
      const r = await lmm.scoreLevels({ keyFrames: key, motionFrames: motion });
      expect(
        r.prompt.endsWith('<|im_start|>user\n<image><image><|im_end|>\n<|im_start|>assistant\n'),
      ).toBe(true);
      expect(r.weights).toEqual([1, 0.8, 0.6, 0.4, 0.2]);
      const ref = runReference(dir, r.prompt, key, motion);
      expect(
        maxAbsDiff(
          r.levelLogits,
          lmm.info.levelTokenIds.map((id) => ref.logits[0]![id]!),
        ),
      ).toBeLessThan(1e-4);
    } finally {
      await lmm.dispose();
    }
  });

  it('runs a model whose graphs take and return float16, close to the float32 one', async () => {
    const src = path.join(root, 'vqa2');
    const half = path.join(root, 'vqa2-fp16-io');
    fs.cpSync(src, half, { recursive: true });
    for (const c of ['vision_encoder', 'embed_tokens', 'decoder_model_merged'])
      toFloat16Io(half, c);
    const info = await inspectModelFolder(half);
    expect(info.files.map((f) => f.path)).toContain('onnx/decoder_model_merged_fp16.onnx');
    expect(
      info.scans.decoder_model_merged.inputs.find((t) => t.name === 'inputs_embeds')!.dtype,
    ).toBe('float16');
    const key = randomFrames(7, 2, 32, 32);
    const motion = randomFrames(8, 8, 16, 16);
    const a = await loadLmm(src, { ep: 'cpu' });
    const b = await loadLmm(half, { ep: 'cpu' });
    try {
      const ra = await a.scoreLevels({ keyFrames: key, motionFrames: motion });
      const rb = await b.scoreLevels({ keyFrames: key, motionFrames: motion });
      const diff = Math.max(...ra.levelLogits.map((x, i) => Math.abs(x - rb.levelLogits[i]!)));
      expect(diff).toBeGreaterThan(0); // the float16 edges really round
      expect(diff).toBeLessThan(0.05);
      // the cache goes round in float16 through cached decode steps
      const g = await b.generate({
        history: [],
        question: 'Hi',
        frames: key,
        motionFrames: motion,
        maxNewTokens: 5,
        temperature: 0,
      });
      expect(g.tokens).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

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
    for (const f of ['vision_encoder', 'decoder_model_merged'])
      toExternalData(path.join(ext, 'onnx', `${f}.onnx`));
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
      expect((await b.scoreLevels({ keyFrames: key, motionFrames: motion })).levelLogits).toEqual(
        (await a.scoreLevels({ keyFrames: key, motionFrames: motion })).levelLogits,
      );
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }

    const data = path.join(ext, 'onnx/decoder_model_merged.onnx_data');
    const bytes = fs.readFileSync(data);
    fs.writeFileSync(data, bytes.subarray(0, bytes.length - 100));
    const short = await inspectModelFolder(ext).catch((e: unknown) => e);
    expect((short as LmmError).code).toBe('MODEL_INVALID');
    expect((short as LmmError).message).toMatch(
      /decoder_model_merged\.onnx: its external data file decoder_model_merged\.onnx_data is truncated/,
    );
    fs.rmSync(data);
    const missing = await inspectModelFolder(ext).catch((e: unknown) => e);
    expect((missing as LmmError).message).toMatch(
      /external data file decoder_model_merged\.onnx_data is missing/,
    );
  });
});
