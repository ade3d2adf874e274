// Labels and formatting of a scored video's measurements for the score detail popover. Pure.
import type { LevelName, LevelProbs } from '../../../src-preload/contract';
import { formatDuration } from './format';
import { LEVELS } from './score-colors';

export interface Measurement {
  key: string;
  label: string;
  value: string;
  /** What the number means (scale, direction), for a title. */
  hint: string;
}

interface Known {
  label: string;
  format(v: number): string;
  hint: string;
}

const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const percent = (v: number) => `${(v * 100).toFixed(1)} %`;

// Order = display order: the measures a quality engineer looks at first come first.
// Scales from the built-in pack's manifest (segment.onnx "measures") and P.1203.
const KNOWN: Record<string, Known> = {
  brisque: { label: 'BRISQUE', format: fixed(1), hint: 'spatial naturalness, 0 best … 100 worst' },
  blur: { label: 'Blur', format: fixed(2), hint: 'Crété-Roffet blur, 0 sharp … 1 flat' },
  noise: { label: 'Noise', format: fixed(2), hint: 'noise σ in grey levels (flattest blocks)' },
  freeze: { label: 'Freeze', format: percent, hint: 'share of repeated frames' },
  motion: { label: 'Motion', format: fixed(3), hint: 'mean absolute frame difference / 255' },
  flicker: { label: 'Flicker', format: fixed(3), hint: 'mean change of mean luma / 255' },
  luma: { label: 'Luma', format: fixed(2), hint: 'mean brightness, 0 black … 1 white' },
  contrast: { label: 'Contrast', format: fixed(3), hint: 'mean per-frame grey std / 255' },
  minSegmentScore: {
    label: 'Worst segment',
    format: (v) => (v * 100).toFixed(1),
    hint: 'lowest segment score, 0–100',
  },
  quality: {
    label: 'Head q',
    format: fixed(3),
    hint: "the pack head's quality before levels, 0–1",
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
      rows.push({ key, label: k.label, value: k.format(v), hint: k.hint });
  }
  for (const key of Object.keys(features).sort()) {
    const v = features[key]!;
    if (key in KNOWN || !Number.isFinite(v)) continue;
    rows.push({
      key,
      label: key,
      value: Number.isInteger(v) ? String(v) : v.toFixed(3),
      hint: key,
    });
  }
  return rows;
}

/** The five level probabilities best first, each in [0, 1]. */
export function levelBars(probs: LevelProbs | null): { level: LevelName; p: number }[] {
  return LEVELS.map((level) => ({ level, p: probs ? Math.max(0, Math.min(1, probs[level])) : 0 }));
}

/** "0:01.0–0:03.5" */
export function formatSpan(startSec: number, endSec: number): string {
  return `${formatDuration(startSec)}–${formatDuration(endSec)}`;
}
