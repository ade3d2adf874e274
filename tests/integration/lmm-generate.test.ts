// Generation with the tiny models: tokens stream as they are produced, the streamed pieces add up
// to the answer, greedy decoding is repeatable, a cancel stops within one token, and calls on one
// model run one at a time.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmmError } from '../../src-main/services/lmm/errors';
import { loadLmm, type LoadedLmm } from '../../src-main/services/lmm/runtime';
import { generateTinyModels, randomFrames } from './lmm-fixture';

let root = '';
beforeAll(() => {
  root = generateTinyModels();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const FRAMES: Record<string, [number, number]> = {
  vqa2: [32, 32],
  llava_onevision: [32, 32],
  qwen2_vl: [16, 16],
  qwen2_5_vl: [16, 16],
};

describe.each(Object.keys(FRAMES))('%s generate', (arch) => {
  let lmm: LoadedLmm;
  beforeAll(async () => {
    lmm = await loadLmm(path.join(root, arch), { ep: 'cpu' });
  });
  afterAll(async () => {
    await lmm.dispose();
  });
  const frames = () => randomFrames(5, 2, ...FRAMES[arch]!);

  it('streams tokens whose concatenation is the answer, the same on a second greedy run', async () => {
    const pieces: string[] = [];
    const a = await lmm.generate({
      history: [],
      question: 'What is the quality?',
      frames: frames(),
      maxNewTokens: 12,
      temperature: 0,
      onToken: (t) => pieces.push(t),
    });
    expect(a.tokens).toBeGreaterThan(0);
    expect(a.tokens).toBeLessThanOrEqual(12);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(a.text);
    const b = await lmm.generate({
      history: [],
      question: 'What is the quality?',
      frames: frames(),
      maxNewTokens: 12,
      temperature: 0,
    });
    expect(b).toEqual(a);
    // earlier turns are part of the prompt
    const c = await lmm.generate({
      history: [
        { role: 'user', text: 'Describe the noise.' },
        { role: 'assistant', text: 'The noise is low.' },
      ],
      question: 'What is the quality?',
      frames: frames(),
      maxNewTokens: 12,
      temperature: 0,
    });
    expect(c.promptTokens).toBeGreaterThan(a.promptTokens + 10);
    // without frames no visual tokens are sent
    const d = await lmm.generate({
      history: [],
      question: 'What is the quality?',
      frames: [],
      maxNewTokens: 2,
      temperature: 0,
    });
    expect(d.promptTokens).toBeLessThan(a.promptTokens);
  });

  it('stops within one token of a cancel and says it was cancelled', async () => {
    const ac = new AbortController();
    const pieces: string[] = [];
    const e = await lmm
      .generate({
        history: [],
        question: 'Describe the video.',
        frames: frames(),
        maxNewTokens: 50,
        temperature: 0,
        signal: ac.signal,
        onToken: (t) => {
          pieces.push(t);
          if (pieces.length === 2) ac.abort();
        },
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(LmmError);
    expect((e as LmmError).code).toBe('MODEL_CANCELLED');
    expect(pieces).toHaveLength(2);
    expect((e as LmmError).partialText).toBe(pieces.join(''));
  });
});

describe('an answer that ends at once', () => {
  it('is the empty string, not an error, when the first token ends the answer', async () => {
    // Every token of the vocabulary ends the answer, so the first one picked does.
    const dir = path.join(root, 'vqa2-eos');
    fs.cpSync(path.join(root, 'vqa2'), dir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      text_config: { vocab_size: number };
    };
    const genFile = path.join(dir, 'generation_config.json');
    const gen = JSON.parse(fs.readFileSync(genFile, 'utf8')) as Record<string, unknown>;
    gen.eos_token_id = Array.from({ length: config.text_config.vocab_size }, (_, i) => i);
    fs.writeFileSync(genFile, JSON.stringify(gen));
    const lmm = await loadLmm(dir, { ep: 'cpu' });
    try {
      const pieces: string[] = [];
      const r = await lmm.generate({
        history: [],
        question: 'What is the quality?',
        frames: randomFrames(5, 2, 32, 32),
        maxNewTokens: 12,
        temperature: 0,
        onToken: (t) => pieces.push(t),
      });
      expect(r).toMatchObject({ text: '', tokens: 0 });
      expect(r.promptTokens).toBeGreaterThan(0);
      expect(pieces).toEqual([]);
    } finally {
      await lmm.dispose();
    }
  });
});

describe('one model, several callers', () => {
  it('runs calls one at a time in arrival order', async () => {
    const lmm = await loadLmm(path.join(root, 'vqa2'), { ep: 'cpu' });
    try {
      const order: string[] = [];
      const key = randomFrames(1, 2, 32, 32);
      const motion = randomFrames(2, 8, 16, 16);
      const first = lmm
        .generate({
          history: [],
          question: 'Hi',
          frames: key,
          maxNewTokens: 6,
          temperature: 0,
          onToken: () => order.push('gen'),
        })
        .then(() => order.push('gen done'));
      const second = lmm
        .scoreLevels({ keyFrames: key, motionFrames: motion })
        .then(() => order.push('score done'));
      expect(lmm.queued).toBe(2);
      await Promise.all([first, second]);
      expect(order.indexOf('gen done')).toBeLessThan(order.indexOf('score done'));
      expect(order.filter((x) => x === 'gen').length).toBeGreaterThan(0);
      expect(lmm.queued).toBe(0);
    } finally {
      await lmm.dispose();
    }
    const e = await lmm
      .scoreLevels({
        keyFrames: randomFrames(1, 1, 32, 32),
        motionFrames: randomFrames(2, 4, 16, 16),
      })
      .catch((err: unknown) => err);
    expect((e as LmmError).code).toBe('MODEL_DISPOSED');
  });
});
