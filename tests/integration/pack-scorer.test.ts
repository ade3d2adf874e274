// The built-in pack's scorer overlaps decoding and inference (one segment in flight, the model in a
// worker thread): segments still arrive in order with the same values as one at a time on the
// calling thread, and a cancel leaves nothing running behind the rejected call.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackScorer } from '../../src-main/services/scoring/pack-scorer';
import type { SegmentScore } from '../../src-main/services/scoring/score-store';
import { makeClip } from '../helpers/fixtures';

const PACK = path.resolve(__dirname, '../../resources/models/builtin-nr');
let scorer: PackScorer;
let clip: string;

beforeAll(async () => {
  clip = await makeClip({ source: 'mandelbrot', durationSec: 12, width: 320, height: 240 });
  scorer = await PackScorer.create(PACK, { providers: ['cpu'], threads: 1 });
}, 120_000);
afterAll(async () => {
  await scorer?.release();
});

const video = () => ({ absPath: clip, width: 320, height: 240, fps: 25, durationSec: 12 });

describe('PackScorer', () => {
  it('reports every segment once, in order, and the same values when resumed from a segment', async () => {
    const all: SegmentScore[] = [];
    const r = await scorer.scoreVideo(video(), { onSegment: (s) => all.push(s) });
    expect(all.map((s) => s.idx)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.segmentsComputed).toBe(6);
    // resumed from segment 3: each segment's input is its own frames plus the previous segment's
    // last motion frame, so 4 and 5 are identical to the full run (3 lacks segment 2's frame)
    const tail: SegmentScore[] = [];
    await scorer.scoreVideo(video(), { startSegment: 3, onSegment: (s) => tail.push(s) });
    expect(tail.map((s) => s.idx)).toEqual([3, 4, 5]);
    expect(tail[0]!.score).toBeCloseTo(all[3]!.score, 2);
    for (const s of tail.slice(1)) expect(s.score).toBeCloseTo(all[s.idx]!.score, 6);
  }, 120_000);

  it('stops on cancel with nothing reported after the call has failed', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    let settled = false;
    const run = scorer.scoreVideo(video(), {
      signal: controller.signal,
      onSegment: (s) => {
        expect(settled).toBe(false);
        seen.push(s.idx);
        if (s.idx === 1) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    settled = true;
    await new Promise((r) => setTimeout(r, 500)); // an inference left running would report now
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThan(6);
    expect(seen).toEqual(seen.map((_, i) => i));
  }, 120_000);

  it('gives the same segment values with the model in a worker thread as on the calling thread', async () => {
    const inThread = await PackScorer.create(PACK, {
      providers: ['cpu'],
      threads: 1,
      worker: false,
    });
    try {
      const a: SegmentScore[] = [];
      const b: SegmentScore[] = [];
      await scorer.scoreVideo(video(), { onSegment: (s) => a.push(s) });
      await inThread.scoreVideo(video(), { onSegment: (s) => b.push(s) });
      expect(b.map((s) => s.idx)).toEqual(a.map((s) => s.idx));
      a.forEach((s, i) => {
        const t = b[i]!;
        expect(Math.abs(s.score - t.score)).toBeLessThan(1e-5);
        for (const [k, v] of Object.entries(s.features))
          expect(Math.abs(v - t.features[k]!), k).toBeLessThanOrEqual(
            1e-5 * Math.max(1, Math.abs(v)),
          );
      });
    } finally {
      await inThread.release();
    }
  }, 120_000);
});
