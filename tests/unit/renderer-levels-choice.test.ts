// When the export and generation dialogs offer calibrated levels: only for a run with a
// calibration, and the reason they show otherwise names the run and what to do.
import { describe, expect, it } from 'vitest';
import type { LibraryRuns } from '../../src-shared/contract';
import {
  calibratedLevelsBlocker,
  effectiveRun,
} from '../../src-renderer/src/features/pairs/logic/levels-choice';

const run = (id: number, calibrated: boolean) => ({
  id,
  label: `#${id}`,
  kind: 'pack' as const,
  createdAt: '2026-01-01T00:00:00Z',
  finished: true,
  scoredVideos: 10,
  calibrated,
});
const info = (defaultRunId: number | null, ...runs: ReturnType<typeof run>[]): LibraryRuns => ({
  runs,
  defaultRunId,
  mosSource: null,
  calibrations: {},
});

describe('calibrated levels: which run, and whether it can', () => {
  it('uses the chosen run, else the library default', () => {
    const i = info(2, run(1, false), run(2, true));
    expect(effectiveRun(i, 1)).toBe(1);
    expect(effectiveRun(i, undefined)).toBe(2);
    expect(effectiveRun(info(null), undefined)).toBeNull();
    expect(effectiveRun(null, undefined)).toBeNull();
  });
  it('allows a calibrated run', () => {
    const i = info(2, run(1, false), run(2, true));
    expect(calibratedLevelsBlocker(i, 2)).toBeNull();
    expect(calibratedLevelsBlocker(i, undefined)).toBeNull();
  });
  it('says why not: uncalibrated run, nothing scored, unknown run, still loading', () => {
    const i = info(2, run(1, false), run(2, true));
    expect(calibratedLevelsBlocker(i, 1)).toBe(
      'Run #1 has no calibration: calibrate it to your MOS in Evaluation first.',
    );
    expect(calibratedLevelsBlocker(info(null), undefined)).toMatch(/score the videos first/);
    expect(calibratedLevelsBlocker(i, 9)).toMatch(/^Run #9 scored no video/);
    expect(calibratedLevelsBlocker(null, 2)).toMatch(/Loading/);
  });
});
