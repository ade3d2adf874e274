// Metric table: one row per model run (runs side by side) with bootstrap CIs, or per run and subset.
import type { EvalResult } from '../../../../src-shared/contract-evaluation';
import {
  METRIC_COLUMNS,
  fitNote,
  fmtCi,
  fmtMetric,
  metricsCsv,
  subsetsCsv,
  unreliableNote,
} from './logic/metrics-table';
import { downloadBlob } from './logic/plot';

interface MetricTableProps {
  result: EvalResult;
  projectName: string;
  subsets?: boolean;
}

export function MetricTable({ result, projectName, subsets = false }: MetricTableProps) {
  const exportCsv = () => {
    const csv = subsets ? subsetsCsv(result) : metricsCsv(result);
    downloadBlob(
      new Blob([csv], { type: 'text/csv' }),
      `${projectName}-${subsets ? 'subsets' : 'metrics'}.csv`,
    );
  };
  const first = result.runs[0];
  return (
    <section
      className={subsets ? 'eval-subsets' : 'eval-card'}
      aria-label={subsets ? 'Metrics per subset' : 'Metrics per model run'}
    >
      {subsets ? null : (
        <header className="eval-card-header">
          <h2>Model runs against MOS</h2>
          <span className="muted">
            {result.source.label}, scale {result.source.scale}
            {first
              ? ` · ${Math.round(first.bootstrap.level * 100)} % bootstrap CI, B = ${first.bootstrap.resamples}, seed ${first.bootstrap.seed}`
              : ''}
          </span>
        </header>
      )}
      <table
        className="eval-table"
        data-testid={subsets ? 'eval-subset-table' : 'eval-metric-table'}
      >
        <thead>
          <tr>
            <th>Run</th>
            {subsets ? <th>Subset</th> : null}
            <th className="num">n</th>
            {METRIC_COLUMNS.map((c) => (
              <th key={c.key} className="num" title={c.title}>
                {c.label}
              </th>
            ))}
            {subsets ? null : <th>Fit</th>}
          </tr>
        </thead>
        <tbody>
          {subsets
            ? result.runs.flatMap((r) =>
                r.subsets.map((s) => (
                  <tr key={`${r.run.id}-${s.key}`} data-testid={`eval-subset-${r.run.id}-${s.key}`}>
                    <td>{r.run.label}</td>
                    <td>{s.key}</td>
                    <td className="num">{s.n}</td>
                    {METRIC_COLUMNS.map((c) => (
                      <td key={c.key} className="num">
                        {fmtMetric(s[c.key])}
                      </td>
                    ))}
                  </tr>
                )),
              )
            : result.runs.map((r) => {
                const note = fitNote(r);
                return (
                  <tr key={r.run.id} data-testid={`eval-row-${r.run.id}`}>
                    <td>{r.run.label}</td>
                    <td className="num" data-testid={`eval-${r.run.id}-n`}>
                      {r.n}
                    </td>
                    {METRIC_COLUMNS.map((c) => (
                      <td key={c.key} className="num">
                        <span
                          // figures after a fit that did not converge are not to be trusted: greyed, not bold
                          className={
                            unreliableNote(r, c.key) ? 'eval-value eval-unreliable' : 'eval-value'
                          }
                          title={unreliableNote(r, c.key) ?? undefined}
                          data-testid={`eval-${r.run.id}-${c.key}`}
                        >
                          {fmtMetric(r.metrics[c.key])}
                        </span>
                        <span className="eval-ci">{fmtCi(r.ci[c.key])}</span>
                      </td>
                    ))}
                    <td
                      className={note ? 'eval-warn' : 'eval-ok'}
                      title={note ?? `converged in ${r.fit.iterations} iterations`}
                    >
                      {note ? `⚠ ${note}` : 'converged'}
                    </td>
                  </tr>
                );
              })}
        </tbody>
      </table>
      <div className="eval-actions">
        <button
          type="button"
          onClick={exportCsv}
          data-testid={subsets ? 'eval-export-subsets' : 'eval-export-csv'}
        >
          Export CSV
        </button>
      </div>
    </section>
  );
}
