// Model folder validation: which architecture a Hugging Face ONNX-layout folder holds, which ONNX
// files it uses, that their tensors have the names and dtypes the runtime feeds, that its tokenizer
// has the level words, and what it will cost in memory. Nothing is loaded into ONNX Runtime here.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LEVELS } from '../levels/level-score';
import { invalid, LmmError } from './errors';
import { OnnxScanError, scanOnnx, type OnnxScan, type OnnxValueInfo } from './onnx-scan';
import { DEFAULT_ANSWER_PREFIX, levelTokenIds, loadTokenizer } from './tokenizer';

export type LmmArch = 'qwen2_vl' | 'qwen2_5_vl' | 'llava_onevision' | 'vqa2';
export interface LmmFileInfo {
  path: string;
  sizeBytes: number;
  dtype: string;
}

export const COMPONENTS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type Component = (typeof COMPONENTS)[number];
/** File name suffixes of the published exports, in the order the runtime prefers them. */
export const DTYPE_SUFFIXES: [string, string][] = [
  ['', 'fp32'],
  ['_fp16', 'fp16'],
  ['_q4f16', 'q4f16'],
  ['_q4', 'q4'],
  ['_quantized', 'q8'],
];

const frameSpec = z.object({
  width: z.number().int().min(4).max(4096),
  height: z.number().int().min(4).max(4096),
  rescale: z.number().positive(),
  mean: z.array(z.number()).length(3),
  std: z.array(z.number().positive()).length(3),
});
export const vqa2Schema = z.object({
  format: z.literal('vqa2-scorer'),
  version: z.literal(1),
  prompt: z.string().min(1),
  placeholders: z
    .array(
      z.object({
        text: z.string().min(1),
        input: z.string().min(1),
        output: z.string().min(1),
        frames: z.enum(['key', 'motion']),
        tokensPerFrame: z.number().int().positive(),
        extraTokens: z.number().int().min(0),
      }),
    )
    .length(2),
  answerPrefix: z.string(),
  levelWords: z.array(z.string().min(1)).length(5),
  levelWeights: z.array(z.number().finite()).length(5),
  keyFrames: frameSpec.extend({ fps: z.number().positive() }),
  motionFrames: frameSpec.extend({
    sampling: z.enum(['all', 'every-8th']),
    multipleOf: z.number().int().positive(),
    maxFrames: z.number().int().positive(),
  }),
});
export type Vqa2Spec = z.infer<typeof vqa2Schema>;

export interface TextDims {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  inter: number;
  vocab: number;
}

export interface LmmFolderInfo {
  dir: string;
  arch: LmmArch;
  name: string;
  files: LmmFileInfo[];
  paramCount: number;
  sizeBytes: number;
  dtypes: string[];
  levelTokenIds: number[];
  /** Absolute path of each ONNX component the runtime loads. */
  onnx: Record<Component, string>;
  scans: Record<Component, OnnxScan>;
  config: Record<string, unknown>;
  text: TextDims;
  vqa2: Vqa2Spec | null;
  /** The decoder takes num_logits_to_keep, so a prefill can ask for the last position only. */
  hasLogitsToKeep: boolean;
  /** Language-model tokens one key frame (and one motion frame) turns into, for memory estimates. */
  tokensPerKeyFrame: number;
  tokensPerMotionFrame: number;
}

function readJson(dir: string, name: string): Record<string, unknown> {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw invalid(dir, `${name} is missing`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw invalid(dir, `${name} is not valid JSON (${(e as Error).message})`);
  }
}

function detectArch(dir: string, config: Record<string, unknown>): LmmArch {
  const type = config.model_type;
  if (type === 'llava_onevision')
    return fs.existsSync(path.join(dir, 'vqa2.json')) ? 'vqa2' : 'llava_onevision';
  if (type === 'qwen2_vl' || type === 'qwen2_5_vl') return type;
  throw invalid(
    dir,
    `config.json: unknown architecture "${String(type)}" (supported: qwen2_vl, qwen2_5_vl, llava_onevision, llava_onevision + vqa2.json)`,
  );
}

function textDims(dir: string, arch: LmmArch, config: Record<string, unknown>): TextDims {
  const tc = (arch === 'qwen2_vl' || arch === 'qwen2_5_vl' ? config : config.text_config) as
    Record<string, unknown> | undefined;
  if (!tc) throw invalid(dir, 'config.json has no text_config');
  const num = (key: string): number => {
    const v = tc[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw invalid(dir, `config.json: ${key} must be a positive integer (got ${String(v)})`);
    return v;
  };
  const hidden = num('hidden_size');
  const heads = num('num_attention_heads');
  return {
    hidden,
    layers: num('num_hidden_layers'),
    heads,
    kvHeads: typeof tc.num_key_value_heads === 'number' ? num('num_key_value_heads') : heads,
    headDim: typeof tc.head_dim === 'number' ? num('head_dim') : hidden / heads,
    inter: num('intermediate_size'),
    vocab: num('vocab_size'),
  };
}

function pickOnnx(dir: string, component: Component): { file: string; dtype: string } {
  for (const [suffix, dtype] of DTYPE_SUFFIXES) {
    const file = path.join(dir, 'onnx', `${component}${suffix}.onnx`);
    if (fs.existsSync(file)) return { file, dtype };
  }
  throw invalid(
    dir,
    `onnx/${component}.onnx is missing (nor any of ${DTYPE_SUFFIXES.slice(1)
      .map(([s]) => `${component}${s}.onnx`)
      .join(', ')})`,
  );
}

/** A tensor the runtime uses: name, allowed dtypes, and its layout (the rank is checked). */
type Want = { name: string; dtypes: string[]; layout: string[] };
const FLOAT = ['float32', 'float16'];
const INT64 = ['int64'];

/** The dtype the graph declares for one of its inputs or outputs ('float32' when unstated). */
export function ioDtype(
  info: Pick<LmmFolderInfo, 'scans'>,
  component: Component,
  name: string,
): string {
  const s = info.scans[component];
  const t = [...s.inputs, ...s.outputs].find((x) => x.name === name);
  return t && t.dtype !== 'unknown' ? t.dtype : 'float32';
}

/** The tensors the runtime feeds and reads, per component and architecture (floats: float32 or float16). */
export function expectedTensors(
  arch: LmmArch,
  layers: number,
): Record<Component, { inputs: Want[]; outputs: Want[] }> {
  const qwen = arch === 'qwen2_vl' || arch === 'qwen2_5_vl';
  const kv = (prefix: string, len: string): Want[] =>
    Array.from({ length: layers }, (_, i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`])
      .flat()
      .map((name) => ({ name, dtypes: FLOAT, layout: ['batch', 'kv_heads', len, 'head_dim'] }));
  const frames = ['frames', 'channels', 'height', 'width'];
  const rows = ['rows', 'hidden'];
  const vision: Want[] = [
    { name: 'pixel_values', dtypes: FLOAT, layout: qwen ? ['patches', 'patch_values'] : frames },
  ];
  if (arch === 'vqa2') vision.push({ name: 'motion_pixel_values', dtypes: FLOAT, layout: frames });
  if (arch === 'qwen2_vl') vision.push({ name: 'grid_thw', dtypes: INT64, layout: ['grids', '3'] });
  if (arch === 'qwen2_5_vl')
    vision.push({ name: 'image_grid_thw', dtypes: INT64, layout: ['grids', '3'] });
  const visionOut: Want[] = [{ name: 'image_features', dtypes: FLOAT, layout: rows }];
  if (arch === 'vqa2') visionOut.push({ name: 'motion_features', dtypes: FLOAT, layout: rows });
  return {
    vision_encoder: { inputs: vision, outputs: visionOut },
    embed_tokens: {
      inputs: [{ name: 'input_ids', dtypes: INT64, layout: ['batch', 'seq'] }],
      outputs: [{ name: 'inputs_embeds', dtypes: FLOAT, layout: ['batch', 'seq', 'hidden'] }],
    },
    decoder_model_merged: {
      inputs: [
        { name: 'inputs_embeds', dtypes: FLOAT, layout: ['batch', 'seq', 'hidden'] },
        { name: 'attention_mask', dtypes: INT64, layout: ['batch', 'total'] },
        {
          name: 'position_ids',
          dtypes: INT64,
          layout: qwen ? ['3', 'batch', 'seq'] : ['batch', 'seq'],
        },
        ...kv('past_key_values', 'past'),
      ],
      outputs: [
        { name: 'logits', dtypes: FLOAT, layout: ['batch', 'kept', 'vocab'] },
        ...kv('present', 'total'),
      ],
    },
  };
}

function checkTensors(
  dir: string,
  rel: string,
  kind: 'input' | 'output',
  have: OnnxValueInfo[],
  want: Want[],
): void {
  for (const w of want) {
    const t = have.find((h) => h.name === w.name);
    if (!t)
      throw invalid(
        dir,
        `${rel} has no ${kind} "${w.name}" (its ${kind}s: ${have.map((h) => h.name).join(', ') || 'none'})`,
      );
    if (t.dtype !== 'unknown' && !w.dtypes.includes(t.dtype)) {
      throw invalid(
        dir,
        `${rel} ${kind} "${w.name}" is ${t.dtype}, expected ${w.dtypes.join(' or ')}`,
      );
    }
    // A graph without shape information says nothing; a declared rank must match the layout fed.
    if (t.shape.length && t.shape.length !== w.layout.length) {
      throw invalid(
        dir,
        `${rel} ${kind} "${w.name}" has shape [${t.shape.join(', ')}], expected [${w.layout.join(', ')}]`,
      );
    }
  }
}

function fileDtype(scan: OnnxScan, fallback: string): string {
  const floatBytes = (scan.bytesByType.float32 ?? 0) + (scan.bytesByType.float16 ?? 0);
  const intBytes =
    (scan.bytesByType.uint8 ?? 0) +
    (scan.bytesByType.int8 ?? 0) +
    (scan.bytesByType.uint4 ?? 0) +
    (scan.bytesByType.int4 ?? 0);
  if (intBytes > floatBytes) return fallback.startsWith('q') ? fallback : 'q8';
  return (scan.bytesByType.float16 ?? 0) > (scan.bytesByType.float32 ?? 0) ? 'fp16' : 'fp32';
}

/** Validates everything; throws LmmError {code:'MODEL_INVALID'} with a message naming the problem. */
export async function inspectModelFolder(dir: string): Promise<LmmFolderInfo> {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw invalid(abs, 'not a folder');
  const config = readJson(abs, 'config.json');
  const arch = detectArch(abs, config);
  const text = textDims(abs, arch, config);
  const preprocessor = readJson(abs, 'preprocessor_config.json');
  if (arch === 'llava_onevision' || arch === 'vqa2') readJson(abs, 'processor_config.json');
  let vqa2: Vqa2Spec | null = null;
  if (arch === 'vqa2') {
    const r = vqa2Schema.safeParse(readJson(abs, 'vqa2.json'));
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw invalid(abs, `vqa2.json: ${i.path.join('.') || 'file'}: ${i.message}`);
    }
    vqa2 = r.data;
  }
  const generation = fs.existsSync(path.join(abs, 'generation_config.json'))
    ? readJson(abs, 'generation_config.json')
    : {};
  const genEos = ([] as unknown[])
    .concat(generation.eos_token_id ?? [])
    .filter((x): x is number => typeof x === 'number');
  const tok = loadTokenizer(abs, genEos);
  const levelIds = levelTokenIds(
    abs,
    tok,
    vqa2 ? vqa2.answerPrefix : DEFAULT_ANSWER_PREFIX,
    vqa2?.levelWords ?? LEVELS,
  );

  const want = expectedTensors(arch, text.layers);
  const onnx = {} as Record<Component, string>;
  const scans = {} as Record<Component, OnnxScan>;
  const files: LmmFileInfo[] = [];
  for (const component of COMPONENTS) {
    const { file, dtype } = pickOnnx(abs, component);
    const rel = path.relative(abs, file);
    let scan: OnnxScan;
    try {
      scan = scanOnnx(file);
    } catch (e) {
      if (e instanceof OnnxScanError) throw invalid(abs, `${rel}: ${e.message}`);
      throw e;
    }
    checkTensors(abs, rel, 'input', scan.inputs, want[component].inputs);
    // An input the runtime does not know would be left unfed and fail at the first run.
    const unknown = scan.inputs.filter(
      (t) =>
        !want[component].inputs.some((w) => w.name === t.name) &&
        !(component === 'decoder_model_merged' && t.name === 'num_logits_to_keep'),
    );
    if (unknown.length) {
      throw invalid(
        abs,
        `${rel} has input${unknown.length > 1 ? 's' : ''} the runtime does not feed: ${unknown.map((t) => `"${t.name}" [${t.shape.join(', ')}]`).join(', ')} (expected only ${want[component].inputs.map((w) => w.name).join(', ')})`,
      );
    }
    checkTensors(abs, rel, 'output', scan.outputs, want[component].outputs);
    onnx[component] = file;
    scans[component] = scan;
    const d = fileDtype(scan, dtype);
    files.push({ path: rel, sizeBytes: fs.statSync(file).size, dtype: d });
    for (const ext of scan.externalFiles)
      files.push({ path: path.relative(abs, ext.file), sizeBytes: ext.sizeBytes, dtype: d });
  }
  const keep = scans.decoder_model_merged.inputs.find((t) => t.name === 'num_logits_to_keep');
  const sizeBytes = files.reduce((a, f) => a + f.sizeBytes, 0);
  const perFrame = tokensPerFrame(arch, config, preprocessor, vqa2);
  return {
    dir: abs,
    arch,
    name:
      typeof config._name_or_path === 'string' && config._name_or_path
        ? path.basename(config._name_or_path)
        : path.basename(abs),
    files,
    paramCount: COMPONENTS.reduce((a, c) => a + scans[c].paramCount, 0),
    sizeBytes,
    dtypes: [...new Set(files.map((f) => f.dtype))],
    levelTokenIds: levelIds,
    onnx,
    scans,
    config,
    text,
    vqa2,
    hasLogitsToKeep: !!keep,
    tokensPerKeyFrame: perFrame.key,
    tokensPerMotionFrame: perFrame.motion,
  };
}

function tokensPerFrame(
  arch: LmmArch,
  config: Record<string, unknown>,
  pre: Record<string, unknown>,
  vqa2: Vqa2Spec | null,
): { key: number; motion: number } {
  if (vqa2) {
    const key = vqa2.placeholders.find((p) => p.frames === 'key')!.tokensPerFrame;
    return { key, motion: vqa2.placeholders.find((p) => p.frames === 'motion')!.tokensPerFrame };
  }
  const vc = (config.vision_config ?? {}) as Record<string, number>;
  if (arch === 'llava_onevision') {
    const grid = Math.ceil((vc.image_size ?? 384) / (vc.patch_size ?? 14));
    return { key: Math.ceil(grid / 2) ** 2, motion: 0 };
  }
  // Qwen: at most max_pixels per frame, one token per merge² patches, two frames per temporal patch.
  const patch = (pre.patch_size as number) ?? 14;
  const merge = (pre.merge_size as number) ?? 2;
  const tp = (pre.temporal_patch_size as number) ?? 2;
  const maxPixels = (pre.max_pixels as number) ?? 12845056;
  return { key: Math.ceil(maxPixels / (patch * patch * merge * merge) / tp), motion: 0 };
}

/**
 * Memory to load the model (its files, plus ONNX Runtime's working copy overhead) and to run one
 * scoring pass (load + KV cache + the largest activations of the prefill).
 */
export function estimateMemoryBytes(
  info: LmmFolderInfo,
  opts: { keyFrames: number; motionFrames: number },
): { load: number; score: number } {
  const RUNTIME_OVERHEAD = 64 * 2 ** 20;
  const load = Math.round(info.sizeBytes * 1.1) + RUNTIME_OVERHEAD;
  const t = info.text;
  const tokens =
    128 +
    opts.keyFrames * info.tokensPerKeyFrame +
    opts.motionFrames * info.tokensPerMotionFrame +
    1;
  const kv = 2 * t.layers * t.kvHeads * t.headDim * tokens * 4;
  // per layer: hidden states, q/k/v, MLP intermediates, and one head group's attention scores
  const activations = tokens * (6 * t.hidden + 3 * t.inter) * 4 + t.heads * tokens * tokens * 4;
  const logits = (info.hasLogitsToKeep ? 1 : Math.min(tokens, 64)) * t.vocab * 4;
  return { load, score: load + kv + activations + logits };
}

export { LmmError };
