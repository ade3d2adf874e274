// In-process LMM runtime: loads a model folder onto ONNX Runtime (CUDA first when asked or
// available, CPU on failure with the reason kept), scores with one prefill pass (the level words'
// logits at the last prompt position) and generates streamed answers with a KV cache.
// One call runs per model at a time; others wait their turn.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LEVEL_WEIGHTS } from '../levels/level-score';
import { LmmError } from './errors';
import { estimateMemoryBytes, inspectModelFolder, type LmmFolderInfo } from './folder';
import type { RgbFrame } from './preprocess';
import { prepareInput, scoringPrompt, visualPlaceholder } from './prompt';
import { createSessions, DecoderLoop } from './sessions';
import { DEFAULT_ANSWER_PREFIX, loadTokenizer, type ChatMessage } from './tokenizer';

export type { RgbFrame } from './preprocess';

export interface ScoreLevelsResult {
  levelLogits: number[];
  weights: number[];
  prompt: string;
  promptTokens: number;
  /** Motion frames fed after capping to the model's limit (VQA² only; 0 otherwise). */
  motionFramesUsed: number;
}

export interface LoadedLmm {
  info: LmmFolderInfo;
  provider: 'cuda' | 'cpu';
  fallbackReason: string | null;
  /** One prefill pass, no generation; logits of the five level words at the last prompt position. */
  scoreLevels(input: {
    keyFrames: RgbFrame[];
    motionFrames: RgbFrame[];
    signal?: AbortSignal;
  }): Promise<ScoreLevelsResult>;
  /** Streams tokens via onToken; stops within one token after signal aborts. */
  generate(input: {
    history: { role: 'user' | 'assistant'; text: string }[];
    question: string;
    frames: RgbFrame[];
    /** VQA² models: motion frames for the second placeholder (default: the frames themselves). */
    motionFrames?: RgbFrame[];
    maxNewTokens?: number;
    temperature?: number;
    signal?: AbortSignal;
    onToken?: (text: string) => void;
  }): Promise<{ text: string; tokens: number; promptTokens: number }>;
  /** Calls waiting behind the running one. */
  readonly queued: number;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  ep?: 'cuda' | 'cpu' | 'auto';
  /** Frame counts the memory estimate assumes (defaults: 16 key, 64 motion frames). */
  keyFrames?: number;
  motionFrames?: number;
  /** Free memory to compare with (default: MemAvailable of /proc/meminfo, else os.freemem()). */
  freeMemoryBytes?: number;
}

export function availableMemoryBytes(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return os.freemem();
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

function cancelled(partial = ''): LmmError {
  return new LmmError('MODEL_CANCELLED', 'cancelled', partial);
}

function pickToken(logits: Float32Array, temperature: number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (!(temperature > 0)) return best;
  const max = logits[best]!;
  const p = Float64Array.from(logits, (l) => Math.exp((l - max) / temperature));
  let r = Math.random() * p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < p.length; i++) {
    r -= p[i]!;
    if (r <= 0) return i;
  }
  return best;
}

export async function loadLmm(dir: string, opts: LoadOptions = {}): Promise<LoadedLmm> {
  const info = await inspectModelFolder(dir);
  const need = estimateMemoryBytes(info, {
    keyFrames: opts.keyFrames ?? 16,
    motionFrames: info.vqa2 ? (opts.motionFrames ?? 64) : 0,
  });
  const free = opts.freeMemoryBytes ?? availableMemoryBytes();
  if (need.score > free) {
    throw new LmmError(
      'MODEL_TOO_BIG',
      `${info.name} needs about ${formatBytes(need.score)} to load and score (${formatBytes(need.load)} to load), but only ${formatBytes(free)} of memory is free`,
    );
  }
  const genFile = path.join(info.dir, 'generation_config.json');
  const gen = fs.existsSync(genFile)
    ? (JSON.parse(fs.readFileSync(genFile, 'utf8')) as Record<string, unknown>)
    : {};
  const tok = loadTokenizer(
    info.dir,
    ([] as unknown[])
      .concat(gen.eos_token_id ?? [])
      .filter((x): x is number => typeof x === 'number'),
  );
  const pre = JSON.parse(
    fs.readFileSync(path.join(info.dir, 'preprocessor_config.json'), 'utf8'),
  ) as Record<string, unknown>;
  const sessions = await createSessions(info, opts.ep ?? 'auto');
  const loop = new DecoderLoop(info, sessions);
  const weights = info.vqa2 ? info.vqa2.levelWeights : [...DEFAULT_LEVEL_WEIGHTS];
  const prefix = info.vqa2 ? info.vqa2.answerPrefix : DEFAULT_ANSWER_PREFIX;
  const defaultTemperature = typeof gen.temperature === 'number' ? gen.temperature : 0.2;
  let disposed = false;
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    queued++;
    const run = tail.then(async () => {
      queued--;
      if (disposed) throw new LmmError('MODEL_DISPOSED', `${info.name} was unloaded`);
      return fn();
    });
    tail = run.catch(() => undefined);
    return run;
  }

  const lmm: LoadedLmm = {
    info,
    provider: sessions.provider,
    fallbackReason: sessions.fallbackReason,
    get queued() {
      return queued;
    },
    scoreLevels: (input) =>
      serial(async () => {
        if (input.signal?.aborted) throw cancelled();
        const prompt = tok.chatPrompt([{ role: 'user', content: scoringPrompt(info) }]) + prefix;
        const prepared = await prepareInput(info, pre, tok, loop, prompt, {
          keyFrames: input.keyFrames,
          motionFrames: input.motionFrames,
        });
        if (input.signal?.aborted) throw cancelled();
        const { logits } = await loop.prefill(prepared.embeds, prepared.positions, prepared.mrope);
        const motionFramesUsed = info.vqa2
          ? Math.min(input.motionFrames.length, info.vqa2.motionFrames.maxFrames)
          : 0;
        return {
          levelLogits: info.levelTokenIds.map((id) => logits[id]!),
          weights,
          prompt,
          promptTokens: prepared.ids.length,
          motionFramesUsed,
        };
      }),
    generate: (input) =>
      serial(async () => {
        if (input.signal?.aborted) throw cancelled();
        const messages: ChatMessage[] = input.history.map((m) => ({
          role: m.role,
          content: m.text,
        }));
        const content = input.frames.length
          ? `${visualPlaceholder(info)}${info.vqa2 ? '. ' : '\n'}${input.question}`
          : input.question;
        messages.push({ role: 'user', content });
        const prompt = tok.chatPrompt(messages);
        const visuals = input.frames.length
          ? { keyFrames: input.frames, motionFrames: input.motionFrames ?? input.frames }
          : null;
        const prepared = await prepareInput(info, pre, tok, loop, prompt, visuals);
        let { logits, cache } = await loop.prefill(
          prepared.embeds,
          prepared.positions,
          prepared.mrope,
        );
        const maxNew =
          input.maxNewTokens ??
          (typeof gen.max_new_tokens === 'number' ? gen.max_new_tokens : 1024);
        const temperature = input.temperature ?? defaultTemperature;
        const out: number[] = [];
        let emitted = '';
        let position = prepared.nextPosition;
        for (let n = 0; n < maxNew; n++) {
          if (input.signal?.aborted) throw cancelled(emitted);
          const id = pickToken(logits, temperature);
          if (tok.eosIds.includes(id)) break;
          out.push(id);
          const text = tok.decode(out);
          // Hold back an incomplete UTF-8 sequence until its last byte arrives.
          if (!text.endsWith('\uFFFD') && text.length > emitted.length) {
            input.onToken?.(text.slice(emitted.length));
            emitted = text;
          }
          if (n + 1 >= maxNew) break;
          if (input.signal?.aborted) throw cancelled(emitted);
          const embeds = await loop.embed([id]);
          const positions = prepared.mrope
            ? BigInt64Array.from([position, position, position], (x) => BigInt(x))
            : BigInt64Array.from([BigInt(position)]);
          position++;
          ({ logits, cache } = await loop.step(embeds, 1, positions, prepared.mrope, cache, 1));
        }
        const text = tok.decode(out);
        if (text.length > emitted.length) input.onToken?.(text.slice(emitted.length));
        return { text, tokens: out.length, promptTokens: prepared.ids.length };
      }),
    async dispose() {
      if (disposed) return;
      await serial(async () => undefined).catch(() => undefined);
      disposed = true;
      await Promise.all([
        sessions.vision_encoder.release(),
        sessions.embed_tokens.release(),
        sessions.decoder_model_merged.release(),
      ]);
    },
  };
  return lmm;
}
