// Builds a decoder input from a chat prompt and frames: the text through the model's tokenizer,
// each visual placeholder token expanded to as many positions as its features have rows, the
// feature rows written over those positions' embeddings, and the position ids (plain, or Qwen's
// multimodal rotary ids).
import * as ort from 'onnxruntime-node';
import { LmmError } from './errors';
import type { LmmFolderInfo } from './folder';
import {
  framesToNchw,
  qwenPatches,
  qwenPositionIds,
  smartResize,
  type Normalisation,
  type RgbFrame,
} from './preprocess';
import type { DecoderLoop } from './sessions';
import type { LmmTokenizer } from './tokenizer';

export const RATING_QUESTION = 'How would you rate the quality of this video?';
const QWEN_VIDEO = '<|vision_start|><|video_pad|><|vision_end|>';

export interface PreparedInput {
  ids: number[];
  embeds: Float32Array;
  positions: BigInt64Array;
  mrope: boolean;
  /** Next free rotary position after the prompt (for decode steps). */
  nextPosition: number;
}

export interface Visuals {
  keyFrames: RgbFrame[];
  motionFrames: RgbFrame[];
}

export function isQwen(info: LmmFolderInfo): boolean {
  return info.arch === 'qwen2_vl' || info.arch === 'qwen2_5_vl';
}

/** The placeholder text that stands for the frames in a user turn. */
export function visualPlaceholder(info: LmmFolderInfo): string {
  if (info.vqa2) {
    const ph = info.vqa2.placeholders[1]!.text;
    return info.vqa2.prompt.slice(0, info.vqa2.prompt.lastIndexOf(ph) + ph.length);
  }
  return isQwen(info) ? QWEN_VIDEO : '<video>';
}

/** The scoring question of the architecture (VQA²: the prompt of vqa2.json). */
export function scoringPrompt(info: LmmFolderInfo): string {
  if (info.vqa2) return info.vqa2.prompt;
  return `${RATING_QUESTION}\n${visualPlaceholder(info)}`;
}

function cfgNum(obj: unknown, key: string, fallback: number): number {
  const v = (obj as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v : fallback;
}

/** Evenly spaced subset of at most `max` items, first and order kept. */
export function capFrames<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

function llavaNorm(pre: Record<string, unknown>): Normalisation {
  return {
    rescale: cfgNum(pre, 'rescale_factor', 1 / 255),
    mean: (pre.image_mean as number[]) ?? [0.5, 0.5, 0.5],
    std: (pre.image_std as number[]) ?? [0.5, 0.5, 0.5],
  };
}

export async function prepareInput(
  info: LmmFolderInfo,
  pre: Record<string, unknown>,
  tok: LmmTokenizer,
  loop: DecoderLoop,
  text: string,
  visuals: Visuals | null,
): Promise<PreparedInput> {
  const ids = tok.encode(text);
  const hidden = info.text.hidden;
  const cfg = info.config;
  // Placeholder token id → feature rows, consumed in prompt order.
  const blocks: { id: number; rows: Float32Array }[] = [];
  let grid: [number, number, number] | null = null;
  let videoId = -1;
  if (visuals) {
    if (!visuals.keyFrames.length)
      throw new LmmError('MODEL_INPUT_INVALID', 'no frames were given to the model');
    if (isQwen(info)) {
      const p = {
        patch: cfgNum(pre, 'patch_size', 14),
        temporal: cfgNum(pre, 'temporal_patch_size', 2),
        merge: cfgNum(pre, 'merge_size', 2),
      };
      const first = visuals.keyFrames[0]!;
      const size = smartResize(
        first.height,
        first.width,
        p.patch * p.merge,
        cfgNum(pre, 'min_pixels', 56 * 56),
        cfgNum(pre, 'max_pixels', 28 * 28 * 1280),
      );
      const norm = {
        rescale: cfgNum(pre, 'rescale_factor', 1 / 255),
        mean: pre.image_mean as number[],
        std: pre.image_std as number[],
      };
      const patches = qwenPatches(visuals.keyFrames, size, norm, p);
      grid = patches.grid;
      const gridName = info.arch === 'qwen2_5_vl' ? 'image_grid_thw' : 'grid_thw';
      const feats = await loop.vision({
        pixel_values: new ort.Tensor('float32', patches.data, [
          patches.data.length / (3 * p.temporal * p.patch * p.patch),
          3 * p.temporal * p.patch * p.patch,
        ]),
        [gridName]: new ort.Tensor(
          'int64',
          BigInt64Array.from(grid, (x) => BigInt(x)),
          [1, 3],
        ),
      });
      videoId = cfgNum(cfg, 'video_token_id', -1);
      blocks.push({ id: videoId, rows: feats.image_features! });
    } else if (info.vqa2) {
      const v = info.vqa2;
      if (!visuals.motionFrames.length)
        throw new LmmError(
          'MODEL_INPUT_INVALID',
          'the VQA² model needs motion frames as well as key frames',
        );
      const motion = capFrames(visuals.motionFrames, v.motionFrames.maxFrames);
      const kf = v.keyFrames;
      const mf = v.motionFrames;
      const feats = await loop.vision({
        pixel_values: new ort.Tensor(
          'float32',
          framesToNchw(visuals.keyFrames, kf.width, kf.height, kf),
          [visuals.keyFrames.length, 3, kf.height, kf.width],
        ),
        motion_pixel_values: new ort.Tensor(
          'float32',
          framesToNchw(motion, mf.width, mf.height, mf),
          [motion.length, 3, mf.height, mf.width],
        ),
      });
      for (const ph of v.placeholders) {
        const id = tok.specialId(ph.text);
        if (id === null)
          throw new LmmError(
            'MODEL_INVALID',
            `${info.dir}: the tokenizer has no token for the placeholder ${ph.text}`,
          );
        blocks.push({ id, rows: feats[ph.output]! });
      }
    } else {
      const size = (pre.size as { height?: number; width?: number } | undefined) ?? {};
      const vc = cfg.vision_config as Record<string, number> | undefined;
      const h = size.height ?? vc?.image_size ?? 384;
      const w = size.width ?? vc?.image_size ?? 384;
      const feats = await loop.vision({
        pixel_values: new ort.Tensor(
          'float32',
          framesToNchw(visuals.keyFrames, w, h, llavaNorm(pre)),
          [visuals.keyFrames.length, 3, h, w],
        ),
      });
      blocks.push({ id: cfgNum(cfg, 'video_token_index', -1), rows: feats.image_features! });
    }
  }
  const expanded: number[] = [];
  const spans: { at: number; rows: Float32Array }[] = [];
  let next = 0;
  for (const id of ids) {
    const b = blocks[next];
    if (b && id === b.id) {
      spans.push({ at: expanded.length, rows: b.rows });
      for (let r = 0; r < b.rows.length / hidden; r++) expanded.push(id);
      next++;
    } else expanded.push(id);
  }
  if (next !== blocks.length)
    throw new LmmError(
      'MODEL_INPUT_INVALID',
      `the prompt has ${next} visual placeholder(s), the frames need ${blocks.length}`,
    );
  const embeds = await loop.embed(expanded);
  for (const s of spans) embeds.set(s.rows, s.at * hidden);
  const seq = expanded.length;
  if (isQwen(info)) {
    const vc = cfg.vision_config as Record<string, number> | undefined;
    const tScale =
      info.arch === 'qwen2_5_vl'
        ? Math.round(cfgNum(pre, 'temporal_patch_size', 2) * (vc?.tokens_per_second ?? 2))
        : 1;
    const { positions, next: nextPosition } = qwenPositionIds(
      expanded,
      videoId,
      grid,
      cfgNum(pre, 'merge_size', 2),
      tScale,
    );
    return { ids: expanded, embeds, positions, mrope: true, nextPosition };
  }
  return {
    ids: expanded,
    embeds,
    positions: BigInt64Array.from({ length: seq }, (_, i) => BigInt(i)),
    mrope: false,
    nextPosition: seq,
  };
}
