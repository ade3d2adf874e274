// In-process LMM runtime speed on CPU with the tiny generated models: prefill tokens/s (one pass
// over a prompt with frames, logits for the last position only) and decode tokens/s (cached
// single-token steps). Baselines from the same run: the same prefill asking for every position's
// logits, and the prefill's own per-token cost. Also RSS growth while scoring a 10-minute clip.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMediaTool } from '../src-main/services/media/run';
import { inspectModelFolder } from '../src-main/services/lmm/folder';
import { loadLmm } from '../src-main/services/lmm/runtime';
import { sampleLmmFrames } from '../src-main/services/lmm/video-frames';
import { prepareInput, scoringPrompt } from '../src-main/services/lmm/prompt';
import { createSessions, DecoderLoop } from '../src-main/services/lmm/sessions';
import { DEFAULT_ANSWER_PREFIX, loadTokenizer } from '../src-main/services/lmm/tokenizer';
import { mulberry32 } from '../src-main/services/util/prng';

const REPS = 20;
const DECODE_STEPS = 64;

function frames(seed: number, n: number, w: number, h: number) {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => ({ width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256)) }));
}

async function benchModel(dir: string) {
  const info = await inspectModelFolder(dir);
  const tok = loadTokenizer(dir);
  const pre = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
  const sessions = await createSessions(info, 'cpu');
  const loop = new DecoderLoop(info, sessions);
  try {
    const qwen = info.arch.startsWith('qwen');
    const key = qwen ? frames(1, 16, 16, 16) : frames(1, 16, 32, 32);
    const motion = info.vqa2 ? frames(2, 64, 16, 16) : [];
    const text = tok.chatPrompt([{ role: 'user', content: scoringPrompt(info) }]) + (info.vqa2?.answerPrefix ?? DEFAULT_ANSWER_PREFIX);
    const p = await prepareInput(info, pre, tok, loop, text, { keyFrames: key, motionFrames: motion });
    const seq = p.ids.length;
    const timePrefill = async (keep: number) => {
      await loop.step(p.embeds, seq, p.positions, p.mrope, loop.emptyCache(), keep); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < REPS; i++) await loop.step(p.embeds, seq, p.positions, p.mrope, loop.emptyCache(), keep);
      return (performance.now() - t0) / REPS;
    };
    const lastOnlyMs = await timePrefill(1);
    const allPositionsMs = await timePrefill(seq);
    let { cache } = await loop.step(p.embeds, seq, p.positions, p.mrope, loop.emptyCache(), 1);
    const emb = await loop.embed([tok.eosIds[0] ?? 0]);
    const t0 = performance.now();
    for (let n = 0; n < DECODE_STEPS; n++) {
      const pos = p.nextPosition + n;
      const ids = p.mrope ? BigInt64Array.from([pos, pos, pos], (x) => BigInt(x)) : BigInt64Array.from([BigInt(pos)]);
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
    await Promise.all([sessions.vision_encoder.release(), sessions.embed_tokens.release(), sessions.decoder_model_merged.release()]);
  }
}

/** RSS while the tiny VQA² model scores a 10-minute clip segment by segment (frames sampled per segment). */
async function rssWhileScoring(dir: string) {
  const clipDir = path.join(os.tmpdir(), 'vqa2-score-bench');
  fs.mkdirSync(clipDir, { recursive: true });
  const clip = path.join(clipDir, 'long-640x360-600s.mp4');
  if (!fs.existsSync(clip)) {
    const r = await runMediaTool('ffmpeg', ['-hide_banner', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '600', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', clip]);
    if (r.exitCode !== 0) throw new Error(r.stderr);
  }
  const lmm = await loadLmm(dir, { ep: 'cpu' });
  try {
    const v = lmm.info.vqa2!;
    const spec = { key: v.keyFrames, motion: v.motionFrames };
    const SEGMENT = 10;
    const score = (start: number) => sampleLmmFrames(clip, spec, { fps: 25, startSec: start, endSec: start + SEGMENT }).then((f) => lmm.scoreLevels(f));
    await score(0); // warm-up
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const t0 = performance.now();
    for (let start = 0; start < 600; start += SEGMENT) {
      await score(start);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const ms = performance.now() - t0;
    return { segments: 600 / SEGMENT, segmentSec: SEGMENT, segmentsPerSec: +((600 / SEGMENT) / (ms / 1000)).toFixed(2), rssStartMB: Math.round(rss0 / 2 ** 20), rssGrowthMB: Math.round((peak - rss0) / 2 ** 20) };
  } finally {
    await lmm.dispose();
  }
}

export async function runLmmBench() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-lmm-bench-'));
  try {
    execFileSync(process.execPath, [path.resolve(__dirname, '../scripts/gen-tiny-models.mjs'), '--out', root], { stdio: 'pipe' });
    const models = [];
    for (const arch of ['vqa2', 'llava_onevision', 'qwen2_vl', 'qwen2_5_vl']) models.push(await benchModel(path.join(root, arch)));
    const clip600s = await rssWhileScoring(path.join(root, 'vqa2'));
    return { provider: 'cpu', reps: REPS, decodeSteps: DECODE_STEPS, models, clip600s };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
