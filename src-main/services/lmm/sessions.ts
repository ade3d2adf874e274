// The three ONNX Runtime sessions of a model folder and the decoder loop over them: embeddings,
// vision features, and decoder passes with a KV cache (prefill, then one token per step). The
// decoder is only ever asked for the logits it needs: `num_logits_to_keep` where the graph has
// it, otherwise the prompt runs in short chunks so the full-vocabulary logits stay small.
import * as ort from 'onnxruntime-node';
import { explainProviderFailure } from '../inference/packs';
import { LmmError } from './errors';
import { COMPONENTS, ioDtype, type Component, type LmmFolderInfo } from './folder';
import { floatTensor, toFloat32 } from './half';

ort.env.logLevel = 'fatal';

const CHUNK_WITHOUT_KEEP = 64;

export interface Provider {
  provider: 'cuda' | 'cpu';
  fallbackReason: string | null;
}

export async function createSessions(
  info: LmmFolderInfo,
  ep: 'cuda' | 'cpu' | 'auto',
): Promise<Record<Component, ort.InferenceSession> & Provider> {
  const supported = new Set(
    (
      (
        ort as unknown as { listSupportedBackends?: () => { name: string }[] }
      ).listSupportedBackends?.() ?? []
    ).map((b) => b.name),
  );
  const order: ('cuda' | 'cpu')[] = ep === 'cpu' ? ['cpu'] : ['cuda', 'cpu'];
  let fallbackReason: string | null = null;
  for (const provider of order) {
    if (provider === 'cuda' && supported.size && !supported.has('cuda')) {
      fallbackReason =
        'cuda is not supported by this onnxruntime-node build (reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine with an NVIDIA GPU)';
      continue;
    }
    const made: ort.InferenceSession[] = [];
    try {
      const out = {} as Record<Component, ort.InferenceSession>;
      for (const c of COMPONENTS) {
        out[c] = await ort.InferenceSession.create(info.onnx[c], {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 4,
        });
        made.push(out[c]);
      }
      return { ...out, provider, fallbackReason };
    } catch (e) {
      await Promise.all(made.map((s) => s.release()));
      const reason = explainProviderFailure(provider, (e as Error).message);
      if (provider === 'cpu')
        throw new LmmError(
          'MODEL_SESSION_FAILED',
          `Could not load ${info.dir} with ONNX Runtime: ${reason}${fallbackReason ? ` (cuda: ${fallbackReason})` : ''}`,
        );
      fallbackReason = reason;
    }
  }
  throw new LmmError(
    'MODEL_SESSION_FAILED',
    `Could not load ${info.dir}: no execution provider left`,
  );
}

export interface KvCache {
  tensors: ort.Tensor[];
  length: number;
}

export class DecoderLoop {
  constructor(
    private readonly info: LmmFolderInfo,
    private readonly s: Record<Component, ort.InferenceSession>,
  ) {}

  /** A session run whose failure names the model file and keeps ONNX Runtime's first line. */
  private async run(
    component: Component,
    feeds: Record<string, ort.Tensor>,
  ): Promise<ort.InferenceSession.ReturnType> {
    try {
      return await this.s[component].run(feeds);
    } catch (e) {
      const first = String((e as Error).message ?? e).split('\n')[0];
      throw new LmmError(
        'MODEL_SESSION_FAILED',
        `${this.info.name}: ${component} failed: ${first}`,
      );
    }
  }

  async embed(ids: number[]): Promise<Float32Array> {
    const out = await this.run('embed_tokens', {
      input_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (x) => BigInt(x)),
        [1, ids.length],
      ),
    });
    return toFloat32(out.inputs_embeds!);
  }

  /** Runs the vision encoder; float32 feeds are converted to the dtype the graph declares. */
  async vision(feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
    const typed: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) {
      typed[k] =
        v.type === 'float32'
          ? floatTensor(ioDtype(this.info, 'vision_encoder', k), v.data as Float32Array, v.dims)
          : v;
    }
    const out = await this.run('vision_encoder', typed);
    const res: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(out)) {
      const dims = v.dims;
      if (dims[dims.length - 1] !== this.info.text.hidden) {
        throw new LmmError(
          'MODEL_INVALID',
          `vision_encoder output ${k} has rows of ${String(dims[dims.length - 1])}, the language model expects ${this.info.text.hidden}`,
        );
      }
      res[k] = toFloat32(v);
    }
    return res;
  }

  emptyCache(): KvCache {
    const { layers, kvHeads, headDim } = this.info.text;
    const tensors = Array.from({ length: layers * 2 }, (_, j) =>
      floatTensor(
        ioDtype(
          this.info,
          'decoder_model_merged',
          `past_key_values.${j >> 1}.${j & 1 ? 'value' : 'key'}`,
        ),
        new Float32Array(0),
        [1, kvHeads, 0, headDim],
      ),
    );
    return { tensors, length: 0 };
  }

  /**
   * One decoder pass over `seq` new positions (embeddings [seq·hidden], position ids [seq] or
   * [3·seq]); returns the logits of the last `keep` positions and the grown cache.
   */
  async step(
    embeds: Float32Array,
    seq: number,
    positions: BigInt64Array,
    mrope: boolean,
    cache: KvCache,
    keep = 1,
  ): Promise<{ logits: Float32Array; cache: KvCache }> {
    const { hidden, layers, vocab } = this.info.text;
    const total = cache.length + seq;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: floatTensor(
        ioDtype(this.info, 'decoder_model_merged', 'inputs_embeds'),
        embeds,
        [1, seq, hidden],
      ),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', positions, mrope ? [3, 1, seq] : [1, seq]),
    };
    for (let i = 0; i < layers; i++) {
      feeds[`past_key_values.${i}.key`] = cache.tensors[2 * i]!;
      feeds[`past_key_values.${i}.value`] = cache.tensors[2 * i + 1]!;
    }
    if (this.info.hasLogitsToKeep)
      feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([BigInt(keep)]), []);
    const out = await this.run('decoder_model_merged', feeds);
    const tensors: ort.Tensor[] = [];
    for (let i = 0; i < layers; i++)
      tensors.push(out[`present.${i}.key`]!, out[`present.${i}.value`]!);
    // present.* go back in as past_key_values.* unchanged, in the graph's own dtype
    const logits = toFloat32(out.logits!);
    const rows = logits.length / vocab;
    return { logits: logits.subarray((rows - keep) * vocab), cache: { tensors, length: total } };
  }

  /** Prefill of a whole prompt; returns the last position's logits (chunked when the graph cannot keep only it). */
  async prefill(
    embeds: Float32Array,
    positions: BigInt64Array,
    mrope: boolean,
  ): Promise<{ logits: Float32Array; cache: KvCache }> {
    const { hidden } = this.info.text;
    const seq = embeds.length / hidden;
    if (this.info.hasLogitsToKeep)
      return this.step(embeds, seq, positions, mrope, this.emptyCache(), 1);
    let cache = this.emptyCache();
    let logits: Float32Array = new Float32Array(0);
    for (let start = 0; start < seq; start += CHUNK_WITHOUT_KEEP) {
      const end = Math.min(seq, start + CHUNK_WITHOUT_KEEP);
      const n = end - start;
      const pos = mrope
        ? BigInt64Array.from(
            { length: 3 * n },
            (_, k) => positions[Math.floor(k / n) * seq + start + (k % n)]!,
          )
        : positions.subarray(start, end);
      const r = await this.step(
        embeds.subarray(start * hidden, end * hidden),
        n,
        pos,
        mrope,
        cache,
        1,
      );
      cache = r.cache;
      logits = r.logits;
    }
    return { logits: Float32Array.from(logits), cache };
  }
}
