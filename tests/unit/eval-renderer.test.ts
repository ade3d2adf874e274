// Pure helpers of the evaluation view: plot ticks and scales, CSV export, ACR keys and progress.
import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks } from '../../src-renderer/src/features/evaluation/logic/plot';
import {
  fmtCi,
  fmtMetric,
  metricsCsv,
  unreliableNote,
} from '../../src-renderer/src/features/evaluation/logic/metrics-table';
import { acrFromKey, progressLabel } from '../../src-renderer/src/features/evaluation/logic/acr';
import type { EvalResult } from '../../src-shared/contract-evaluation';
import { studyClipCount } from '../../src-renderer/src/features/evaluation/logic/study-clips';

describe('plot geometry', () => {
  it('makes round ticks inside the domain', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1.2, 4.9)).toEqual([2, 3, 4]);
    expect(niceTicks(0.95, 1.05, 4)).toEqual([0.95, 1, 1.05]); // step 0.05: 1-2-5 steps only
  });

  it('maps the padded domain onto the pixel range, upside down for y', () => {
    const y = linearScale([1, 5], 300, 0, 0);
    expect(y(1)).toBe(300);
    expect(y(5)).toBe(0);
    expect(y(3)).toBe(150);
    const flat = linearScale([2, 2], 0, 100);
    expect(flat(2)).toBeCloseTo(50, 9);
  });
});

describe('metric table export', () => {
  const result = {
    source: { id: 'list:lab', label: 'Rating list “lab”', scale: '0-100', videos: 3 },
    mos: {
      videos: 3,
      ratings: 3,
      observers: 0,
      alpha: null,
      screening: [],
      excluded: [],
      perVideo: [],
    },
    runs: [
      {
        run: {
          id: 4,
          label: '#4 builtin-nr 1.0, "quoted"',
          kind: 'pack',
          createdAt: 'x',
          finished: true,
          scoredVideos: 3,
        },
        n: 3,
        metrics: { srcc: 1, krcc: 1, plcc: 0.98, plccLogistic: null, rmseLogistic: null },
        ci: { srcc: [0.5, 1], krcc: null, plcc: null, plccLogistic: null, rmseLogistic: null },
        fit: {
          converged: false,
          iterations: 0,
          message: 'needs at least 4 videos, has 3',
          params: [1, 0, 0, 1],
        },
        bootstrap: { resamples: 1000, seed: 9, level: 0.95, skipped: 0 },
        points: [],
        curve: [],
        subsets: [],
        calibration: null,
      },
    ],
  } satisfies EvalResult;

  it('writes one quoted CSV row per run with values and CI bounds', () => {
    const lines = metricsCsv(result).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'run_id,run,mos_source,mos_scale,n,srcc,srcc_ci_low,srcc_ci_high,krcc,krcc_ci_low,krcc_ci_high,plcc,plcc_ci_low,plcc_ci_high,' +
        'plccLogistic,plccLogistic_ci_low,plccLogistic_ci_high,rmseLogistic,rmseLogistic_ci_low,rmseLogistic_ci_high,fit_converged,bootstrap_resamples,bootstrap_seed',
    );
    // the label with a comma and quotes is quoted and its quotes doubled
    expect(lines[1]).toBe(
      '4,"#4 builtin-nr 1.0, ""quoted""",list:lab,0-100,3,1,0.5,1,1,,,0.98,,,,,,,,,,1000,9',
    );
  });

  it('marks only the figures of a logistic fit that did not converge as unreliable', () => {
    const run = result.runs[0]!;
    expect(unreliableNote(run, 'plccLogistic')).toBe('unreliable: needs at least 4 videos, has 3');
    expect(unreliableNote(run, 'rmseLogistic')).toMatch(/^unreliable: /);
    expect(unreliableNote(run, 'srcc')).toBeNull();
    const converged = { ...run, n: 40, fit: { ...run.fit, converged: true, message: null } };
    expect(unreliableNote(converged, 'plccLogistic')).toBeNull();
    const stuck = {
      ...converged,
      fit: {
        ...converged.fit,
        converged: false,
        message: 'the logistic fit did not converge in 400 iterations',
      },
    };
    expect(unreliableNote(stuck, 'rmseLogistic')).toBe(
      'unreliable: the logistic fit did not converge in 400 iterations',
    );
  });

  it('formats missing values as a dash and CIs in brackets', () => {
    expect(fmtMetric(null)).toBe('—');
    expect(fmtMetric(0.123456)).toBe('0.1235');
    expect(fmtCi([0.1, 0.25])).toBe('[0.100, 0.250]');
    expect(fmtCi(null)).toBe('');
  });
});

describe('ACR study helpers', () => {
  it('maps keys 1–5 only and labels progress 1-based', () => {
    expect(['1', '5', '0', '6', 'a', ' '].map(acrFromKey)).toEqual([1, 5, null, null, null, null]);
    expect(progressLabel(6, 24)).toBe('7 of 24');
    expect(progressLabel(24, 24)).toBe('24 of 24');
  });
});

describe('new study clip count', () => {
  it('caps the test clips to the chosen videos left after training, and says when it did', () => {
    expect(studyClipCount(24, 0, 8)).toEqual({ tests: 8, capped: true });
    expect(studyClipCount(24, 2, 8)).toEqual({ tests: 6, capped: true });
    expect(studyClipCount(5, 1, 8)).toEqual({ tests: 5, capped: false });
    expect(studyClipCount(7, 1, 8)).toEqual({ tests: 7, capped: false });
    expect(studyClipCount(3, 4, 2)).toEqual({ tests: 0, capped: true });
  });
});
