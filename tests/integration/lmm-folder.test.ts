// Model folder validation: a good tiny folder is described (arch, files, dtypes, parameters, level
// token ids, memory estimate); each kind of broken folder is refused with a message naming the
// problem, before any ONNX Runtime session exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmmError } from '../../src-main/services/lmm/errors';
import { estimateMemoryBytes, inspectModelFolder } from '../../src-main/services/lmm/folder';
import { loadLmm } from '../../src-main/services/lmm/runtime';
import { generateTinyModels } from './lmm-fixture';

const { onnx } = onnxProto;
let root = '';
let scratch = '';
beforeAll(() => {
  root = generateTinyModels();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-lmm-broken-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the tiny VQA² folder, changed by `edit`. */
function brokenCopy(name: string, edit: (dir: string) => void): string {
  const dir = path.join(scratch, name);
  fs.cpSync(path.join(root, 'vqa2'), dir, { recursive: true });
  edit(dir);
  return dir;
}

function editOnnx(file: string, edit: (m: InstanceType<typeof onnx.ModelProto>) => void): void {
  const m = onnx.ModelProto.decode(fs.readFileSync(file));
  edit(m);
  fs.writeFileSync(file, onnx.ModelProto.encode(m).finish());
}

async function refusal(dir: string): Promise<LmmError> {
  const e = await inspectModelFolder(dir).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LmmError);
  expect((e as LmmError).code).toBe('MODEL_INVALID');
  return e as LmmError;
}

describe('inspectModelFolder', () => {
  it('describes each generated tiny folder', async () => {
    for (const arch of ['vqa2', 'llava_onevision', 'qwen2_vl', 'qwen2_5_vl'] as const) {
      const info = await inspectModelFolder(path.join(root, arch));
      expect(info.arch).toBe(arch);
      expect(info.files.map((f) => f.path).sort()).toEqual([
        'onnx/decoder_model_merged.onnx',
        'onnx/embed_tokens.onnx',
        'onnx/vision_encoder.onnx',
      ]);
      expect(info.dtypes).toEqual(['fp32']);
      expect(info.sizeBytes).toBe(
        info.files.reduce((a, f) => a + fs.statSync(path.join(info.dir, f.path)).size, 0),
      );
      // weights only (no shape constants): a few hundred thousand parameters
      expect(info.paramCount).toBeGreaterThan(100_000);
      expect(info.paramCount * 4).toBeLessThan(info.sizeBytes);
      expect(new Set(info.levelTokenIds).size).toBe(5);
      expect(info.hasLogitsToKeep).toBe(true);
    }
  });

  it('estimates more memory for more frames, and the loader refuses a model larger than free memory naming both numbers', async () => {
    const dir = path.join(root, 'vqa2');
    const info = await inspectModelFolder(dir);
    const small = estimateMemoryBytes(info, { keyFrames: 4, motionFrames: 16 });
    const big = estimateMemoryBytes(info, { keyFrames: 64, motionFrames: 512 });
    expect(small.load).toBe(big.load);
    expect(small.load).toBeGreaterThan(info.sizeBytes);
    expect(big.score).toBeGreaterThan(small.score);
    const e = await loadLmm(dir, { ep: 'cpu', freeMemoryBytes: 10 * 2 ** 20 }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LmmError);
    expect((e as LmmError).code).toBe('MODEL_TOO_BIG');
    expect((e as LmmError).message).toMatch(
      /needs about [\d.]+ MB .* only 10\.0 MB of memory is free/,
    );
  });

  it('refuses a folder with a missing file', async () => {
    const noTok = brokenCopy('no-tokenizer', (d) => fs.rmSync(path.join(d, 'tokenizer.json')));
    expect((await refusal(noTok)).message).toMatch(/tokenizer\.json is missing/);
    const noDecoder = brokenCopy('no-decoder', (d) =>
      fs.rmSync(path.join(d, 'onnx/decoder_model_merged.onnx')),
    );
    expect((await refusal(noDecoder)).message).toMatch(
      /onnx\/decoder_model_merged\.onnx is missing/,
    );
  });

  it('refuses an unknown architecture and a bad vqa2.json', async () => {
    const unknown = brokenCopy('unknown-arch', (d) => {
      const cfg = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
      cfg.model_type = 'mllama';
      fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(cfg));
    });
    expect((await refusal(unknown)).message).toMatch(/unknown architecture "mllama"/);
    const badSpec = brokenCopy('bad-vqa2-json', (d) => {
      const spec = JSON.parse(fs.readFileSync(path.join(d, 'vqa2.json'), 'utf8'));
      spec.levelWeights = [1, 0.5];
      fs.writeFileSync(path.join(d, 'vqa2.json'), JSON.stringify(spec));
    });
    expect((await refusal(badSpec)).message).toMatch(/vqa2\.json: levelWeights/);
  });

  it('refuses a wrong tensor name and a wrong tensor dtype', async () => {
    const renamed = brokenCopy('renamed-input', (d) =>
      editOnnx(path.join(d, 'onnx/vision_encoder.onnx'), (m) => {
        const input = m.graph!.input!.find((i) => i.name === 'motion_pixel_values')!;
        input.name = 'motion_pixels';
        for (const n of m.graph!.node!)
          n.input = n.input!.map((x) => (x === 'motion_pixel_values' ? 'motion_pixels' : x));
      }),
    );
    expect((await refusal(renamed)).message).toMatch(
      /onnx\/vision_encoder\.onnx has no input "motion_pixel_values" \(its inputs: pixel_values, motion_pixels\)/,
    );
    const retyped = brokenCopy('int32-ids', (d) =>
      editOnnx(path.join(d, 'onnx/embed_tokens.onnx'), (m) => {
        m.graph!.input![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.INT32;
      }),
    );
    expect((await refusal(retyped)).message).toMatch(
      /embed_tokens\.onnx input "input_ids" is int32, expected int64/,
    );
    // an image-tiles layout [batch, patches, 3, h, w] where frames [N, 3, h, w] are fed
    const fiveD = brokenCopy('tiles-layout', (d) =>
      editOnnx(path.join(d, 'onnx/vision_encoder.onnx'), (m) => {
        const dims = m.graph!.input![0]!.type!.tensorType!.shape!.dim!;
        dims.unshift(onnx.TensorShapeProto.Dimension.create({ dimParam: 'batch' }));
      }),
    );
    expect((await refusal(fiveD)).message).toMatch(
      /vision_encoder\.onnx input "pixel_values" has shape \[batch, num_frames, 3, 32, 32\], expected \[frames, channels, height, width\]/,
    );
    // an input the runtime would leave unfed (LLaVA-NeXT-style image_sizes) is named on add
    const extra = brokenCopy('image-sizes', (d) =>
      editOnnx(path.join(d, 'onnx/vision_encoder.onnx'), (m) => {
        const t = onnx.ValueInfoProto.create({
          name: 'image_sizes',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.INT64,
              shape: { dim: [{ dimParam: 'images' }, { dimValue: 2 }] },
            },
          },
        });
        m.graph!.input!.push(t);
      }),
    );
    expect((await refusal(extra)).message).toMatch(
      /vision_encoder\.onnx has input the runtime does not feed: "image_sizes" \[images, 2\]/,
    );
  });

  it('refuses a truncated .onnx file', async () => {
    const cut = brokenCopy('truncated', (d) => {
      const f = path.join(d, 'onnx/decoder_model_merged.onnx');
      const bytes = fs.readFileSync(f);
      fs.writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    });
    expect((await refusal(cut)).message).toMatch(/decoder_model_merged\.onnx: .*truncated/);
  });

  it('refuses a tokenizer without a level word', async () => {
    const noHigh = brokenCopy('no-high', (d) => {
      const f = path.join(d, 'tokenizer.json');
      const tok = JSON.parse(fs.readFileSync(f, 'utf8'));
      // neither the merge that forms " high" nor the vocabulary entry it would map to
      tok.model.merges = tok.model.merges.filter(
        (m: string) => m.replace(' ', '') !== '\u0120high',
      );
      delete tok.model.vocab['\u0120high'];
      fs.writeFileSync(f, JSON.stringify(tok));
    });
    expect((await refusal(noHigh)).message).toMatch(
      /no single token for the level word "high" after "The quality of the video is"/,
    );
  });
});
