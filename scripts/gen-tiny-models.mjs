#!/usr/bin/env node
// Writes tiny random-weight vision-language model folders in the Hugging Face ONNX layout, for
// tests and benchmarks of the in-process LMM runtime:
//   DIR/qwen2_vl/  DIR/qwen2_5_vl/  DIR/llava_onevision/  DIR/vqa2/
// each with config.json, generation_config.json, tokenizer.json, tokenizer_config.json (ChatML
// template), preprocessor_config.json (+ processor_config.json for LLaVA, vqa2.json for the VQA²
// variant) and onnx/{vision_encoder,embed_tokens,decoder_model_merged}.onnx.
// Weights come from a seeded PRNG and everything is written in a fixed order, so two runs produce
// byte-identical folders. docs/lmm-model-folder.md describes the format.
//
// Usage: node scripts/gen-tiny-models.mjs --out DIR [--only ARCH[,ARCH]]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from './tiny-lmm/onnx-graph.mjs';
import { buildTokenizerFiles, LEVEL_WORDS } from './tiny-lmm/tokenizer.mjs';
import { buildDecoder, buildEmbedTokens } from './tiny-lmm/decoder.mjs';
import { buildLlavaVision, buildQwenVision } from './tiny-lmm/vision.mjs';

export const ARCHS = ['vqa2', 'llava_onevision', 'qwen2_vl', 'qwen2_5_vl'];
const SEEDS = { vqa2: 2411, llava_onevision: 3795, qwen2_vl: 202, qwen2_5_vl: 2025 };

const TEXT = {
  hidden: 64,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  inter: 128,
  ropeTheta: 10000,
  eps: 1e-6,
};
const SIGLIP = { size: 32, patch: 8, dim: 32, heads: 2, mlp: 64, eps: 1e-6 };
const MOTION = { size: 16, patch: 8, dim: 16, maxFrames: 512 };
const QWEN_VISION = { patch: 4, temporalPatch: 2, merge: 2, dim: 32, mlp: 64, eps: 1e-6 };
const MROPE_SECTION = [2, 3, 3];
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

export const VQA2_PROMPT =
  'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. How would you rate the quality of this video?';

function textConfig(vocabSize, extra = {}) {
  return {
    model_type: 'qwen2',
    hidden_size: TEXT.hidden,
    intermediate_size: TEXT.inter,
    num_hidden_layers: TEXT.layers,
    num_attention_heads: TEXT.heads,
    num_key_value_heads: TEXT.kvHeads,
    head_dim: TEXT.headDim,
    hidden_act: 'silu',
    rms_norm_eps: TEXT.eps,
    rope_theta: TEXT.ropeTheta,
    max_position_embeddings: 4096,
    vocab_size: vocabSize,
    tie_word_embeddings: false,
    ...extra,
  };
}

function vqa2Json() {
  return {
    format: 'vqa2-scorer',
    version: 1,
    prompt: VQA2_PROMPT,
    placeholders: [
      {
        text: '<image>',
        input: 'pixel_values',
        output: 'image_features',
        frames: 'key',
        tokensPerFrame: 4,
        extraTokens: 1,
      },
      {
        text: '<image>',
        input: 'motion_pixel_values',
        output: 'motion_features',
        frames: 'motion',
        tokensPerFrame: 1,
        extraTokens: 0,
      },
    ],
    answerPrefix: 'The quality of the video is',
    levelWords: LEVEL_WORDS,
    levelWeights: [1, 0.75, 0.5, 0.25, 0],
    keyFrames: {
      fps: 1,
      width: SIGLIP.size,
      height: SIGLIP.size,
      rescale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    },
    motionFrames: {
      sampling: 'all',
      multipleOf: 4,
      maxFrames: MOTION.maxFrames,
      width: MOTION.size,
      height: MOTION.size,
      rescale: 1 / 255,
      mean: [0.45, 0.45, 0.45],
      std: [0.225, 0.225, 0.225],
    },
  };
}

/** Every file of one model folder, as [relative path, bytes | JSON object], in writing order. */
export function buildModelFolder(arch) {
  const rand = mulberry32(SEEDS[arch]);
  const tok = buildTokenizerFiles();
  const ids = tok.specialIds;
  const isQwen = arch === 'qwen2_vl' || arch === 'qwen2_5_vl';
  const cfg = { ...TEXT, vocabSize: tok.vocabSize, mropeSection: isQwen ? MROPE_SECTION : null };
  const files = [];
  const embed = buildEmbedTokens(cfg, rand);
  const decoder = buildDecoder(cfg, rand);
  const vision = isQwen
    ? buildQwenVision(QWEN_VISION, TEXT.hidden, rand, { v25: arch === 'qwen2_5_vl' })
    : buildLlavaVision(SIGLIP, TEXT.hidden, rand, { motion: arch === 'vqa2' ? MOTION : null });
  const eos = [ids['<|im_end|>'], ids['<|endoftext|>']];
  if (isQwen) {
    const v25 = arch === 'qwen2_5_vl';
    files.push([
      'config.json',
      {
        architectures: [
          v25 ? 'Qwen2_5_VLForConditionalGeneration' : 'Qwen2VLForConditionalGeneration',
        ],
        ...textConfig(tok.vocabSize, {
          rope_scaling: { type: 'mrope', mrope_section: MROPE_SECTION },
        }),
        model_type: arch,
        image_token_id: ids['<|image_pad|>'],
        video_token_id: ids['<|video_pad|>'],
        vision_start_token_id: ids['<|vision_start|>'],
        vision_end_token_id: ids['<|vision_end|>'],
        eos_token_id: eos[0],
        vision_config: {
          depth: 1,
          embed_dim: QWEN_VISION.dim,
          hidden_size: TEXT.hidden,
          patch_size: QWEN_VISION.patch,
          temporal_patch_size: QWEN_VISION.temporalPatch,
          spatial_merge_size: QWEN_VISION.merge,
          in_chans: 3,
          ...(v25 ? { tokens_per_second: 2, out_hidden_size: TEXT.hidden } : {}),
        },
      },
    ]);
    files.push([
      'preprocessor_config.json',
      {
        image_processor_type: 'Qwen2VLImageProcessor',
        do_resize: true,
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: CLIP_MEAN,
        image_std: CLIP_STD,
        min_pixels: 16 * 16,
        max_pixels: 16 * 16,
        patch_size: QWEN_VISION.patch,
        temporal_patch_size: QWEN_VISION.temporalPatch,
        merge_size: QWEN_VISION.merge,
      },
    ]);
  } else {
    files.push([
      'config.json',
      {
        architectures: ['LlavaOnevisionForConditionalGeneration'],
        model_type: 'llava_onevision',
        image_token_index: ids['<image>'],
        video_token_index: ids['<video>'],
        projector_hidden_act: 'gelu',
        vision_feature_select_strategy: 'full',
        vision_feature_layer: -1,
        text_config: textConfig(tok.vocabSize),
        vision_config: {
          model_type: 'siglip_vision_model',
          hidden_size: SIGLIP.dim,
          image_size: SIGLIP.size,
          patch_size: SIGLIP.patch,
          num_attention_heads: SIGLIP.heads,
          intermediate_size: SIGLIP.mlp,
          num_hidden_layers: 1,
          layer_norm_eps: SIGLIP.eps,
        },
      },
    ]);
    files.push([
      'preprocessor_config.json',
      {
        image_processor_type: 'LlavaOnevisionImageProcessor',
        do_resize: true,
        size: { height: SIGLIP.size, width: SIGLIP.size },
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.5, 0.5, 0.5],
        do_convert_rgb: true,
      },
    ]);
    files.push([
      'processor_config.json',
      {
        processor_class: 'LlavaOnevisionProcessor',
        image_token: '<image>',
        video_token: '<video>',
        vision_feature_select_strategy: 'full',
      },
    ]);
    if (arch === 'vqa2') files.push(['vqa2.json', vqa2Json()]);
  }
  files.push([
    'generation_config.json',
    {
      eos_token_id: eos,
      pad_token_id: ids['<|endoftext|>'],
      do_sample: true,
      temperature: 0.2,
      max_new_tokens: 1024,
    },
  ]);
  files.push(['tokenizer.json', tok.tokenizerJson]);
  files.push(['tokenizer_config.json', tok.tokenizerConfig]);
  const doc = `Tiny random-weight ${arch} test model (vqa2-studio gen-tiny-models); not a trained model.`;
  files.push(['onnx/vision_encoder.onnx', vision.encode(doc)]);
  files.push(['onnx/embed_tokens.onnx', embed.encode(doc)]);
  files.push(['onnx/decoder_model_merged.onnx', decoder.encode(doc)]);
  return files;
}

export function writeModelFolder(dir, arch) {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const [rel, content] of buildModelFolder(arch)) {
    const bytes = content instanceof Uint8Array ? content : `${JSON.stringify(content, null, 2)}\n`;
    writeFileSync(join(dir, rel), bytes);
  }
}

function parseArgs(argv) {
  const opts = { out: null, only: ARCHS };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') opts.out = argv[++i];
    else if (argv[i] === '--only') opts.only = String(argv[++i]).split(',');
    else throw new Error(`unknown argument ${argv[i]} (usage: --out DIR [--only ARCH,...])`);
  }
  if (!opts.out) throw new Error('--out DIR is required');
  for (const a of opts.only)
    if (!ARCHS.includes(a))
      throw new Error(`unknown architecture ${a} (one of ${ARCHS.join(', ')})`);
  return opts;
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('gen-tiny-models.mjs')
) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const out = resolve(opts.out);
    for (const arch of opts.only) writeModelFolder(join(out, arch), arch);
    console.log(`wrote ${opts.only.join(', ')} to ${out}`);
  } catch (e) {
    console.error(`gen-tiny-models: ${e.message}`);
    process.exit(1);
  }
}
