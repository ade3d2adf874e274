// The ONNX graphs and the runtime's input assembly against an independent NumPy forward pass of the
// same tiny models: same token ids, same Qwen multimodal position ids, same last-position logits,
// and a prefill followed by cached decode steps equal to recomputing the whole sequence.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFolder, type LmmArch } from '../../src-main/services/lmm/folder';
import { prepareInput, scoringPrompt } from '../../src-main/services/lmm/prompt';
import { loadLmm } from '../../src-main/services/lmm/runtime';
import { createSessions, DecoderLoop } from '../../src-main/services/lmm/sessions';
import { DEFAULT_ANSWER_PREFIX, loadTokenizer } from '../../src-main/services/lmm/tokenizer';
import { generateTinyModels, maxAbsDiff, randomFrames, runReference } from './lmm-fixture';

let root = '';
beforeAll(() => {
  root = generateTinyModels();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const CASES: {
  arch: LmmArch;
  key: [number, number, number];
  motion: [number, number, number] | null;
}[] = [
  { arch: 'vqa2', key: [3, 32, 32], motion: [8, 16, 16] },
  { arch: 'llava_onevision', key: [3, 32, 32], motion: null },
  { arch: 'qwen2_vl', key: [3, 16, 16], motion: null },
  { arch: 'qwen2_5_vl', key: [4, 16, 16], motion: null },
];

const SYSTEM = '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n';

describe.each(CASES)('$arch against the NumPy reference', ({ arch, key, motion }) => {
  it('gives the same ids, positions and last-position logits, and cached decoding equals full recomputation', async () => {
    const dir = path.join(root, arch);
    const info = await inspectModelFolder(dir);
    expect(info.arch).toBe(arch);
    const tok = loadTokenizer(dir);
    const pre = JSON.parse(
      fs.readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8'),
    ) as Record<string, unknown>;
    const sessions = await createSessions(info, 'cpu');
    const loop = new DecoderLoop(info, sessions);
    const prefix = info.vqa2?.answerPrefix ?? DEFAULT_ANSWER_PREFIX;
    const text = tok.chatPrompt([{ role: 'user', content: scoringPrompt(info) }]) + prefix;
    // The chat template renders the ChatML turns written out by hand here.
    expect(text).toBe(
      `${SYSTEM}<|im_start|>user\n${scoringPrompt(info)}<|im_end|>\n<|im_start|>assistant\n${prefix}`,
    );
    const keyFrames = randomFrames(11, ...key);
    const motionFrames = motion ? randomFrames(12, ...motion) : [];
    const prepared = await prepareInput(info, pre, tok, loop, text, { keyFrames, motionFrames });

    let { logits, cache } = await loop.prefill(prepared.embeds, prepared.positions, prepared.mrope);
    const steps = [Float32Array.from(logits)];
    const generated: number[] = [];
    let position = prepared.nextPosition;
    for (let n = 0; n < 4; n++) {
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
      generated.push(best);
      const pos = prepared.mrope
        ? BigInt64Array.from([position, position, position], (x) => BigInt(x))
        : BigInt64Array.from([BigInt(position)]);
      position++;
      ({ logits, cache } = await loop.step(
        await loop.embed([best]),
        1,
        pos,
        prepared.mrope,
        cache,
        1,
      ));
      steps.push(Float32Array.from(logits));
    }
    expect(cache.length).toBe(prepared.ids.length + 4);

    const ref = runReference(dir, text, keyFrames, motion ? motionFrames : null, generated);
    expect(ref.ids).toEqual([...prepared.ids, ...generated]);
    if (prepared.mrope) {
      const s = prepared.ids.length;
      const ours = [0, 1, 2].map((r) =>
        Array.from(prepared.positions.subarray(r * s, (r + 1) * s), Number),
      );
      expect(ours).toEqual(ref.positionIds.map((row) => row.slice(0, s)));
      // the video block really has distinct t/h/w rows
      expect(ours[0]).not.toEqual(ours[1]);
    }
    expect(ref.logits).toHaveLength(steps.length);
    steps.forEach((row, i) => expect(maxAbsDiff(row, ref.logits[i]!)).toBeLessThan(1e-4));
    // the logits are not degenerate: the five level words do not all tie
    const levels = info.levelTokenIds.map((id) => steps[0]![id]!);
    expect(Math.max(...levels) - Math.min(...levels)).toBeGreaterThan(1e-3);
    await Promise.all([
      sessions.vision_encoder.release(),
      sessions.embed_tokens.release(),
      sessions.decoder_model_merged.release(),
    ]);
  });

  it('scoreLevels returns the reference level logits, identical when scoring the same frames twice', async () => {
    const dir = path.join(root, arch);
    const lmm = await loadLmm(dir, { ep: 'cpu' });
    try {
      const keyFrames = randomFrames(21, ...key);
      const motionFrames = motion ? randomFrames(22, ...motion) : [];
      const a = await lmm.scoreLevels({ keyFrames, motionFrames });
      const b = await lmm.scoreLevels({ keyFrames, motionFrames });
      expect(b.levelLogits).toEqual(a.levelLogits);
      expect(a.levelLogits).toHaveLength(5);
      const ref = runReference(dir, a.prompt, keyFrames, motion ? motionFrames : null);
      expect(a.promptTokens).toBe(ref.ids.length);
      const refLevels = lmm.info.levelTokenIds.map((id) => ref.logits[0]![id]!);
      expect(maxAbsDiff(a.levelLogits, refLevels)).toBeLessThan(1e-4);
      expect(a.weights).toEqual(
        arch === 'vqa2' ? lmm.info.vqa2!.levelWeights : [1, 0.75, 0.5, 0.25, 0],
      );
      // different frames give different logits: the vision path reaches the decoder
      const c = await lmm.scoreLevels({ keyFrames: randomFrames(23, ...key), motionFrames });
      expect(maxAbsDiff(c.levelLogits, a.levelLogits)).toBeGreaterThan(1e-6);
    } finally {
      await lmm.dispose();
    }
  });
});
