import { describe, expect, it } from 'vitest';
import {
  P1203Error,
  P1203_3_COEFFS,
  audioQualityP1203_2,
  mosFromR,
  rFromMos,
  videoQualityMode0,
  type P1203Segment,
  type P1203Stall,
} from '../../src-main/services/scoring/p1203';
import { integrateSession } from '../../src-main/services/scoring/p1203-integration';
import { detectSwitches } from '../../src-main/services/scoring/p1203-switches';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(P1203Error);
    return (e as P1203Error).code;
  }
  return undefined;
}

const seg = (
  startSec: number,
  durationSec: number,
  bitrateKbps: number,
  width: number,
  height: number,
  fps = 30,
): P1203Segment => ({
  startSec,
  durationSec,
  bitrateKbps,
  width,
  height,
  fps,
});

/** A constant-quality session of `seconds` seconds at 1080p. */
const hd = (seconds: number, bitrateKbps = 2801.27587623): P1203Segment[] => [
  seg(0, seconds, bitrateKbps, 1920, 1080),
];

describe('P.1203.1 mode 0 video quality (O.22)', () => {
  // Conformance values of the reference implementation's test suite (display 1920×1080, PC).
  it.each([
    [1920, 1080, 2801.27587623, 4.311],
    [852, 480, 629.203792838, 2.664],
    [426, 240, 224.771246112, 1.085],
  ])('%i×%i at %f kbps, 30 fps → %f (±0.01)', (width, height, bitrateKbps, expected) => {
    const q = videoQualityMode0({
      bitrateKbps,
      width,
      height,
      fps: 30,
      displayWidth: 1920,
      displayHeight: 1080,
      device: 'pc',
    });
    expect(Math.abs(q - expected)).toBeLessThan(0.01);
    // Defaults are the same display and device.
    expect(videoQualityMode0({ bitrateKbps, width, height, fps: 30 })).toBe(q);
  });

  it('MOSfromR / RfromMOS are inverse on [MOS_MIN, MOS_MAX]', () => {
    // MOSfromR(100) = 1.05 + 3.85 = 4.9; MOSfromR(60) = 1.05 + 3.85·0.6 + 0 = 3.36.
    expect(mosFromR(100)).toBeCloseTo(4.9, 12);
    expect(mosFromR(60)).toBeCloseTo(3.36, 12);
    expect(rFromMos(3.36)).toBeCloseTo(60, 9); // a grid point
    expect(rFromMos(4.9)).toBe(100);
    expect(rFromMos(1.05)).toBe(0);
    for (const r of [5, 17.3, 42.42, 77.7, 99]) expect(rFromMos(mosFromR(r))).toBeCloseTo(r, 2);
    expect(mosFromR(150)).toBe(4.9);
    expect(mosFromR(-10)).toBe(1.05);
    // Very low audio bitrate gives a negative R; it must floor at MOS_MIN, not turn back up.
    expect(audioQualityP1203_2({ codec: 'heaac', bitrateKbps: 1 })).toBe(1.05);
  });

  it('more bitrate → higher quality at fixed resolution and frame rate', () => {
    for (const [w, h] of [
      [1920, 1080],
      [1280, 720],
      [640, 360],
    ] as const) {
      let prev = -Infinity;
      for (const br of [100, 200, 400, 800, 1600, 3200, 6400]) {
        const q = videoQualityMode0({ bitrateKbps: br, width: w, height: h, fps: 30 });
        expect(q).toBeGreaterThanOrEqual(prev);
        expect(q).toBeGreaterThanOrEqual(1);
        expect(q).toBeLessThanOrEqual(5);
        prev = q;
      }
      // Strictly better across the ladder as a whole.
      expect(
        videoQualityMode0({ bitrateKbps: 6400, width: w, height: h, fps: 30 }),
      ).toBeGreaterThan(videoQualityMode0({ bitrateKbps: 400, width: w, height: h, fps: 30 }));
    }
  });

  it('upscaling and frame rates below 24 fps degrade; a smaller display upscales less', () => {
    const base = { bitrateKbps: 1500, width: 1280, height: 720 };
    const at30 = videoQualityMode0({ ...base, fps: 30 });
    expect(videoQualityMode0({ ...base, fps: 24 })).toBeLessThanOrEqual(at30 + 0.5); // ≥ 24 fps: no frame-rate term
    expect(videoQualityMode0({ ...base, fps: 15 })).toBeLessThan(
      videoQualityMode0({ ...base, fps: 24 }),
    );
    expect(
      videoQualityMode0({ ...base, fps: 30, displayWidth: 1280, displayHeight: 720 }),
    ).toBeGreaterThan(at30);
  });

  it('handheld adjustment applies the P.1203.1 cubic', () => {
    // htv: -0.60293 + 2.12382·s − 0.36936·s² + 0.03409·s³ at s = 4.3110435 → 4.4196896.
    const q = videoQualityMode0({
      bitrateKbps: 2801.27587623,
      width: 1920,
      height: 1080,
      fps: 30,
      device: 'handheld',
    });
    expect(q).toBeCloseTo(4.4196896, 6);
    expect(
      videoQualityMode0({
        bitrateKbps: 2801.27587623,
        width: 1920,
        height: 1080,
        fps: 30,
        device: 'mobile',
      }),
    ).toBe(q);
  });

  it('rejects invalid input', () => {
    const ok = { bitrateKbps: 1000, width: 1280, height: 720, fps: 30 };
    expect(codeOf(() => videoQualityMode0({ ...ok, bitrateKbps: 0 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, bitrateKbps: -5 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, width: 0 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, fps: NaN }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, height: Infinity }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, displayWidth: -1920 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, device: 'tv' as never }))).toBe('INVALID_INPUT');
    expect(codeOf(() => videoQualityMode0({ ...ok, codec: 'hevc' as never }))).toBe(
      'UNSUPPORTED_CODEC',
    );
    expect(codeOf(() => videoQualityMode0(null as never))).toBe('INVALID_INPUT');
    expect(videoQualityMode0({ ...ok, codec: 'h264' })).toBeGreaterThan(1);
  });
});

describe('P.1203.2 audio quality (O.21)', () => {
  it('AAC-LC at 128 kbps by hand', () => {
    // Q_cod = 100·exp(−0.05·128) + 14.6 = 14.766156; Q = 85.233844;
    // MOS = 1.05 + 3.85·0.85233844 + Q(Q−60)(100−Q)·7e−6 = 4.553814.
    expect(audioQualityP1203_2({ codec: 'aaclc', bitrateKbps: 128 })).toBeCloseTo(4.553814, 6);
    expect(audioQualityP1203_2({ codec: 'aac', bitrateKbps: 128 })).toBeCloseTo(4.553814, 6);
    expect(codeOf(() => audioQualityP1203_2({ codec: 'opus' as never, bitrateKbps: 128 }))).toBe(
      'UNSUPPORTED_CODEC',
    );
  });
});

describe('P.1203.3 integration (O.46)', () => {
  const { f1, f2 } = P1203_3_COEFFS;

  it('stall-free high quality session saturates O.34 at 5', () => {
    // O.34 = av1 + 5·av2 + (av3 + 5·av4)·O.22 = 0.768023 + 1.094627·4.311 = 5.487 → clamped to 5.
    // O.35 = 5, stalling impact 1, O.23 = 5, O.46 = f1 + 5·f2 = 0.02833052 + 4.90585295 = 4.93418347.
    const r = integrateSession({ segments: hd(10) });
    expect(r.durationSec).toBe(10);
    expect(r.perSecondO22).toHaveLength(10);
    expect(r.perSecondO22[0]).toBeCloseTo(4.311, 2);
    expect(r.O34.every((v) => v === 5)).toBe(true);
    expect(r.O35).toBeCloseTo(5, 12);
    expect(r.O23).toBe(5);
    expect(r.O46).toBeCloseTo(f1 + 5 * f2, 12);
    expect(r.O46).toBeCloseTo(4.93418347, 8);
    expect(r.O46Normalized).toBeCloseTo((4.93418347 - 1) / 4, 8);
  });

  it('one stall by hand', () => {
    // T = 10 s, stall of 2 s at media time 5:
    //   recency weight w = cRef7 + (1 − cRef7)·0.5^((10 − 5)/10) = 0.48412879 + 0.51587121·0.70710678 = 0.84890482
    //   weighted length L = 2·w = 1.69780964
    //   impact = exp(−1/s1)·exp(−L/T/s2)·exp(0) = exp(−0.10693) · exp(−0.18476) = 0.74699445
    //   O.23 = 1 + 4·0.74699445 = 3.98797779; MOS = 1 + (5 − 1)·0.74699445 = 3.98797779
    //   O.46 = f1 + f2·3.98797779 = 3.94121704
    const r = integrateSession({ segments: hd(10), stalls: [{ startSec: 5, durationSec: 2 }] });
    expect(r.details.weightedStallSec).toBeCloseTo(1.69780964, 7);
    expect(r.details.stallingImpact).toBeCloseTo(0.74699445, 7);
    expect(r.O23).toBeCloseTo(3.98797779, 7);
    expect(r.O46).toBeCloseTo(3.94121704, 7);
  });

  it('adding stalls lowers O.46; longer stalls lower it more; late stalls weigh more', () => {
    const s = hd(60);
    const o = (stalls: P1203Stall[]) => integrateSession({ segments: s, stalls }).O46;
    const none = o([]);
    const one = o([{ startSec: 20, durationSec: 1 }]);
    const two = o([
      { startSec: 20, durationSec: 1 },
      { startSec: 40, durationSec: 1 },
    ]);
    expect(one).toBeLessThan(none);
    expect(two).toBeLessThan(one);
    let prev = none;
    for (const d of [0.5, 1, 2, 4, 8, 16]) {
      const v = o([{ startSec: 30, durationSec: d }]);
      expect(v).toBeLessThan(prev);
      prev = v;
    }
    expect(o([{ startSec: 55, durationSec: 3 }])).toBeLessThan(
      o([{ startSec: 5, durationSec: 3 }]),
    );
    // Stall order in the input does not matter.
    expect(
      o([
        { startSec: 40, durationSec: 1 },
        { startSec: 20, durationSec: 1 },
      ]),
    ).toBe(two);
  });

  it('O.46Normalized = (O.46 − 1)/4 stays in [0, 1], even for the worst sessions', () => {
    const worst = integrateSession({
      segments: [seg(0, 30, 50, 320, 180, 10)],
      stalls: Array.from({ length: 20 }, (_, i) => ({ startSec: i * 1.5, durationSec: 20 })),
      audioQuality: 1,
    });
    const cases = [
      worst,
      integrateSession({ segments: hd(30) }),
      integrateSession({ segments: hd(30), stalls: [{ startSec: 0, durationSec: 3 }] }),
    ];
    for (const r of cases) {
      expect(r.O46).toBeGreaterThanOrEqual(1);
      expect(r.O46).toBeLessThanOrEqual(5);
      expect(r.O46Normalized).toBeGreaterThanOrEqual(0);
      expect(r.O46Normalized).toBeLessThanOrEqual(1);
      expect(r.O46Normalized).toBeCloseTo((r.O46 - 1) / 4, 12);
    }
    expect(worst.O46).toBeLessThan(1.2);
  });

  it('per-second O.22 follows the segment playing at the end of each second', () => {
    const r = integrateSession({
      segments: [
        seg(0, 4, 3000, 1920, 1080),
        seg(4, 4, 300, 640, 360),
        seg(8, 2.5, 3000, 1920, 1080),
      ],
    });
    const hi = videoQualityMode0({ bitrateKbps: 3000, width: 1920, height: 1080, fps: 30 });
    const lo = videoQualityMode0({ bitrateKbps: 300, width: 640, height: 360, fps: 30 });
    // 10.5 s of media → 10 whole-second samples; second [3,4) still shows the first segment.
    expect(r.durationSec).toBe(10);
    expect(r.perSecondO22).toEqual([hi, hi, hi, hi, lo, lo, lo, lo, hi, hi]);
    // Quality drop and recovery cost something even without stalls.
    expect(r.O35).toBeLessThan(integrateSession({ segments: hd(10, 3000) }).O35);
    // A remainder above 0.99 s counts as a full second (frame-duration rounding).
    expect(integrateSession({ segments: [seg(0, 9.995, 3000, 1920, 1080)] }).durationSec).toBe(10);
    // Segments may be given out of order.
    const shuffled = integrateSession({
      segments: [
        seg(8, 2.5, 3000, 1920, 1080),
        seg(0, 4, 3000, 1920, 1080),
        seg(4, 4, 300, 640, 360),
      ],
    });
    expect(shuffled.perSecondO22).toEqual(r.perSecondO22);
  });

  it('oscillating quality triggers the oscillation compensation', () => {
    const segments: P1203Segment[] = [];
    for (let i = 0; i < 10; i++)
      segments.push(i % 2 ? seg(i * 4, 4, 300, 640, 360) : seg(i * 4, 4, 3000, 1920, 1080));
    const r = integrateSession({ segments });
    expect(r.details.qDirChangesTotal).toBeGreaterThan(3);
    expect(r.details.oscillationCompensation).toBeGreaterThan(0);
    expect(r.O35).toBeLessThan(r.details.O35Baseline);
  });

  it('audio: lower audio quality lowers O.46; audioQuality and audio are exclusive', () => {
    const seg480 = [seg(0, 20, 629.203792838, 852, 480)];
    const a5 = integrateSession({ segments: seg480 }).O46;
    const a2 = integrateSession({ segments: seg480, audioQuality: 2 }).O46;
    expect(a2).toBeLessThan(a5);
    const aac = integrateSession({ segments: seg480, audio: { codec: 'aaclc', bitrateKbps: 128 } });
    expect(aac.perSecondO21[0]).toBeCloseTo(4.553814, 6);
    expect(
      codeOf(() =>
        integrateSession({
          segments: seg480,
          audioQuality: 4,
          audio: { codec: 'aaclc', bitrateKbps: 128 },
        }),
      ),
    ).toBe('INVALID_INPUT');
    // Amendment 1 audiovisual: audio below 2 pulls O.34 toward 1.
    const amd = integrateSession({
      segments: seg480,
      audioQuality: 1.5,
      amendment1: { audiovisual: true },
    });
    expect(amd.O46).toBeLessThan(integrateSession({ segments: seg480, audioQuality: 1.5 }).O46);
  });

  it('Amendment 1 stalling caps O.46 after long total stalling', () => {
    const stalls = [{ startSec: 25, durationSec: 20 }];
    const plain = integrateSession({ segments: hd(30), stalls }).O46;
    const amd = integrateSession({ segments: hd(30), stalls, amendment1: { stalling: true } }).O46;
    expect(amd).toBeLessThan(plain);
  });

  it('sets aside zero-length stalls and stalls after the end', () => {
    const r = integrateSession({
      segments: hd(10),
      stalls: [
        { startSec: 3, durationSec: 0 },
        { startSec: 12, durationSec: 2 },
      ],
    });
    expect(r.details.numStalls).toBe(0);
    expect(r.details.ignoredStalls).toHaveLength(2);
    expect(r.O46).toBeCloseTo(f1 + 5 * f2, 12);
  });

  it('rejects invalid sessions', () => {
    expect(codeOf(() => integrateSession({ segments: [] }))).toBe('EMPTY_SESSION');
    expect(codeOf(() => integrateSession({ segments: [seg(0, 0.5, 1000, 1280, 720)] }))).toBe(
      'EMPTY_SESSION',
    );
    expect(codeOf(() => integrateSession({ segments: undefined as never }))).toBe('EMPTY_SESSION');
    expect(codeOf(() => integrateSession({ segments: [seg(0, 5, -1, 1280, 720)] }))).toBe(
      'INVALID_INPUT',
    );
    expect(codeOf(() => integrateSession({ segments: [seg(-1, 5, 1000, 1280, 720)] }))).toBe(
      'INVALID_INPUT',
    );
    expect(codeOf(() => integrateSession({ segments: [seg(0, 0, 1000, 1280, 720)] }))).toBe(
      'INVALID_INPUT',
    );
    expect(
      codeOf(() =>
        integrateSession({ segments: [seg(0, 5, 1000, 1280, 720), seg(4, 5, 1000, 1280, 720)] }),
      ),
    ).toBe('INVALID_INPUT');
    expect(
      codeOf(() =>
        integrateSession({ segments: hd(10), stalls: [{ startSec: -1, durationSec: 1 }] }),
      ),
    ).toBe('INVALID_INPUT');
    expect(
      codeOf(() =>
        integrateSession({ segments: hd(10), stalls: [{ startSec: 1, durationSec: NaN }] }),
      ),
    ).toBe('INVALID_INPUT');
    expect(codeOf(() => integrateSession({ segments: hd(10), audioQuality: 6 }))).toBe(
      'INVALID_INPUT',
    );
    expect(
      codeOf(() =>
        integrateSession({ segments: [{ ...seg(0, 10, 1000, 1280, 720), codec: 'vp9' as never }] }),
      ),
    ).toBe('UNSUPPORTED_CODEC');
    // The message names the offending field.
    expect(() =>
      integrateSession({ segments: [seg(0, 5, 1000, 1280, 720), seg(5, 5, 1000, 0, 720)] }),
    ).toThrow(/segments\[1\]\.width/);
  });
});

describe('detectSwitches', () => {
  it('reports resolution, bitrate (> 20 %) and frame-rate changes with times', () => {
    const events = detectSwitches([
      seg(0, 4, 3000, 1920, 1080),
      seg(4, 4, 3300, 1920, 1080), // +10 %: same representation, no event
      seg(8, 4, 1200, 1280, 720), // resolution + bitrate
      seg(12, 4, 1200, 1280, 720, 25), // fps only
      seg(16, 4, 1500, 1280, 720, 25), // +25 %: bitrate
      seg(20, 4, 1250, 1280, 720, 25), // 1500/1250 = 1.2: not above 20 %, no event
    ]);
    expect(events.map((e) => [e.timeSec, e.changes])).toEqual([
      [8, ['resolution', 'bitrate']],
      [12, ['fps']],
      [16, ['bitrate']],
    ]);
    const first = events[0]!;
    expect(first.kind).toBe('switch');
    expect(first.startSec).toBe(8);
    expect(first.endSec).toBe(8);
    expect(first.from).toEqual({ width: 1920, height: 1080, bitrateKbps: 3300, fps: 30 });
    expect(first.to).toEqual({ width: 1280, height: 720, bitrateKbps: 1200, fps: 30 });
    expect(first.direction).toBe('down');
    expect(first.qualityAfter).toBeLessThan(first.qualityBefore);
    expect(events[2]!.direction).toBe('up');
  });

  it('ignores tiny fps differences, honours options, sorts by time', () => {
    expect(
      detectSwitches([seg(0, 4, 1000, 1280, 720, 29.97), seg(4, 4, 1000, 1280, 720, 29.970029)]),
    ).toEqual([]);
    expect(
      detectSwitches([seg(4, 4, 1100, 1280, 720), seg(0, 4, 1000, 1280, 720)], {
        bitrateThreshold: 0.05,
      }),
    ).toHaveLength(1);
    expect(detectSwitches([seg(0, 4, 1000, 1280, 720)])).toEqual([]);
    expect(detectSwitches([])).toEqual([]);
  });

  it('rejects invalid input', () => {
    expect(codeOf(() => detectSwitches([seg(0, 4, 0, 1280, 720)]))).toBe('INVALID_INPUT');
    expect(
      codeOf(() => detectSwitches([seg(0, 4, 1000, 1280, 720)], { bitrateThreshold: -1 })),
    ).toBe('INVALID_INPUT');
    expect(codeOf(() => detectSwitches('x' as never))).toBe('INVALID_INPUT');
  });
});
