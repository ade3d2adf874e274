// The evaluation metric table as rows of text: the same cells feed the view and the CSV export.
import { stringify } from 'csv-stringify/browser/esm/sync';
import type {
  EvalMetricKey,
  EvalResult,
  EvalRunResult,
} from '../../../../../src-shared/contract-evaluation';

export const METRIC_COLUMNS: { key: EvalMetricKey; label: string; title: string }[] = [
  { key: 'srcc', label: 'SRCC', title: 'Spearman rank correlation (scipy.stats.spearmanr)' },
  { key: 'krcc', label: 'KRCC', title: "Kendall's tau-b (scipy.stats.kendalltau)" },
  { key: 'plcc', label: 'PLCC', title: 'Pearson correlation of raw scores and MOS' },
  {
    key: 'plccLogistic',
    label: 'PLCC (logistic)',
    title: 'Pearson correlation after the VQEG 4-parameter logistic fit',
  },
  {
    key: 'rmseLogistic',
    label: 'RMSE (logistic)',
    title: 'Root mean squared error after the logistic fit, in MOS units',
  },
];

export function fmtMetric(v: number | null | undefined, digits = 4): string {
  return v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function fmtCi(ci: [number, number] | null | undefined, digits = 3): string {
  return ci ? `[${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : '';
}

/** Why a run's fit needs attention, or null. */
export function fitNote(r: EvalRunResult): string | null {
  if (r.n < 3) return `only ${r.n} video(s) with both a MOS and a score`;
  return r.fit.converged ? null : (r.fit.message ?? 'the logistic fit did not converge');
}

/**
 * Why a run's metric is not to be trusted, or null: figures that come from the logistic fit
 * (PLCC and RMSE after it) when the fit did not converge. The table greys them out.
 */
export function unreliableNote(r: EvalRunResult, key: EvalMetricKey): string | null {
  if (key !== 'plccLogistic' && key !== 'rmseLogistic') return null;
  const note = fitNote(r);
  return note ? `unreliable: ${note}` : null;
}

/** CSV of the metric table: one row per run, value and CI bounds per metric. */
export function metricsCsv(result: EvalResult): string {
  const header = [
    'run_id',
    'run',
    'mos_source',
    'mos_scale',
    'n',
    ...METRIC_COLUMNS.flatMap((c) => [c.key, `${c.key}_ci_low`, `${c.key}_ci_high`]),
    'fit_converged',
    'bootstrap_resamples',
    'bootstrap_seed',
  ];
  const rows = result.runs.map((r) => [
    r.run.id,
    r.run.label,
    result.source.id,
    result.source.scale,
    r.n,
    ...METRIC_COLUMNS.flatMap((c) => [
      r.metrics[c.key] ?? '',
      r.ci[c.key]?.[0] ?? '',
      r.ci[c.key]?.[1] ?? '',
    ]),
    r.fit.converged,
    r.bootstrap.resamples,
    r.bootstrap.seed,
  ]);
  return stringify([header, ...rows]);
}

/** CSV of a subset breakdown (one row per run and subset). */
export function subsetsCsv(result: EvalResult): string {
  const header = ['run_id', 'subset_by', 'subset', 'n', ...METRIC_COLUMNS.map((c) => c.key)];
  const rows = result.runs.flatMap((r) =>
    r.subsets.map((s) => [
      r.run.id,
      s.by,
      s.key,
      s.n,
      ...METRIC_COLUMNS.map((c) => s[c.key] ?? ''),
    ]),
  );
  return stringify([header, ...rows]);
}

/** CSV of the MOS per video: votes, mean, SD and the t-based 95 % CI. */
export function mosCsv(result: EvalResult): string {
  const header = [
    'video_id',
    'name',
    'mos_source',
    'scale',
    'votes',
    'mos',
    'sd',
    'ci95_low',
    'ci95_high',
  ];
  const rows = result.mos.perVideo.map((v) => [
    v.videoId,
    v.name,
    result.source.id,
    result.source.scale,
    v.n,
    v.mos,
    v.sd ?? '',
    v.ci95?.[0] ?? '',
    v.ci95?.[1] ?? '',
  ]);
  return stringify([header, ...rows]);
}
