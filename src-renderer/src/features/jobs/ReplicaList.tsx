// Per-replica figures of an engine job spread over several servers: load, answers per minute,
// mean answer time, failures (with the last error on hover) and whether it is marked down.
import type { ReplicaStats } from '../../../../src-shared/contract';
import { formatCount } from '../../common/format';

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return url;
  }
}

export function ReplicaList({ replicas }: { replicas: ReplicaStats[] }) {
  return (
    <table className="replica-list" data-testid="job-replicas">
      <thead>
        <tr>
          <th scope="col">Replica</th>
          <th scope="col">State</th>
          <th scope="col" className="num">
            In flight
          </th>
          <th scope="col" className="num">
            Answers
          </th>
          <th scope="col" className="num">
            / min
          </th>
          <th scope="col" className="num">
            Mean time
          </th>
          <th scope="col" className="num">
            Errors
          </th>
        </tr>
      </thead>
      <tbody>
        {replicas.map((r) => (
          <tr key={r.url} data-testid="job-replica" data-down={r.down || undefined}>
            <td className="mono truncate" title={r.url}>
              {hostOf(r.url)}
            </td>
            <td>
              <span className={`replica-state ${r.down ? 'down' : 'up'}`}>
                {r.down ? 'down, retrying later' : 'up'}
              </span>
            </td>
            <td className="num">{r.inFlight}</td>
            <td className="num">{formatCount(r.ok)}</td>
            <td className="num">{r.perMin.toFixed(1)}</td>
            <td className="num">{r.avgMs === null ? '–' : `${(r.avgMs / 1000).toFixed(2)} s`}</td>
            <td className={`num${r.failed ? ' error-text' : ''}`} title={r.lastError ?? undefined}>
              {formatCount(r.failed)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
