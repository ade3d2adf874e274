import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  LEVELS,
  levelColor,
  levelOfScore,
  NO_SCORE_COLOR,
  oklchToRgb,
  parseHex,
  relativeLuminance,
  scoreColor,
  scoreGradientCss,
  scoreRgb,
} from '../../src-renderer/src/common/scores/score-colors';

// The dark theme's backgrounds (styles.css --bg, --bg-panel, --bg-raised): scores are drawn as
// text and thin lines on all three.
const BACKGROUNDS = ['#141518', '#1b1c20', '#23252a'];

/** Hue in degrees of an sRGB colour (HSL hue is enough to tell red from green). */
function hue([r, g, b]: readonly [number, number, number]): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** OKLab L of an 8-bit sRGB colour (Björn Ottosson's sRGB → LMS → OKLab). */
function oklabLightness([r, g, b]: readonly [number, number, number]): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const l = Math.cbrt(0.4122214708 * R + 0.5363325363 * G + 0.0514459929 * B);
  const m = Math.cbrt(0.2119034982 * R + 0.6806995451 * G + 0.1073969566 * B);
  const s = Math.cbrt(0.0883024619 * R + 0.2817188376 * G + 0.6299787005 * B);
  return 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
}

describe('levelOfScore', () => {
  it('splits [0, 1] into five bands at .2, .4, .6, .8', () => {
    expect(levelOfScore(0)).toBe('low');
    expect(levelOfScore(0.1999)).toBe('low');
    expect(levelOfScore(0.2)).toBe('poor');
    expect(levelOfScore(0.3999)).toBe('poor');
    expect(levelOfScore(0.4)).toBe('fair');
    expect(levelOfScore(0.6)).toBe('good');
    expect(levelOfScore(0.7999)).toBe('good');
    expect(levelOfScore(0.8)).toBe('high');
    expect(levelOfScore(1)).toBe('high');
  });

  it('has no level for a missing or broken score', () => {
    expect(levelOfScore(null)).toBeNull();
    expect(levelOfScore(undefined)).toBeNull();
    expect(levelOfScore(Number.NaN)).toBeNull();
  });

  it('lists levels best first, like the contract', () => {
    expect(LEVELS).toEqual(['high', 'good', 'fair', 'poor', 'low']);
  });
});

describe('score colour scale', () => {
  const steps = Array.from({ length: 101 }, (_, i) => i / 100);

  it('is perceptually ordered: OKLab lightness rises steadily from low to high', () => {
    // Measured on the final 8-bit colours, with an OKLab conversion written here from the
    // published matrices, not the one under test.
    const lightness = steps.map((s) => oklabLightness(scoreRgb(s)));
    // Strictly up every 0.05 (one legend step); within that, 8-bit rounding may wobble by ~0.002.
    for (let i = 5; i < lightness.length; i += 5) {
      expect(lightness[i]!).toBeGreaterThan(lightness[i - 5]! + 0.005);
    }
    for (let i = 1; i < lightness.length; i++) {
      expect(lightness[i]!).toBeGreaterThan(lightness[i - 1]! - 0.003);
    }
    expect(lightness[100]! - lightness[0]!).toBeGreaterThan(0.12);
  });

  it('also gets brighter by WCAG luminance, band by band', () => {
    const lum = [0, 0.2, 0.4, 0.6, 0.8, 1].map((s) => relativeLuminance(scoreRgb(s)));
    for (let i = 1; i < lum.length; i++) expect(lum[i]!).toBeGreaterThan(lum[i - 1]!);
    expect(lum[5]! / lum[0]!).toBeGreaterThan(2);
  });

  it('runs from red-ish (low) through amber to green-ish (high)', () => {
    expect(hue(scoreRgb(0))).toBeLessThan(15); // red
    const mid = hue(scoreRgb(0.5));
    expect(mid).toBeGreaterThan(35); // amber / yellow
    expect(mid).toBeLessThan(65);
    expect(hue(scoreRgb(1))).toBeGreaterThan(110); // green
    expect(hue(scoreRgb(1))).toBeLessThan(160);
    // hue moves one way only, so no colour is reused for two scores
    const hues = steps.map((s) => hue(scoreRgb(s)));
    for (let i = 1; i < hues.length; i++)
      expect(hues[i]!).toBeGreaterThanOrEqual(hues[i - 1]! - 0.5);
  });

  it('reads on every dark background at WCAG AA text contrast', () => {
    for (const bg of BACKGROUNDS) {
      for (const s of steps) {
        expect(contrastRatio(parseHex(scoreColor(s)), parseHex(bg))).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('gives each level band its own colour family', () => {
    const colours = LEVELS.map(levelColor);
    expect(new Set(colours).size).toBe(5);
    expect(levelColor('good')).toBe(scoreColor(0.7));
    expect(levelColor(null)).toBe(NO_SCORE_COLOR);
  });

  it('returns #rrggbb, clamps out-of-range scores and greys out missing ones', () => {
    expect(scoreColor(0.5)).toMatch(/^#[0-9a-f]{6}$/);
    expect(scoreColor(-3)).toBe(scoreColor(0));
    expect(scoreColor(7)).toBe(scoreColor(1));
    expect(scoreColor(null)).toBe(NO_SCORE_COLOR);
    expect(scoreColor(Number.NaN)).toBe(NO_SCORE_COLOR);
  });

  it('maps out-of-gamut OKLCH colours into sRGB by lowering chroma only', () => {
    const [r, g, b] = oklchToRgb(0.7, 0.4, 140); // far too saturated for sRGB
    for (const v of [r, g, b]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(255);
    }
    expect(g).toBeGreaterThan(r); // still green
    // a grey stays grey
    const grey = oklchToRgb(0.6, 0, 0);
    expect(grey[0]).toBe(grey[1]);
    expect(grey[1]).toBe(grey[2]);
  });

  it('builds a CSS gradient legend from the same colours', () => {
    const css = scoreGradientCss('90deg', 4);
    expect(css).toBe(
      `linear-gradient(90deg, ${scoreColor(0)} 0%, ${scoreColor(0.25)} 25%, ${scoreColor(0.5)} 50%, ${scoreColor(0.75)} 75%, ${scoreColor(1)} 100%)`,
    );
  });

  it('computes WCAG contrast like the spec (black on white is 21:1)', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([255, 255, 255], [0, 0, 0])).toBeCloseTo(21, 5);
    expect(() => parseHex('red')).toThrow(/#rrggbb/);
  });
});
