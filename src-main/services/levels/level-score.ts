// Level-token scoring (docs/formats.md §1): turns the five level-word logits or log-probabilities of a
// VQA² scorer into a quality score in [0, 1], the level probabilities and the level word.
import { StudioError } from '../../../src-shared/contract-errors';

/** The five level words, best to worst, in the order every array in this module uses. */
export const LEVELS = ['high', 'good', 'fair', 'poor', 'low'] as const;
export type Level = (typeof LEVELS)[number];
export type LevelProbs = Record<Level, number>;
/** Five weights, aligned with `LEVELS`. */
export type LevelWeights = readonly [number, number, number, number, number];

/** Weights of the released scorers (`model_score_UGC.py`, `model_score_streaming.py`): the default. */
export const RELEASED_LEVEL_WEIGHTS: LevelWeights = Object.freeze([1, 0.75, 0.5, 0.25, 0] as const);
/** Weights of the later revision (`model_score_UGC_video.py`); selectable through settings/manifests. */
export const REVISED_LEVEL_WEIGHTS: LevelWeights = Object.freeze([1, 0.8, 0.6, 0.4, 0.2] as const);
export const DEFAULT_LEVEL_WEIGHTS: LevelWeights = RELEASED_LEVEL_WEIGHTS;

export interface LevelScore {
  /** Σ softmax(l)ᵢ · wᵢ; in [0, 1] for weights in [0, 1]. */
  score: number;
  probs: LevelProbs;
  /** The level word of `score` per the rating lists' bins (see `levelOfScore`), not the arg-max. */
  level: Level;
}

export type LevelScoreErrorCode = 'NO_LEVEL_LOGPROBS' | 'BAD_WEIGHTS' | 'BAD_LOGITS' | 'BAD_SCORE';

/** Typed error so callers (API, CLI exit codes) can branch on `code` instead of parsing messages. */
export class LevelScoreError extends StudioError<LevelScoreErrorCode> {
  constructor(code: LevelScoreErrorCode, message: string) {
    super(code, message);
    this.name = 'LevelScoreError';
  }
}

/**
 * Throws unless `weights` is exactly five finite numbers. Weights come from user settings and model
 * manifests, so a bad value must fail loudly rather than produce a NaN score.
 */
export function validateLevelWeights(weights: ArrayLike<number>): LevelWeights {
  if (weights == null || typeof weights.length !== 'number' || weights.length !== LEVELS.length) {
    throw new LevelScoreError(
      'BAD_WEIGHTS',
      `level weights must be ${LEVELS.length} numbers (for ${LEVELS.join(', ')}); got ${
        weights == null ? String(weights) : `${String(weights.length)} values`
      }`,
    );
  }
  const out: number[] = [];
  for (let i = 0; i < LEVELS.length; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new LevelScoreError(
        'BAD_WEIGHTS',
        `level weight for "${LEVELS[i]}" must be a finite number; got ${String(w)}`,
      );
    }
    out.push(w);
  }
  return out as unknown as LevelWeights;
}

/**
 * Level word of a score, using VQA²'s rating-list bins:
 * [0, 0.2) low, [0.2, 0.4) poor, [0.4, 0.6) fair, [0.6, 0.8) good, [0.8, 1] high.
 * Scores slightly outside [0, 1] (possible with custom weights) clamp to the end bins.
 */
export function levelOfScore(score: number): Level {
  if (typeof score !== 'number' || Number.isNaN(score)) {
    throw new LevelScoreError('BAD_SCORE', `score must be a number; got ${String(score)}`);
  }
  if (score >= 0.8) return 'high';
  if (score >= 0.6) return 'good';
  if (score >= 0.4) return 'fair';
  if (score >= 0.2) return 'poor';
  return 'low';
}

/**
 * Score from the five level logits (order: high, good, fair, poor, low). The softmax runs over the
 * five only (not the vocabulary), shifted by the maximum so large logits cannot overflow.
 * `-Infinity` is allowed for a level (probability 0) as long as one logit is finite.
 */
export function scoreFromLogits(
  logits: ArrayLike<number>,
  weights: ArrayLike<number> = DEFAULT_LEVEL_WEIGHTS,
): LevelScore {
  const w = validateLevelWeights(weights);
  if (logits == null || typeof logits.length !== 'number' || logits.length !== LEVELS.length) {
    throw new LevelScoreError(
      'BAD_LOGITS',
      `expected ${LEVELS.length} level logits (${LEVELS.join(', ')}); got ${logits == null ? String(logits) : logits.length}`,
    );
  }
  const l: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < LEVELS.length; i++) {
    const v = logits[i];
    // +Infinity or NaN would make the softmax undefined; -Infinity is a legitimate "impossible".
    if (typeof v !== 'number' || Number.isNaN(v) || v === Infinity) {
      throw new LevelScoreError(
        'BAD_LOGITS',
        `logit for "${LEVELS[i]}" must be a number below +Infinity; got ${String(v)}`,
      );
    }
    l.push(v);
    if (v > max) max = v;
  }
  if (max === -Infinity) {
    throw new LevelScoreError(
      'BAD_LOGITS',
      'all five level logits are -Infinity; no level has any probability',
    );
  }
  const e = l.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / z);
  const score = p.reduce((acc, pi, i) => acc + pi * (w[i] as number), 0);
  const probs = Object.fromEntries(LEVELS.map((name, i) => [name, p[i] as number])) as LevelProbs;
  return { score, probs, level: levelOfScore(score) };
}

/** Token → log-probability, e.g. an OpenAI-compatible `top_logprobs` list turned into a map. */
export type TokenLogprobs = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

/**
 * Score from token log-probabilities (an API's `top_logprobs` for the answer token).
 *
 * Tokens are matched to level words after trimming and lower-casing, so " Good", "good" and "GOOD"
 * all count as `good`. Several tokens for one level are combined by log-sum-exp (their probability
 * mass adds up). Then the same softmax as `scoreFromLogits` renormalises over the five levels.
 *
 * A level that is absent from the map is treated as probability ~0 (logit -Infinity): top-k lists
 * omit improbable tokens, and the omitted mass is by construction below the smallest listed one.
 * If none of the five levels is present, this throws `NO_LEVEL_LOGPROBS`: the answer did not
 * start with a level word, and inventing a score would be a guess.
 */
export function scoreFromLogprobs(
  logprobs: TokenLogprobs,
  weights: ArrayLike<number> = DEFAULT_LEVEL_WEIGHTS,
): LevelScore {
  const w = validateLevelWeights(weights);
  const entries: Iterable<[string, number]> =
    logprobs instanceof Map
      ? logprobs.entries()
      : Object.entries(logprobs as Record<string, number>);
  const perLevel: number[][] = LEVELS.map(() => []);
  for (const [token, lp] of entries) {
    const idx = (LEVELS as readonly string[]).indexOf(token.trim().toLowerCase());
    if (idx < 0) continue;
    if (typeof lp !== 'number' || Number.isNaN(lp) || lp === Infinity) {
      throw new LevelScoreError(
        'BAD_LOGITS',
        `log-probability of token ${JSON.stringify(token)} must be a number; got ${String(lp)}`,
      );
    }
    perLevel[idx]?.push(lp);
  }
  if (perLevel.every((xs) => xs.length === 0)) {
    const seen = [...(logprobs instanceof Map ? logprobs.keys() : Object.keys(logprobs))].slice(
      0,
      10,
    );
    throw new LevelScoreError(
      'NO_LEVEL_LOGPROBS',
      `none of the level words (${LEVELS.join(', ')}) is among the returned tokens` +
        (seen.length
          ? ` (got: ${seen.map((t) => JSON.stringify(t)).join(', ')})`
          : ' (no tokens returned)'),
    );
  }
  return scoreFromLogits(perLevel.map(logSumExp), w);
}

/** log Σ exp(xᵢ), stable; -Infinity for an empty list (probability 0). */
function logSumExp(xs: readonly number[]): number {
  if (xs.length === 0) return -Infinity;
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((acc, x) => acc + Math.exp(x - m), 0));
}
