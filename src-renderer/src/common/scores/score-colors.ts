// The one colour scale for quality scores (library, score details, later the timeline).
//
// Why OKLCH: hue runs red → amber → green while OKLab lightness rises steadily, so the order of
// scores survives for red-green colour-blind users and in greyscale, and equal score steps look
// like roughly equal colour steps (a plain RGB red→green ramp has a muddy, dark middle and a
// lightness bump at yellow). Every colour is mapped into sRGB by reducing chroma only, and the
// darkest end is light enough to read as text on the dark theme's backgrounds.
// Pure (no DOM) so it is unit-tested directly.
import type { LevelName } from '../../../../src-shared/contract';

/** Best first, like the contract's level probabilities. */
export const LEVELS: readonly LevelName[] = ['high', 'good', 'fair', 'poor', 'low'];

/** Lower bound of each level's band of scores in [0, 1] (VQA²'s five-level split). */
const LEVEL_FLOOR: Record<LevelName, number> = {
  low: 0,
  poor: 0.2,
  fair: 0.4,
  good: 0.6,
  high: 0.8,
};

/** [0,.2) low, [.2,.4) poor, [.4,.6) fair, [.6,.8) good, [.8,1] high; null when unscored. */
export function levelOfScore(score: number | null | undefined): LevelName | null {
  if (score === null || score === undefined || !Number.isFinite(score)) return null;
  if (score >= LEVEL_FLOOR.high) return 'high';
  if (score >= LEVEL_FLOOR.good) return 'good';
  if (score >= LEVEL_FLOOR.fair) return 'fair';
  if (score >= LEVEL_FLOOR.poor) return 'poor';
  return 'low';
}

/** Lightness and chroma run linearly between the ends (OKLCH: L 0–1, C). */
const LOW = { l: 0.66, c: 0.17 };
const HIGH = { l: 0.82, c: 0.17 };
/** Hue (degrees) along the scale, piecewise linear: a straight 25→150 ramp would make "good"
 *  (0.6–0.8) read yellow; these stops give each level band its own family: low red, poor
 *  orange, fair yellow, good yellow-green, high green. */
const HUE_STOPS: readonly (readonly [number, number])[] = [
  [0, 25],
  [0.45, 85],
  [0.75, 130],
  [1, 150],
];

function hueAt(t: number): number {
  for (let i = 1; i < HUE_STOPS.length; i++) {
    const [t1, h1] = HUE_STOPS[i]!;
    const [t0, h0] = HUE_STOPS[i - 1]!;
    if (t <= t1) return h0 + ((h1 - h0) * (t - t0)) / (t1 - t0);
  }
  return HUE_STOPS[HUE_STOPS.length - 1]![1];
}
/** Shown for "no score": neutral, as light as the middle of the scale, so it never reads as a value. */
export const NO_SCORE_COLOR = '#6b6f78';

export type Rgb = readonly [number, number, number];

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** OKLab → linear sRGB (Björn Ottosson's published matrices). */
function oklabToLinear(l: number, a: number, b: number): [number, number, number] {
  const l_ = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m_ = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s_ = (l - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
    -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
    -0.0041960863 * l_ - 0.7034186147 * m_ + 1.707614701 * s_,
  ];
}

function linearToSrgb(x: number): number {
  const v = clamp01(x);
  return v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
}

/** OKLCH → sRGB 0–255, lowering chroma (keeping lightness and hue) until the colour fits. */
export function oklchToRgb(l: number, c: number, hDeg: number): Rgb {
  const h = (hDeg * Math.PI) / 180;
  const inGamut = (chroma: number) =>
    oklabToLinear(l, chroma * Math.cos(h), chroma * Math.sin(h)).every(
      (v) => v >= -1e-4 && v <= 1 + 1e-4,
    );
  let chroma = c;
  if (!inGamut(chroma)) {
    let lo = 0;
    let hi = c;
    for (let i = 0; i < 20; i++) {
      const mid = (lo + hi) / 2;
      if (inGamut(mid)) lo = mid;
      else hi = mid;
    }
    chroma = lo;
  }
  const lin = oklabToLinear(l, chroma * Math.cos(h), chroma * Math.sin(h));
  return lin.map((v) => Math.round(linearToSrgb(v) * 255)) as unknown as Rgb;
}

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The scale's colour for a score in [0, 1] (clamped), as sRGB 0–255. */
export function scoreRgb(score: number): Rgb {
  const t = clamp01(score);
  return oklchToRgb(LOW.l + (HIGH.l - LOW.l) * t, LOW.c + (HIGH.c - LOW.c) * t, hueAt(t));
}

// 101 precomputed steps: a table of thousands of cells asks for colours on every render.
const TABLE = Array.from({ length: 101 }, (_, i) => hex(scoreRgb(i / 100)));

/** "#rrggbb" for a score in [0, 1]; NO_SCORE_COLOR for null / NaN. */
export function scoreColor(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return NO_SCORE_COLOR;
  return TABLE[Math.round(clamp01(score) * 100)]!;
}

/** A level's colour: the scale at the middle of its band (high: .9, good: .7, …). */
export function levelColor(level: LevelName | null | undefined): string {
  if (!level) return NO_SCORE_COLOR;
  return scoreColor(LEVEL_FLOOR[level] + 0.1);
}

/** CSS gradient of the whole scale, for legends. */
export function scoreGradientCss(direction = '90deg', steps = 10): string {
  const stops = Array.from(
    { length: steps + 1 },
    (_, i) => `${scoreColor(i / steps)} ${(i / steps) * 100}%`,
  );
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

/** WCAG relative luminance of an sRGB colour (0–255 channels). */
export function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio between two sRGB colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}

/** "#rrggbb" → [r, g, b]. */
export function parseHex(color: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`not a #rrggbb colour: ${color}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}
