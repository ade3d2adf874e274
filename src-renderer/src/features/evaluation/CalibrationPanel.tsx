// Calibration of each shown run to the MOS source: a Calibrate button where run and MOS share at
// least 8 videos, then the k-fold cross-validated figures of each model (never in-sample), the raw
// score's SRCC for comparison, and the interval the library's Predicted MOS carries.
import { useState } from 'react';
import type { CalibrationInfo, EvalResult } from '../../../../src-shared/contract-evaluation';
import { useAction } from '../../common/data/useAction';
import { fmtMetric } from './logic/metrics-table';

export const MIN_CALIBRATION_VIDEOS = 8;

const METHOD_LABEL = {
  logistic: 'Logistic (score → MOS)',
  ridge: 'Ridge (measurements → MOS)',
} as const;

interface Props {
  result: EvalResult;
}

export function CalibrationPanel({ result }: Props) {
  const calibrateCall = useAction('eval.calibrate');
  // calibrations made here, shown before the next recompute brings them in the result
  const [made, setMade] = useState<Record<number, CalibrationInfo>>({});
  const [running, setRunning] = useState<number | null>(null);
  const calibrate = (runId: number) => {
    setRunning(runId);
    void calibrateCall.run({ runId, source: result.source.id }).then((r) => {
      if (r.ok) setMade((m) => ({ ...m, [runId]: r.value }));
      setRunning(null);
    });
  };
  return (
    <section
      className="eval-card eval-calibration"
      aria-label="Calibration to MOS"
      data-testid="eval-calibration"
    >
      <header className="eval-card-header">
        <h2>Calibration to your MOS</h2>
        <span className="muted">
          Maps a run onto {result.source.label} (scale {result.source.scale}); figures are 5-fold
          cross-validated: each video is predicted by a model fitted without it.
        </span>
      </header>
      {result.runs.map((r) => {
        const c = made[r.run.id] ?? r.calibration;
        const enough = r.n >= MIN_CALIBRATION_VIDEOS;
        return (
          <div
            key={r.run.id}
            className="eval-calibration-run"
            data-testid={`calibration-${r.run.id}`}
          >
            <div className="eval-actions">
              <strong>{r.run.label}</strong>
              {enough ? (
                <button
                  type="button"
                  data-testid={`calibrate-${r.run.id}`}
                  disabled={running !== null}
                  onClick={() => calibrate(r.run.id)}
                >
                  {running === r.run.id ? 'Calibrating…' : c ? 'Recalibrate' : 'Calibrate'}
                </button>
              ) : (
                <span className="muted" data-testid={`calibrate-needs-${r.run.id}`}>
                  Calibration needs {MIN_CALIBRATION_VIDEOS} videos with both a MOS and a score of
                  this run (has {r.n}).
                </span>
              )}
            </div>
            {c ? (
              <>
                <table className="eval-table compact" data-testid={`calibration-table-${r.run.id}`}>
                  <thead>
                    <tr>
                      <th>Model</th>
                      <th
                        className="num"
                        title="Spearman rank correlation of the out-of-fold predictions with MOS"
                      >
                        CV SRCC
                      </th>
                      <th
                        className="num"
                        title="Pearson correlation of the out-of-fold predictions with MOS"
                      >
                        CV PLCC
                      </th>
                      <th
                        className="num"
                        title="Root mean square error of the out-of-fold predictions, on the MOS scale"
                      >
                        CV RMSE
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.models.map((m) => (
                      <tr
                        key={m.method}
                        className={m.method === c.method ? 'eval-chosen' : ''}
                        data-testid={`calibration-${r.run.id}-${m.method}`}
                      >
                        <td>{METHOD_LABEL[m.method]}</td>
                        <td className="num">{fmtMetric(m.srcc)}</td>
                        <td className="num">{fmtMetric(m.plcc)}</td>
                        <td className="num">{fmtMetric(m.rmse)}</td>
                      </tr>
                    ))}
                    <tr className="muted">
                      <td>Raw score (no calibration)</td>
                      <td className="num" data-testid={`calibration-${r.run.id}-raw`}>
                        {fmtMetric(c.rawSrcc)}
                      </td>
                      <td />
                      <td />
                    </tr>
                  </tbody>
                </table>
                <p className="muted eval-explain" data-testid={`calibration-summary-${r.run.id}`}>
                  ★ {c.method} is used for the library’s Predicted MOS: ±{' '}
                  {c.interval95?.toFixed(2) ?? '—'} (95 %, cut at the scale’s ends) on unrated
                  videos. Fitted on {c.n} rated videos, {c.folds} folds, seed {c.seed},{' '}
                  {c.createdAt.slice(0, 16).replace('T', ' ')} UTC.
                </p>
              </>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}
