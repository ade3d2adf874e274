// MOS statistics, BT.500 observer screening and Krippendorff's alpha (tests/golden/eval/README.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../src-main/services/evaluation/student-t';
import {
  krippendorffAlphaInterval,
  mosPerVideo,
  screenObservers,
  type Rating,
} from '../../src-main/services/evaluation/subjective';

const ref = JSON.parse(
  readFileSync(path.join(__dirname, '../golden/eval/reference.json'), 'utf8'),
) as {
  tPpf: { p: number; df: number; t: number }[];
  krippendorff: { data: (number | null)[][]; alphaInterval: number; published: number };
};

describe('MOS per video', () => {
  it('t quantiles equal scipy.stats.t.ppf to 1e-9 (relative)', () => {
    for (const r of ref.tPpf)
      expect(Math.abs(studentTQuantile(r.p, r.df) - r.t) / r.t).toBeLessThan(1e-9);
  });

  it('gives mean, sample SD and the t-based 95 % interval', () => {
    const votes = [4, 5, 3, 4, 4].map((rating, i) => ({ videoId: 7, observer: `o${i}`, rating }));
    const [s] = mosPerVideo([...votes, { videoId: 2, observer: 'o1', rating: 2 }].reverse());
    expect(s).toMatchObject({ videoId: 2, n: 1, mean: 2, sd: null, ci95: null });
    const m = mosPerVideo(votes)[0]!;
    expect(m.mean).toBe(4);
    expect(m.sd).toBeCloseTo(Math.sqrt(0.5), 12);
    // 2.7764451051977987 = scipy.stats.t.ppf(0.975, 4)
    const half = (2.7764451051977987 * Math.sqrt(0.5)) / Math.sqrt(5);
    expect(m.ci95![0]).toBeCloseTo(4 - half, 9);
    expect(m.ci95![1]).toBeCloseTo(4 + half, 9);
  });
});

describe('BT.500 observer screening (β2 test)', () => {
  // BT.500 votes on a 0–100 continuous scale: 15 observers spread symmetrically around each video's
  // level (near-normal, 2 ≤ β2 ≤ 4), and one 'contrarian' 25 points off, up on some videos and
  // down on others.
  const base = [70, 62, 55, 48, 40, 33, 66, 51, 44, 58];
  const panel = [-16, -10, -6, -3, -1, 0, 1, 3, 6, 10, 16, -4, 4, -8, 8];
  const ratings: Rating[] = [];
  for (let o = 0; o < panel.length; o++) {
    base.forEach((b, v) =>
      ratings.push({
        videoId: v + 1,
        observer: `obs${String(o).padStart(2, '0')}`,
        rating: b + panel[(o + 3 * v) % panel.length]!,
      }),
    );
  }
  base.forEach((b, v) =>
    ratings.push({ videoId: v + 1, observer: 'contrarian', rating: v % 2 ? b + 25 : b - 25 }),
  );

  it('rejects the observer who votes against the panel on both sides and keeps the others', () => {
    const s = screenObservers(ratings);
    expect(s).toHaveLength(16);
    const rejected = s.filter((o) => o.rejected).map((o) => o.observer);
    expect(rejected).toEqual(['contrarian']);
    const c = s.find((o) => o.observer === 'contrarian')!;
    expect(c.p + c.q).toBeGreaterThan(0.05 * c.rated);
    expect(c.p).toBeGreaterThan(0);
    expect(c.q).toBeGreaterThan(0);
  });

  it('keeps an observer who is only systematically harsher (|P−Q|/(P+Q) ≥ 0.3)', () => {
    const harsh = ratings.filter((r) => r.observer !== 'contrarian');
    base.forEach((b, v) => harsh.push({ videoId: v + 1, observer: 'harsh', rating: b - 25 }));
    const h = screenObservers(harsh).find((o) => o.observer === 'harsh')!;
    expect(h.q).toBeGreaterThan(0);
    expect(h.p).toBe(0);
    expect(h.rejected).toBe(false);
  });
});

describe("Krippendorff's alpha (interval)", () => {
  const toRatings = (data: (number | null)[][]): Rating[] =>
    data.flatMap((row, o) =>
      row.flatMap((v, u) => (v == null ? [] : [{ videoId: u + 1, observer: `o${o}`, rating: v }])),
    );

  it("reproduces Krippendorff's (2011) published example: α = 0.849", () => {
    const a = krippendorffAlphaInterval(toRatings(ref.krippendorff.data))!;
    expect(Math.abs(a - ref.krippendorff.alphaInterval)).toBeLessThan(1e-12);
    expect(a.toFixed(3)).toBe(ref.krippendorff.published.toFixed(3));
  });

  it('is 1 for perfect agreement and null without pairable values', () => {
    expect(
      krippendorffAlphaInterval(
        toRatings([
          [1, 2, 3],
          [1, 2, 3],
        ]),
      ),
    ).toBe(1);
    expect(krippendorffAlphaInterval(toRatings([[1, 2, 3]]))).toBeNull();
  });
});
