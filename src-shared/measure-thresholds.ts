// Which measurements of a built-in score are abnormal, against fixed, documented thresholds (the
// same ones the pack's head starts penalising at, see resources/models/builtin-nr/README.md). The
// analyst and the score popover explain a score with these, never with "the clip's own maximum":
// a value that is the highest of a clip can still be negligible. Pure and shared by main and the
// renderer (which may not import main code); the scoring module re-exports it.

export interface MeasureThreshold {
  /** Feature key as stored with a score (`brisque`, not `brisque_mean`). */
  key: string;
  /** Plain label for people. */
  label: string;
  /** One line: what the number is and its unit. */
  meaning: string;
  /** Abnormal when the value is above this (all these measures are "higher is worse"). */
  above: number;
  /** The value with its unit. */
  format(v: number): string;
  /** What an abnormal value means, for a sentence ("crushed shadows"). */
  problem: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/**
 * The thresholds. BRISQUE: a predicted LIVE DMOS above 50 is the lower half of LIVE's scale (rated
 * "fair" or worse than the pristine original). The others are where the head's penalties begin.
 */
export const MEASURE_THRESHOLDS: readonly MeasureThreshold[] = [
  {
    key: 'brisque',
    label: 'Naturalness (BRISQUE)',
    meaning: 'predicted difference from a pristine picture, LIVE DMOS 0 (none) … 100',
    above: 50,
    format: (v) => v.toFixed(1),
    problem: 'unnatural picture statistics (blur, noise or compression)',
  },
  {
    key: 'blur',
    label: 'Blur',
    meaning: 'Crété-Roffet blur, 0 sharp … 1 no detail; sharp photos read 0.17–0.41',
    above: 0.45,
    format: (v) => v.toFixed(2),
    problem: 'lost fine detail (blur)',
  },
  {
    key: 'noise',
    label: 'Noise',
    meaning: 'noise standard deviation in grey levels (0–255), from the flattest areas',
    above: 2,
    format: (v) => `${v.toFixed(1)} levels`,
    problem: 'visible noise',
  },
  {
    key: 'freeze',
    label: 'Repeated frames',
    meaning: 'share of frames identical to the previous one, relative to the clip’s own change',
    above: 0.05,
    format: pct,
    problem: 'frozen picture (repeated frames)',
  },
  {
    key: 'clip_dark',
    label: 'Crushed shadows',
    meaning: 'share of pixels clipped to black (grey ≤ 4 of 255)',
    above: 0.05,
    format: pct,
    problem: 'crushed shadows (detail clipped to black)',
  },
  {
    key: 'clip_bright',
    label: 'Blown highlights',
    meaning: 'share of pixels clipped to white (grey ≥ 251 of 255)',
    above: 0.05,
    format: pct,
    problem: 'blown highlights (detail clipped to white)',
  },
  {
    key: 'compression',
    label: 'Compression artefacts',
    meaning:
      'predicted impairment 10 − S, S the Wang–Sheikh–Bovik coding quality 1 … 10 (blocking, lost texture); 0 none',
    above: 1.8,
    format: (v) => v.toFixed(1),
    problem: 'visible coding artefacts (heavy compression)',
  },
  {
    key: 'flicker',
    label: 'Flicker',
    meaning: 'mean frame-to-frame change of brightness, % of full scale',
    above: 0.01,
    format: pct,
    problem: 'brightness flicker',
  },
];

export interface AbnormalMeasure {
  key: string;
  label: string;
  value: number;
  threshold: number;
  problem: string;
  /** "Blur 0.62 (above 0.45: lost fine detail (blur))" */
  text: string;
}

/** The measurements in `features` beyond their threshold, worst (relative to its threshold) first. */
export function abnormalMeasures(features: Record<string, number | undefined>): AbnormalMeasure[] {
  const out: (AbnormalMeasure & { ratio: number })[] = [];
  for (const t of MEASURE_THRESHOLDS) {
    const v = features[t.key];
    if (v === undefined || !Number.isFinite(v) || !(v > t.above)) continue;
    out.push({
      key: t.key,
      label: t.label,
      value: v,
      threshold: t.above,
      problem: t.problem,
      text: `${t.label} ${t.format(v)} (above ${t.format(t.above)}: ${t.problem})`,
      ratio: v / t.above,
    });
  }
  return out.sort((a, b) => b.ratio - a.ratio).map(({ ratio: _r, ...rest }) => rest);
}
