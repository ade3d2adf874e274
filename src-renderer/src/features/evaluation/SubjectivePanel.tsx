// Human-rating statistics of the MOS source: observers, votes, Krippendorff's alpha, BT.500 screening.
import type { EvalResult } from '../../../../src-shared/contract-evaluation';
import { fmtMetric, mosCsv } from './logic/metrics-table';
import { downloadBlob } from './logic/plot';

export function SubjectivePanel({
  result,
  projectName,
}: {
  result: EvalResult;
  projectName: string;
}) {
  const m = result.mos;
  const isVotes = result.source.id === 'annotations';
  const withCi = m.perVideo.filter((v) => v.ci95);
  const meanHalf = withCi.length
    ? withCi.reduce((s, v) => s + (v.ci95![1] - v.ci95![0]) / 2, 0) / withCi.length
    : null;
  return (
    <section
      className="eval-card eval-subjective"
      aria-label="Human ratings"
      data-testid="eval-subjective"
    >
      <header className="eval-card-header">
        <h2>Human ratings</h2>
      </header>
      <dl className="eval-facts">
        <dt>MOS source</dt>
        <dd>
          {result.source.label} (scale {result.source.scale})
        </dd>
        <dt>Videos with MOS</dt>
        <dd>{m.videos}</dd>
        {isVotes ? (
          <>
            <dt>Votes / observers</dt>
            <dd>
              {m.ratings} / {m.observers}
            </dd>
            <dt title="Mean half-width of the per-video 95 % confidence intervals (Student t)">
              Mean 95 % CI ±
            </dt>
            <dd>{meanHalf == null ? '— (one vote per video)' : meanHalf.toFixed(2)}</dd>
            <dt title="Krippendorff's alpha, interval metric, over videos with at least two votes">
              Krippendorff α (interval)
            </dt>
            <dd data-testid="eval-alpha">{fmtMetric(m.alpha, 3)}</dd>
          </>
        ) : null}
      </dl>
      {isVotes && m.screening.length ? (
        <>
          <h3 title="ITU-R BT.500-14 Annex 1 §A1-2.3.1: β2 kurtosis test per video, reject when (P+Q)/J > 0.05 and |P−Q|/(P+Q) < 0.3">
            BT.500 observer screening
          </h3>
          <p className="muted eval-explain" data-testid="eval-pq-explain">
            P / Q: how many videos this observer rated above / below the other observers’ usual
            range (mean ± 2 SD, or ± √20 SD when the votes are not normally distributed); an
            observer is rejected when P and Q are frequent and lopsided.
          </p>
          <table className="eval-table compact" data-testid="eval-screening">
            <thead>
              <tr>
                <th>Observer</th>
                <th className="num">Rated</th>
                <th className="num" title="videos rated above the others' range">
                  P
                </th>
                <th className="num" title="videos rated below the others' range">
                  Q
                </th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {m.screening.map((o) => (
                <tr key={o.observer}>
                  <td>{o.observer}</td>
                  <td className="num">{o.rated}</td>
                  <td className="num">{o.p}</td>
                  <td className="num">{o.q}</td>
                  <td className={o.rejected ? 'eval-warn' : ''}>
                    {o.rejected
                      ? m.excluded.includes(o.observer)
                        ? 'rejected, excluded'
                        : 'rejected'
                      : 'kept'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <div className="eval-actions">
        <button
          type="button"
          data-testid="eval-export-mos"
          onClick={() =>
            downloadBlob(new Blob([mosCsv(result)], { type: 'text/csv' }), `${projectName}-mos.csv`)
          }
        >
          Export MOS per video (CSV)
        </button>
      </div>
    </section>
  );
}
