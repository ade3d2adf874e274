// The explanation rule: a measurement explains a score only when it is beyond its documented
// threshold, not because it is the largest of a clip; when nothing is beyond, nothing is blamed.
import { describe, expect, it } from 'vitest';
import { abnormalMeasures, MEASURE_THRESHOLDS } from '../../src-main/services/scoring/abnormal';
import { analystAnswer } from '../../src-main/services/assistant/analyst';
import type { VideoFacts } from '../../src-main/services/assistant/facts';

const calm = {
  brisque: 24,
  blur: 0.3,
  noise: 0.6,
  freeze: 0.01,
  clip_dark: 0.01,
  clip_bright: 0,
  flicker: 0.002,
  motion: 0.004,
};

describe('abnormalMeasures', () => {
  it('blames nothing when every measurement is within its threshold, however small the others', () => {
    expect(abnormalMeasures(calm)).toEqual([]);
  });

  it('names exactly the measurements beyond their thresholds, worst relative to its threshold first', () => {
    const ab = abnormalMeasures({ ...calm, blur: 0.6, clip_dark: 0.4 });
    expect(ab.map((a) => a.key)).toEqual(['clip_dark', 'blur']);
    expect(ab[0]!.text).toMatch(/Crushed shadows 40\.0 % \(above 5\.0 %/);
    expect(ab[1]!.threshold).toBe(0.45);
  });

  it('names coding artefacts once the predicted impairment leaves the top fifth of its scale', () => {
    expect(abnormalMeasures({ ...calm, compression: 1.2 })).toEqual([]);
    const ab = abnormalMeasures({ ...calm, compression: 3.1 });
    expect(ab.map((a) => a.key)).toEqual(['compression']);
    expect(ab[0]!.text).toMatch(
      /Compression artefacts 3\.1 \(above 1\.8: visible coding artefacts/,
    );
  });

  it('a value exactly at the threshold is not abnormal; missing or non-finite values are ignored', () => {
    const at = Object.fromEntries(MEASURE_THRESHOLDS.map((t) => [t.key, t.above]));
    expect(abnormalMeasures(at)).toEqual([]);
    expect(abnormalMeasures({ blur: Number.NaN, noise: undefined })).toEqual([]);
  });

  it('every threshold has a plain label, a one-line meaning with its scale, and a unit-bearing format', () => {
    for (const t of MEASURE_THRESHOLDS) {
      expect(t.label).not.toMatch(/_/);
      expect(t.meaning.length).toBeGreaterThan(10);
      expect(t.format(t.above)).toMatch(/\d/);
    }
  });
});

describe('the analyst explains with the threshold rule', () => {
  const seg = (idx: number, score: number, features: Record<string, number>) => ({
    idx,
    startSec: idx * 2,
    endSec: idx * 2 + 2,
    score,
    probs: { high: 0.1, good: 0.6, fair: 0.2, poor: 0.05, low: 0.05 },
    features,
  });
  const facts = (segments: ReturnType<typeof seg>[]): VideoFacts => ({
    videoId: 1,
    durationSec: 4,
    run: { id: 1, kind: 'pack', packId: 'builtin-nr' },
    score: 0.7,
    level: 'good',
    probs: segments[0]!.probs,
    features: {},
    segments,
    events: [],
    annotations: [],
  });

  it('says nothing is abnormal instead of naming the clip maximum', () => {
    const text = analystAnswer(
      facts([seg(0, 0.72, calm), seg(1, 0.7, { ...calm, freeze: 0.03 })]),
      'How good is this video?',
    );
    expect(text).toMatch(/no measurement is beyond its threshold/);
    expect(text).not.toMatch(/highest of the video/);
    expect(text).not.toMatch(/Repeated frames/);
  });

  it('names an abnormal measurement with its threshold', () => {
    const text = analystAnswer(
      facts([seg(0, 0.72, calm), seg(1, 0.3, { ...calm, freeze: 0.5 })]),
      'How good is this video?',
    );
    expect(text).toMatch(/Repeated frames 0\.5 \(threshold 0\.05: frozen picture/);
  });

  it('lists distortions against thresholds and says when none is beyond', () => {
    const text = analystAnswer(
      facts([seg(0, 0.72, calm), seg(1, 0.7, calm)]),
      'Which distortions are there?',
    );
    expect(text).toMatch(/Blur: within normal everywhere \(threshold 0\.45\)/);
    expect(text).toMatch(/No measurement is beyond its threshold anywhere/);
  });
});
