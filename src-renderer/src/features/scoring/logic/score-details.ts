// Labels and formatting of a scored video's measurements for the score detail popover. Pure.
import type { LevelName, LevelProbs } from '../../../../../src-shared/contract';
import { formatDuration } from '../../../common/format';
import { LEVELS } from '../../../common/scores/score-colors';
import { abnormalMeasures, MEASURE_THRESHOLDS } from '../../../../../src-shared/measure-thresholds';

export interface Measurement {
  key: string;
  label: string;
  /** The value with its unit. */
  value: string;
  /** One line: what the number means (scale, unit). */
  hint: string;
  /** Beyond its documented threshold (only the measures that have one). */
  abnormal: boolean;
}

interface Known {
  label: string;
  format(v: number): string;
  hint: string;
  /** Abnormal above this (documented threshold), if the measure has one. */
  above?: number;
}

const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const percent = (v: number) => `${(v * 100).toFixed(1)} %`;
const fullScale = (v: number) => `${(v * 100).toFixed(2)} %`;

const fromThresholds: Record<string, Known> = Object.fromEntries(
  MEASURE_THRESHOLDS.map((t) => [
    t.key,
    { label: t.label, format: t.format, hint: t.meaning, above: t.above },
  ]),
);

// Order = display order: the measures a quality engineer looks at first come first.
// Scales from the built-in pack's manifest (segment.onnx "measures") and P.1203.
const KNOWN: Record<string, Known> = {
  ...fromThresholds,
  motion: { label: 'Motion', format: fullScale, hint: 'mean frame difference, % of full scale' },
  luma: {
    label: 'Brightness',
    format: percent,
    hint: 'mean grey level, % of full scale (dark scenes are fine)',
  },
  contrast: {
    label: 'Contrast',
    format: percent,
    hint: 'grey standard deviation within a frame, % of full scale',
  },
  minSegmentScore: {
    label: 'Worst segment',
    format: (v) => (v * 100).toFixed(1),
    hint: 'lowest segment score, 0–100',
  },
  quality: {
    label: 'Quality estimate',
    format: (v) => (v * 100).toFixed(1),
    hint: 'the scorer’s quality before it is spread over the five levels, 0–100',
  },
  O46: { label: 'O.46 session', format: fixed(2), hint: 'P.1203 session MOS, 1 … 5' },
  O35: { label: 'O.35 video', format: fixed(2), hint: 'P.1203 audiovisual quality, 1 … 5' },
  O23: { label: 'O.23 stalling', format: fixed(2), hint: 'P.1203 stalling quality, 1 … 5' },
  stalls: { label: 'Stalls', format: (v) => String(Math.round(v)), hint: 'frozen spans detected' },
  stallSec: { label: 'Stall time', format: (v) => `${v.toFixed(1)} s`, hint: 'total frozen time' },
};

/** Known measurements first in a fixed order, then any others by name. */
export function measurementRows(features: Record<string, number>): Measurement[] {
  const rows: Measurement[] = [];
  for (const [key, k] of Object.entries(KNOWN)) {
    const v = features[key];
    if (v !== undefined && Number.isFinite(v))
      rows.push({
        key,
        label: k.label,
        value: k.format(v),
        hint: k.hint,
        abnormal: k.above !== undefined && v > k.above,
      });
  }
  for (const key of Object.keys(features).sort()) {
    const v = features[key]!;
    if (key in KNOWN || !Number.isFinite(v)) continue;
    rows.push({
      key,
      label: key,
      value: Number.isInteger(v) ? String(v) : v.toFixed(3),
      hint: key,
      abnormal: false,
    });
  }
  return rows;
}

/**
 * One sentence explaining the score by what is abnormal (documented thresholds), or saying that
 * nothing is; null when the features hold none of the thresholded measures (another scorer).
 */
export function scoreExplanation(features: Record<string, number>): string | null {
  if (!MEASURE_THRESHOLDS.some((t) => Number.isFinite(features[t.key]))) return null;
  const ab = abnormalMeasures(features);
  if (!ab.length) return 'Nothing abnormal measured: every measurement is within its normal range.';
  return `Lowered by: ${ab.map((a) => a.problem).join('; ')}.`;
}

/** The five level probabilities best first, each in [0, 1]. */
export function levelBars(probs: LevelProbs | null): { level: LevelName; p: number }[] {
  return LEVELS.map((level) => ({ level, p: probs ? Math.max(0, Math.min(1, probs[level])) : 0 }));
}

/** "0:01.0–0:03.5" */
export function formatSpan(startSec: number, endSec: number): string {
  return `${formatDuration(startSec)}–${formatDuration(endSec)}`;
}
