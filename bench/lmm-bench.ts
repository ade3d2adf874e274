// In-process LMM runtime speed on CPU with the tiny generated models: prefill tokens/s (one pass
// over a prompt with frames, logits for the last position only) and decode tokens/s (cached
// single-token steps). Baselines from the same run: the same prefill asking for every position's
// logits, and the prefill's own per-token cost.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectModelFolder } from '../src-main/services/lmm/folder';
import { prepareInput, scoringPrompt } from '../src-main/services/lmm/prompt';
import { createSessions, DecoderLoop } from '../src-main/services/lmm/sessions';
import { DEFAULT_ANSWER_PREFIX, loadTokenizer } from '../src-main/services/lmm/tokenizer';
import { mulberry32 } from '../src-main/services/util/prng';

const REPS = 20;
const DECODE_STEPS = 64;

function frames(seed: number, n: number, w: number, h: number) {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => ({
    width: w,
    height: h,
    data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256)),
  }));
}

async function benchModel(dir: string) {
  const info = await inspectModelFolder(dir);
  const tok = loadTokenizer(dir);
  const pre = JSON.parse(
    fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8'),
  ) as Record<string, unknown>;
  const sessions = await createSessions(info, 'cpu');
  const loop = new DecoderLoop(info, sessions);
  try {
    const qwen = info.arch.startsWith('qwen');
    const key = qwen ? frames(1, 16, 16, 16) : frames(1, 16, 32, 32);
    const motion = info.vqa2 ? frames(2, 64, 16, 16) : [];
    const text =
      tok.chatPrompt([{ role: 'user', content: scoringPrompt(info) }]) +
      (info.vqa2?.answerPrefix ?? DEFAULT_ANSWER_PREFIX);
    const p = await prepareInput(info, pre, tok, loop, text, {
      keyFrames: key,
      motionFrames: motion,
    });
    const seq = p.ids.length;
    const timePrefill = async (keep: number) => {
      await loop.step(p.embeds, seq, p.positions, p.mrope, loop.emptyCache(), keep); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < REPS; i++)
        await loop.step(p.embeds, seq, p.positions, p.mrope, loop.emptyCache(), keep);
      return (performance.now() - t0) / REPS;
    };
    const lastOnlyMs = await timePrefill(1);
    const allPositionsMs = await timePrefill(seq);
    let { cache } = await loop.step(p.embeds, seq, p.positions, p.mrope, loop.emptyCache(), 1);
    const emb = await loop.embed([tok.eosIds[0] ?? 0]);
    const t0 = performance.now();
    for (let n = 0; n < DECODE_STEPS; n++) {
      const pos = p.nextPosition + n;
      const ids = p.mrope
        ? BigInt64Array.from([pos, pos, pos], (x) => BigInt(x))
        : BigInt64Array.from([BigInt(pos)]);
      ({ cache } = await loop.step(emb, 1, ids, p.mrope, cache, 1));
    }
    const decodeMs = (performance.now() - t0) / DECODE_STEPS;
    return {
      arch: info.arch,
      promptTokens: seq,
      prefillTokensPerSec: Math.round((seq / lastOnlyMs) * 1000),
      decodeTokensPerSec: Math.round(1000 / decodeMs),
      // < 1: asking for the last position only is cheaper than materialising every position's logits
      prefillLastOnlyVsAllPositions: +(lastOnlyMs / allPositionsMs).toFixed(3),
      // per-token cost of a cached decode step relative to a prefill token
      decodeVsPrefillPerToken: +(decodeMs / (lastOnlyMs / seq)).toFixed(2),
    };
  } finally {
    await Promise.all([
      sessions.vision_encoder.release(),
      sessions.embed_tokens.release(),
      sessions.decoder_model_merged.release(),
    ]);
  }
}

export async function runLmmBench() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-lmm-bench-'));
  try {
    execFileSync(
      process.execPath,
      [path.resolve(__dirname, '../scripts/gen-tiny-models.mjs'), '--out', root],
      { stdio: 'pipe' },
    );
    const models = [];
    for (const arch of ['vqa2', 'llava_onevision', 'qwen2_vl', 'qwen2_5_vl'])
      models.push(await benchModel(path.join(root, arch)));
    return { provider: 'cpu', reps: REPS, decodeSteps: DECODE_STEPS, models };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
