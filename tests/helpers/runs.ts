// A model run with given video scores, for tests that need scored videos without scoring them.
import { ScoreStore } from '../../src-main/services/scoring/score-store';

/** Creates a finished-or-not pack run and writes one video score per [videoId, score]. */
export function addScoredRun(
  scores: ScoreStore,
  values: Iterable<readonly [videoId: number, score: number]>,
  opts: { packId?: string; finished?: boolean } = {},
): number {
  const runId = scores.createRun({
    kind: 'pack',
    packId: opts.packId ?? 'test',
    packVersion: '1',
    provider: 'cpu',
    providerNote: null,
    settings: {},
    jobId: null,
  }).id;
  for (const [videoId, score] of values) writeScore(scores, runId, videoId, score);
  if (opts.finished) scores.updateRun(runId, { finished: true });
  return runId;
}

/** One video's score in a run (level "fair", no measurements). */
export function writeScore(scores: ScoreStore, runId: number, videoId: number, score: number) {
  scores.writeVideoResult(
    {
      runId,
      videoId,
      score,
      level: 'fair',
      probs: { high: 0, good: 0, fair: 1, poor: 0, low: 0 },
      features: {},
    },
    [],
  );
}
