// Which model run's scores the library's Score, Level and Segments columns show: one run per
// column, never a mix. Runs are named with date and scope; runs that scored nothing are not offered.
import type { LibraryRunChoice } from './useLibraryRuns';

export function RunPicker({ choice }: { choice: LibraryRunChoice }) {
  const runs = choice.info?.runs ?? [];
  if (!runs.length) return null;
  return (
    <label
      className="run-picker"
      title="The model run whose scores the Score, Level and Segments columns show"
    >
      <span className="muted">Scores of</span>
      <select
        data-testid="run-picker"
        aria-label="Model run shown in the Score columns"
        value={choice.runId ?? ''}
        onChange={(e) => choice.choose(Number(e.target.value))}
      >
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
            {r.id === choice.info?.defaultRunId ? ' (default)' : ''}
            {r.finished ? '' : ' — unfinished'}
            {r.calibrated ? ' · calibrated' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
