import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobProgress } from '../../src-shared/contract';
import {
  isJobActive,
  jobPercent,
  mergeJobList,
  mergeJobProgress,
  progressKey,
  scorerName,
  scorerNote,
} from '../../src-renderer/src/features/jobs/logic/jobs';
import {
  formatSpan,
  levelBars,
  measurementRows,
  scoreExplanation,
} from '../../src-renderer/src/features/scoring/logic/score-details';
import {
  SparklineCache,
  sparklinePath,
  sparklinePoints,
  sparklineTitle,
} from '../../src-renderer/src/common/scores/sparkline';

function job(over: Partial<JobProgress> = {}): JobProgress {
  return {
    jobId: 'j1',
    runId: 1,
    status: 'running',
    scorer: 'builtin-nr',
    provider: 'cpu',
    providerNote: null,
    segmentsDone: 0,
    segmentsTotal: 10,
    videosDone: 0,
    videosFailed: 0,
    videosTotal: 3,
    etaSec: null,
    current: null,
    errors: [],
    ...over,
  };
}

describe('sparkline geometry', () => {
  it('puts scores on the absolute 0–1 scale, left to right, inside the padding', () => {
    const pts = sparklinePoints([0, 0.5, 1], 64, 18, 2);
    expect(pts).toEqual([
      { x: 2, y: 16, value: 0 },
      { x: 32, y: 9, value: 0.5 },
      { x: 62, y: 2, value: 1 },
    ]);
    expect(sparklinePath(pts)).toBe('M2 16 L32 9 L62 2');
  });

  it('draws one value as a flat line and clamps odd values', () => {
    expect(sparklinePoints([0.75], 64, 18, 2).map((p) => [p.x, p.y])).toEqual([
      [2, 5.5],
      [62, 5.5],
    ]);
    expect(sparklinePoints([2, -1, Number.NaN], 10, 10, 0).map((p) => p.value)).toEqual([1, 0, 0]);
    expect(sparklinePoints([], 64, 18)).toEqual([]);
  });

  it('titles the line with the segment score range ×100', () => {
    expect(sparklineTitle([0.412, 0.789, 0.5])).toBe('segment scores 41.2–78.9 (3 segments)');
    expect(sparklineTitle([0.5])).toBe('segment scores 50.0–50.0 (1 segment)');
    expect(sparklineTitle([])).toBe('no segment scores');
  });
});

describe('SparklineCache', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(
    answer: (ids: number[]) => Record<number, number[]> = (ids) =>
      Object.fromEntries(ids.map((id) => [id, [id / 10]])),
  ) {
    const calls: number[][] = [];
    const onChange = vi.fn();
    const onError = vi.fn();
    const cache = new SparklineCache(
      async (ids) => {
        calls.push(ids);
        return answer(ids);
      },
      onChange,
      onError,
      2,
    );
    return { cache, calls, onChange, onError };
  }

  it('batches the ids asked for in one tick, in chunks of the batch size', async () => {
    const { cache, calls, onChange } = setup();
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(3)).toBeUndefined();
    cache.get(1); // asked twice: still one request for it
    expect(calls).toEqual([]);
    await vi.runAllTimersAsync();
    expect(calls).toEqual([[1, 2], [3]]);
    expect(onChange).toHaveBeenCalled();
    expect(cache.get(1)).toEqual([0.1]);
    expect(cache.get(3)).toEqual([0.3]);
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(2); // cached: no refetch
  });

  it('remembers "no segments" as [] rather than asking again', async () => {
    const { cache, calls } = setup(() => ({}));
    cache.get(7);
    await vi.runAllTimersAsync();
    expect(cache.get(7)).toEqual([]);
    await vi.runAllTimersAsync();
    expect(calls).toEqual([[7]]);
  });

  it('keeps old values on invalidate() and refetches them when asked again', async () => {
    let factor = 10;
    const { cache, calls, onChange } = setup((ids) =>
      Object.fromEntries(ids.map((id) => [id, [id / factor]])),
    );
    cache.get(5);
    await vi.runAllTimersAsync();
    factor = 100;
    onChange.mockClear();
    cache.invalidate();
    expect(onChange).toHaveBeenCalledTimes(1); // so the table re-renders and asks again
    expect(cache.get(5)).toEqual([0.5]); // still shown
    await vi.runAllTimersAsync();
    expect(calls).toEqual([[5], [5]]);
    expect(cache.get(5)).toEqual([0.05]);
  });

  it('does not retry a failing call on every render', async () => {
    const calls: number[][] = [];
    const onError = vi.fn();
    const cache = new SparklineCache(
      async (ids) => {
        calls.push(ids);
        throw new Error('boom');
      },
      () => undefined,
      onError,
    );
    cache.get(1);
    await vi.runAllTimersAsync();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(cache.get(1)).toEqual([]);
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
  });

  it('sends nothing after dispose() and resumes after start()', async () => {
    const { cache, calls } = setup();
    cache.get(1);
    cache.dispose();
    await vi.runAllTimersAsync();
    expect(calls).toEqual([]);
    cache.start();
    await vi.runAllTimersAsync();
    expect(calls).toEqual([[1]]);
  });
});

describe('jobs helpers', () => {
  it('knows active jobs and their percentage', () => {
    expect(isJobActive(job({ status: 'queued' }))).toBe(true);
    expect(isJobActive(job({ status: 'cancelled' }))).toBe(false);
    expect(jobPercent(job({ segmentsDone: 3, segmentsTotal: 8 }))).toBe(37);
    expect(jobPercent(job({ segmentsTotal: 0 }))).toBe(0);
    expect(jobPercent(job({ status: 'done', segmentsDone: 0, segmentsTotal: 0 }))).toBe(100);
  });

  it('puts a new job on top and updates a known one in place', () => {
    const a = job({ jobId: 'a' });
    const b = job({ jobId: 'b' });
    const list = mergeJobProgress([a], b);
    expect(list.map((j) => j.jobId)).toEqual(['b', 'a']);
    const updated = mergeJobProgress(list, job({ jobId: 'a', segmentsDone: 5 }));
    expect(updated.map((j) => [j.jobId, j.segmentsDone])).toEqual([
      ['b', 0],
      ['a', 5],
    ]);
  });

  it('merges a late jobs.list answer without losing newer event data', () => {
    const live = job({ jobId: 'a', segmentsDone: 6 });
    const startedByEvent = job({ jobId: 'new', status: 'queued' });
    const merged = mergeJobList(
      [startedByEvent, live],
      [job({ jobId: 'a', segmentsDone: 2 }), job({ jobId: 'old', status: 'done' })],
    );
    expect(merged.map((j) => [j.jobId, j.segmentsDone])).toEqual([
      ['new', 0],
      ['a', 6],
      ['old', 0],
    ]);
  });

  it('lets a finished status from the list win, keeping live details it lacks', () => {
    const live = job({
      jobId: 'a',
      segmentsDone: 9,
      providerNote: 'cuda unavailable',
      errors: [{ videoId: 3, name: 'x.avi', error: 'bad' }],
    });
    const [merged] = mergeJobList(
      [live],
      [
        job({
          jobId: 'a',
          status: 'done',
          provider: null,
          segmentsDone: 0,
          errors: [{ videoId: 3, name: '#3', error: 'bad' }],
        }),
      ],
    );
    expect(merged!.status).toBe('done');
    expect(merged!.provider).toBe('cpu');
    expect(merged!.providerNote).toBe('cuda unavailable');
    expect(merged!.segmentsDone).toBe(9);
    expect(merged!.errors[0]!.name).toBe('x.avi');
  });

  it('names scorers and says honestly what the built-in one is', () => {
    const scorers = [
      {
        id: 'builtin-nr',
        name: 'Built-in',
        kind: 'pack' as const,
        version: '1',
        description: '',
        segmentSec: 2,
        providers: ['cpu'],
      },
    ];
    expect(scorerName('builtin-nr', scorers)).toBe('Built-in');
    expect(scorerName('other', scorers)).toBe('other');
    expect(scorerName('lmm:Tiny VQA² scorer', scorers)).toBe('Tiny VQA² scorer · in-process model');
    expect(scorerNote({ id: 'builtin-nr', kind: 'pack' })).toBe(
      'classical baseline (BRISQUE + temporal), not the VQA² LMM',
    );
    expect(scorerNote({ id: 'p1203-mode0', kind: 'streaming' })).toMatch(/P\.1203/);
    expect(scorerNote({ id: 'my-pack', kind: 'pack' })).toBeNull();
  });

  it('changes its progress key only while jobs are active', () => {
    expect(progressKey([job({ status: 'done' })])).toBe('');
    const k1 = progressKey([job({ segmentsDone: 1 })]);
    expect(progressKey([job({ segmentsDone: 2 })])).not.toBe(k1);
  });
});

describe('score detail helpers', () => {
  it('lists known measurements first, in order, with units; others after by name', () => {
    const rows = measurementRows({
      zeta: 2,
      noise: 1.234,
      brisque: 40.06,
      freeze: 0.25,
      nan: Number.NaN,
    });
    expect(rows.map((r) => [r.label, r.value, r.abnormal])).toEqual([
      ['Naturalness (BRISQUE)', '40.1', false],
      ['Noise', '1.2 levels', false],
      ['Repeated frames', '25.0 %', true],
      ['zeta', '2', false],
    ]);
    expect(rows[0]!.hint).toMatch(/DMOS 0 \(none\) … 100/);
  });

  it('plain labels with units and a one-line meaning; no jargon', () => {
    const rows = measurementRows({
      quality: 0.61,
      motion: 0.007,
      luma: 0.4,
      contrast: 0.2,
      clip_dark: 0.3,
    });
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.motion).toMatchObject({
      label: 'Motion',
      value: '0.70 %',
      hint: 'mean frame difference, % of full scale',
    });
    expect(byKey.quality!.label).toBe('Quality estimate');
    expect(rows.map((r) => r.label).join(' ')).not.toMatch(/Head q|_/);
    expect(byKey.clip_dark).toMatchObject({
      label: 'Crushed shadows',
      value: '30.0 %',
      abnormal: true,
    });
    for (const r of rows) expect(r.hint.length).toBeGreaterThan(10);
  });

  it('explains a score by abnormal measurements only, and says when nothing is abnormal', () => {
    expect(scoreExplanation({ brisque: 30, blur: 0.3, noise: 0.5, freeze: 0.02 })).toMatch(
      /^Nothing abnormal measured/,
    );
    expect(scoreExplanation({ brisque: 30, blur: 0.7, noise: 0.5, freeze: 0.5 })).toBe(
      'Lowered by: frozen picture (repeated frames); lost fine detail (blur).',
    );
    expect(scoreExplanation({ O46: 3.2 })).toBeNull();
  });

  it('gives five level bars best first, clamped', () => {
    expect(levelBars({ high: 0.1, good: 0.2, fair: 0.3, poor: 0.4, low: 1.2 })).toEqual([
      { level: 'high', p: 0.1 },
      { level: 'good', p: 0.2 },
      { level: 'fair', p: 0.3 },
      { level: 'poor', p: 0.4 },
      { level: 'low', p: 1 },
    ]);
    expect(levelBars(null).every((b) => b.p === 0)).toBe(true);
  });

  it('formats event spans', () => {
    expect(formatSpan(1, 3.5)).toBe('0:01.0–0:03.5');
  });
});
