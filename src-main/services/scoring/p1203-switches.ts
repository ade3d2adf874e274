// Representation switches (resolution, frame rate, bitrate) between consecutive segments, with the
// mode-0 quality before and after: the timeline's `switch` events.
import {
  P1203Error,
  mode0,
  requireNonNegative,
  requirePositive,
  videoParamsOf,
  type P1203Device,
  type P1203Segment,
} from './p1203';

/* ----------------------------------------------------------------------------------------------
 * Quality switches (timeline events)
 * -------------------------------------------------------------------------------------------- */

export type SwitchChange = 'resolution' | 'bitrate' | 'fps';

export interface SwitchEvent {
  kind: 'switch';
  /** Media time of the switch (start of the new segment); startSec = endSec = timeSec. */
  timeSec: number;
  startSec: number;
  endSec: number;
  changes: SwitchChange[];
  from: { width: number; height: number; bitrateKbps: number; fps: number };
  to: { width: number; height: number; bitrateKbps: number; fps: number };
  /** Mode-0 O.22 before and after, and the direction of the change in quality. */
  qualityBefore: number;
  qualityAfter: number;
  direction: 'up' | 'down' | 'flat';
}

export interface DetectSwitchesOptions {
  /**
   * Relative bitrate change that counts as a switch: max/min − 1 > threshold. Default 0.2. Mode-0
   * segment bitrates of one VBR representation wander by several percent; ABR ladders step by
   * ≳ 1.5×, so 20 % separates the two. Symmetric, so up- and down-switches are treated alike.
   */
  bitrateThreshold?: number;
  /** Frame-rate difference (fps) below which rates are equal, e.g. 29.97 vs 29.970029. Default 0.01. */
  fpsTolerance?: number;
  displayWidth?: number;
  displayHeight?: number;
  device?: P1203Device;
}

/**
 * Representation switches between consecutive segments (sorted by start time): a change of coded
 * resolution (width or height), of frame rate (beyond `fpsTolerance`), or of bitrate (beyond
 * `bitrateThreshold`, relative). Each event carries the mode-0 quality on both sides.
 */
export function detectSwitches(
  segments: readonly P1203Segment[],
  options: DetectSwitchesOptions = {},
): SwitchEvent[] {
  if (!Array.isArray(segments)) throw new P1203Error('INVALID_INPUT', 'segments must be an array');
  const bitrateThreshold = options.bitrateThreshold ?? 0.2;
  const fpsTolerance = options.fpsTolerance ?? 0.01;
  if (!Number.isFinite(bitrateThreshold) || bitrateThreshold < 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `bitrateThreshold must be a finite number ≥ 0; got ${String(bitrateThreshold)}`,
    );
  }
  if (!Number.isFinite(fpsTolerance) || fpsTolerance < 0) {
    throw new P1203Error(
      'INVALID_INPUT',
      `fpsTolerance must be a finite number ≥ 0; got ${String(fpsTolerance)}`,
    );
  }
  const segs = segments
    .map((s, i) => {
      if (s == null || typeof s !== 'object')
        throw new P1203Error('INVALID_INPUT', `segments[${i}] must be an object`);
      requireNonNegative(s.startSec, `segments[${i}].startSec`);
      requirePositive(s.durationSec, `segments[${i}].durationSec`);
      return { seg: s, quality: mode0(videoParamsOf(s, options, `segments[${i}].`)) };
    })
    .sort((a, b) => a.seg.startSec - b.seg.startSec);

  const events: SwitchEvent[] = [];
  for (let i = 1; i < segs.length; i++) {
    const a = segs[i - 1]!;
    const b = segs[i]!;
    const changes: SwitchChange[] = [];
    if (a.seg.width !== b.seg.width || a.seg.height !== b.seg.height) changes.push('resolution');
    const ratio =
      Math.max(a.seg.bitrateKbps, b.seg.bitrateKbps) /
      Math.min(a.seg.bitrateKbps, b.seg.bitrateKbps);
    if (ratio - 1 > bitrateThreshold) changes.push('bitrate');
    if (Math.abs(a.seg.fps - b.seg.fps) > fpsTolerance) changes.push('fps');
    if (changes.length === 0) continue;
    const pick = (s: P1203Segment) => ({
      width: s.width,
      height: s.height,
      bitrateKbps: s.bitrateKbps,
      fps: s.fps,
    });
    const dq = b.quality - a.quality;
    events.push({
      kind: 'switch',
      timeSec: b.seg.startSec,
      startSec: b.seg.startSec,
      endSec: b.seg.startSec,
      changes,
      from: pick(a.seg),
      to: pick(b.seg),
      qualityBefore: a.quality,
      qualityAfter: b.quality,
      direction: dq > 1e-9 ? 'up' : dq < -1e-9 ? 'down' : 'flat',
    });
  }
  return events;
}
