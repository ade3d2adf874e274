import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEVEL_WEIGHTS,
  LEVELS,
  LevelScoreError,
  RELEASED_LEVEL_WEIGHTS,
  REVISED_LEVEL_WEIGHTS,
  levelOfScore,
  scoreFromLogits,
  scoreFromLogprobs,
  validateLevelWeights,
} from '../../src-main/services/levels/level-score';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LevelScoreError);
    return (e as LevelScoreError).code;
  }
  return undefined;
}

describe('constants', () => {
  it('levels and weights are the VQA² reference values', () => {
    expect(LEVELS).toEqual(['high', 'good', 'fair', 'poor', 'low']);
    expect(DEFAULT_LEVEL_WEIGHTS).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(RELEASED_LEVEL_WEIGHTS).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(REVISED_LEVEL_WEIGHTS).toEqual([1, 0.8, 0.6, 0.4, 0.2]);
  });
});

describe('scoreFromLogits', () => {
  it('equal logits → uniform probabilities, score 0.5', () => {
    // softmax of five equal numbers = 1/5 each; score = (1 + 0.75 + 0.5 + 0.25 + 0) / 5 = 2.5 / 5 = 0.5.
    const r = scoreFromLogits([3, 3, 3, 3, 3]);
    expect(r.score).toBeCloseTo(0.5, 12);
    for (const l of LEVELS) expect(r.probs[l]).toBeCloseTo(0.2, 12);
    expect(r.level).toBe('fair');
    // Revised weights: (1 + 0.8 + 0.6 + 0.4 + 0.2) / 5 = 3.0 / 5 = 0.6 → "good" (0.6 is the lower edge).
    expect(scoreFromLogits([0, 0, 0, 0, 0], REVISED_LEVEL_WEIGHTS).score).toBeCloseTo(0.6, 12);
  });

  it('logits [2, 1, 0, -1, -2] by hand', () => {
    // exp: e² = 7.389056, e¹ = 2.718282, e⁰ = 1, e⁻¹ = 0.367879, e⁻² = 0.135335; sum Z = 11.610553.
    // p = [0.636409, 0.234122, 0.086129, 0.031685, 0.011656].
    // score = 0.636409·1 + 0.234122·0.75 + 0.086129·0.5 + 0.031685·0.25 + 0.011656·0
    //       = 0.636409 + 0.175592 + 0.043064 + 0.007921 = 0.862985 → "high".
    const r = scoreFromLogits([2, 1, 0, -1, -2]);
    expect(r.probs.high).toBeCloseTo(0.636409, 6);
    expect(r.probs.good).toBeCloseTo(0.234122, 6);
    expect(r.probs.fair).toBeCloseTo(0.086129, 6);
    expect(r.probs.poor).toBeCloseTo(0.031685, 6);
    expect(r.probs.low).toBeCloseTo(0.011656, 6);
    expect(r.score).toBeCloseTo(0.862985, 6);
    expect(r.level).toBe('high');
    // Revised weights are 0.2 + 0.8·released, and probabilities sum to 1, so
    // score' = 0.2 + 0.8 · 0.862985 = 0.890388.
    expect(scoreFromLogits([2, 1, 0, -1, -2], REVISED_LEVEL_WEIGHTS).score).toBeCloseTo(
      0.890388,
      6,
    );
  });

  it('is shift-invariant and stable for huge logits', () => {
    // Softmax(l + c) = softmax(l); a naive exp(1000) would overflow to Infinity → NaN.
    const a = scoreFromLogits([2, 1, 0, -1, -2]);
    const b = scoreFromLogits([1002, 1001, 1000, 999, 998]);
    const c = scoreFromLogits([-998, -999, -1000, -1001, -1002]);
    expect(b.score).toBeCloseTo(a.score, 12);
    expect(c.score).toBeCloseTo(a.score, 12);
  });

  it('one dominant level gives its weight; -Infinity means probability 0', () => {
    expect(scoreFromLogits([-Infinity, -Infinity, -Infinity, 0, -Infinity]).score).toBe(0.25);
    // Only "good" possible → score 0.75 → "good".
    expect(scoreFromLogits([-Infinity, 5, -Infinity, -Infinity, -Infinity]).level).toBe('good');
    expect(scoreFromLogits(new Float32Array([0, 0, 0, 0, 100])).score).toBeCloseTo(0, 12);
  });

  it('accepts typed arrays (ONNX outputs)', () => {
    const r = scoreFromLogits(new Float32Array([2, 1, 0, -1, -2]));
    expect(r.score).toBeCloseTo(0.862985, 6);
  });

  it('rejects malformed logits', () => {
    expect(codeOf(() => scoreFromLogits([1, 2, 3, 4]))).toBe('BAD_LOGITS');
    expect(codeOf(() => scoreFromLogits([1, 2, 3, 4, 5, 6]))).toBe('BAD_LOGITS');
    expect(codeOf(() => scoreFromLogits([1, NaN, 3, 4, 5]))).toBe('BAD_LOGITS');
    expect(codeOf(() => scoreFromLogits([1, Infinity, 3, 4, 5]))).toBe('BAD_LOGITS');
    expect(
      codeOf(() => scoreFromLogits([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity])),
    ).toBe('BAD_LOGITS');
  });
});

describe('scoreFromLogprobs', () => {
  it('equals the logit path (softmax renormalises over the five)', () => {
    // Log-probs are logits minus a common log-partition over the whole vocabulary, so the
    // five-way softmax is identical. Build them from [2,1,0,-1,-2] minus log Z_vocab with
    // Z_vocab chosen larger than the five-level mass (other tokens exist).
    const logZ = Math.log(20);
    const lp = {
      high: 2 - logZ,
      good: 1 - logZ,
      fair: 0 - logZ,
      poor: -1 - logZ,
      low: -2 - logZ,
      The: -0.5,
    };
    const a = scoreFromLogits([2, 1, 0, -1, -2]);
    const b = scoreFromLogprobs(lp);
    expect(b.score).toBeCloseTo(a.score, 12);
    for (const l of LEVELS) expect(b.probs[l]).toBeCloseTo(a.probs[l], 12);
    expect(b.level).toBe(a.level);
    expect(scoreFromLogprobs(lp, REVISED_LEVEL_WEIGHTS).score).toBeCloseTo(0.890388, 6);
  });

  it('matches tokens after trim and lower-case, and accepts a Map', () => {
    const m = new Map<string, number>([
      [' High', Math.log(0.1)],
      ['GOOD', Math.log(0.3)],
      ['fair ', Math.log(0.3)],
      ['\tpoor', Math.log(0.2)],
      [' low', Math.log(0.1)],
      ['excellent', Math.log(0.9)], // not a level word: ignored
    ]);
    // p = [0.1, 0.3, 0.3, 0.2, 0.1] (already sums to 1):
    // score = 0.1 + 0.225 + 0.15 + 0.05 + 0 = 0.525 → "fair".
    const r = scoreFromLogprobs(m);
    expect(r.probs.high).toBeCloseTo(0.1, 12);
    expect(r.probs.good).toBeCloseTo(0.3, 12);
    expect(r.score).toBeCloseTo(0.525, 12);
    expect(r.level).toBe('fair');
  });

  it('combines several tokens of one level by log-sum-exp', () => {
    // " good" 0.2 + "Good" 0.2 → good mass 0.4; high 0.4, fair 0.2.
    // Normalised over 1.0: p = [0.4, 0.4, 0.2, 0, 0]; score = 0.4 + 0.3 + 0.1 = 0.8 → "high".
    const r = scoreFromLogprobs({
      ' high': Math.log(0.4),
      ' good': Math.log(0.2),
      Good: Math.log(0.2),
      fair: Math.log(0.2),
    });
    expect(r.probs.good).toBeCloseTo(0.4, 12);
    expect(r.probs.high).toBeCloseTo(0.4, 12);
    expect(r.probs.poor).toBe(0);
    expect(r.probs.low).toBe(0);
    expect(r.score).toBeCloseTo(0.8, 12);
  });

  it('treats missing levels as probability ~0 and renormalises the rest', () => {
    // Only good (0.3) and poor (0.1) present: p = [0, 0.75, 0, 0.25, 0];
    // score = 0.75·0.75 + 0.25·0.25 = 0.5625 + 0.0625 = 0.625 → "good".
    const r = scoreFromLogprobs({ good: Math.log(0.3), poor: Math.log(0.1), '.': -0.1 });
    expect(r.probs.good).toBeCloseTo(0.75, 12);
    expect(r.probs.poor).toBeCloseTo(0.25, 12);
    expect(r.probs.high).toBe(0);
    expect(r.score).toBeCloseTo(0.625, 12);
    expect(r.level).toBe('good');
  });

  it('throws NO_LEVEL_LOGPROBS when no level word is present (never guesses)', () => {
    expect(codeOf(() => scoreFromLogprobs({ excellent: -0.1, The: -2, ' bad': -3 }))).toBe(
      'NO_LEVEL_LOGPROBS',
    );
    expect(codeOf(() => scoreFromLogprobs({}))).toBe('NO_LEVEL_LOGPROBS');
    expect(codeOf(() => scoreFromLogprobs(new Map()))).toBe('NO_LEVEL_LOGPROBS');
    // Substrings of level words are not level words.
    expect(codeOf(() => scoreFromLogprobs({ hi: -0.1, go: -1, goodness: -2 }))).toBe(
      'NO_LEVEL_LOGPROBS',
    );
    try {
      scoreFromLogprobs({ excellent: -0.1 });
    } catch (e) {
      expect((e as Error).message).toMatch(/excellent/);
    }
  });
});

describe('weights validation', () => {
  it('accepts five finite numbers', () => {
    expect(validateLevelWeights([5, 4, 3, 2, 1])).toEqual([5, 4, 3, 2, 1]);
    // Custom weights flow through: probabilities uniform → mean of the weights = 3.
    expect(scoreFromLogits([0, 0, 0, 0, 0], [5, 4, 3, 2, 1]).score).toBeCloseTo(3, 12);
  });

  it('rejects wrong length or non-finite entries', () => {
    expect(codeOf(() => validateLevelWeights([1, 0.75, 0.5, 0.25]))).toBe('BAD_WEIGHTS');
    expect(codeOf(() => validateLevelWeights([1, 0.75, 0.5, 0.25, 0, 0]))).toBe('BAD_WEIGHTS');
    expect(codeOf(() => validateLevelWeights([1, 0.75, NaN, 0.25, 0]))).toBe('BAD_WEIGHTS');
    expect(codeOf(() => validateLevelWeights([1, Infinity, 0.5, 0.25, 0]))).toBe('BAD_WEIGHTS');
    expect(
      codeOf(() => validateLevelWeights([1, '0.75', 0.5, 0.25, 0] as unknown as number[])),
    ).toBe('BAD_WEIGHTS');
    expect(codeOf(() => scoreFromLogits([0, 0, 0, 0, 0], [1, 2]))).toBe('BAD_WEIGHTS');
    expect(codeOf(() => scoreFromLogprobs({ good: 0 }, [1, 2, 3]))).toBe('BAD_WEIGHTS');
  });
});

describe('levelOfScore', () => {
  it('follows the rating-list bins, lower edge inclusive', () => {
    expect(levelOfScore(0)).toBe('low');
    expect(levelOfScore(0.1999999)).toBe('low');
    expect(levelOfScore(0.2)).toBe('poor');
    expect(levelOfScore(0.3999999)).toBe('poor');
    expect(levelOfScore(0.4)).toBe('fair');
    expect(levelOfScore(0.5999999)).toBe('fair');
    expect(levelOfScore(0.6)).toBe('good');
    expect(levelOfScore(0.7999999)).toBe('good');
    expect(levelOfScore(0.8)).toBe('high');
    expect(levelOfScore(1)).toBe('high');
  });

  it('clamps out-of-range scores to the end bins and rejects NaN', () => {
    expect(levelOfScore(-0.1)).toBe('low');
    expect(levelOfScore(1.2)).toBe('high');
    expect(codeOf(() => levelOfScore(NaN))).toBe('BAD_SCORE');
  });
});
