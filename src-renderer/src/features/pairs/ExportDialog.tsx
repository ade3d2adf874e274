// Export: format, which pairs, how videos and time ranges are written, train/val split, output
// folder; for the per-video tables, which run's scores and whether levels are calibrated; then progress (done/total/ETA) with cancel, and the manifest's counts when done.
import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  ExportFormat,
  ExportOptions,
  ExportProgress,
} from '../../../../src-shared/contract-pairs';
import { EXPORT_FORMATS } from '../../../../src-shared/contract-pairs';
import { useApi } from '../../common/api/api-context';
import { formatEta, plural } from '../../common/format';
import { withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { Modal } from '../../common/ui/Modal';
import { LevelsChoice, useRunsInfo } from './LevelsChoice';

const FORMAT_LABELS: Record<ExportFormat, string> = {
  llava: 'VQA² / LLaVA-OneVision JSON',
  'qwen2.5vl': 'Qwen2.5-VL finetune JSON',
  'sharegpt-jsonl': 'ShareGPT messages JSONL',
  'csv-mos': 'MOS table (CSV)',
  'scores-json': 'Model scores (JSON)',
};

/** Pairs an export with this status choice writes (before format-specific leave-outs). */
export function pairsToWrite(
  status: ExportOptions['status'],
  counts: Record<string, number>,
): number {
  const approved = counts.approved ?? 0;
  const drafts = counts.draft ?? 0;
  return status === 'approved' ? approved : status === 'draft' ? drafts : approved + drafts;
}

function exportCountText(status: ExportOptions['status'], counts: Record<string, number>): string {
  const n = pairsToWrite(status, counts);
  const of = `${plural(counts.approved ?? 0, 'approved pair')}, ${plural(counts.draft ?? 0, 'draft')}, ${counts.rejected ?? 0} rejected in the project`;
  if (n === 0 && status === 'approved')
    return `No approved pairs to write (${of}): approve drafts first, or choose Drafts.`;
  return `Writes ${plural(n, 'pair')} (${of}).`;
}

export const ExportDialog = withErrorScope(function ExportDialog({
  defaultDir,
  onClose,
}: {
  defaultDir: string;
  onClose(): void;
}) {
  const api = useApi();
  const [opts, setOpts] = useState<ExportOptions>({
    format: 'llava',
    outDir: defaultDir,
    status: 'approved',
    videos: 'copy',
    ranges: 'prompt',
    valFraction: 0,
    seed: 0,
  });
  const runs = useRunsInfo();
  const [jobId, setJobId] = useState<string | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const exportCall = useAction('pairs.export');
  const cancelCall = useAction('pairs.cancelExport');
  // A small export can finish before `pairs.export` returns its job id: every job's latest event
  // is kept, and the started job's is shown once its id is known.
  const latest = useRef(new Map<string, ExportProgress>());
  const startedId = useRef<string | null>(null);
  useEffect(
    () =>
      api.on('pairs.exportProgress', (p) => {
        latest.current.set(p.jobId, p);
        if (p.jobId === startedId.current) setProgress(p);
      }),
    [api],
  );
  // how many pairs each choice writes, said before Export is pressed
  const counts = useCall('pairs.facets', {}, { quiet: true }).data?.counts ?? null;
  const pairFormat = opts.format !== 'csv-mos' && opts.format !== 'scores-json';
  const set = <K extends keyof ExportOptions>(k: K, v: ExportOptions[K]) =>
    setOpts((o) => ({ ...o, [k]: v }));
  const setLevels = useCallback(
    (v: NonNullable<ExportOptions['levels']>) => setOpts((o) => ({ ...o, levels: v })),
    [],
  );
  const start = async () => {
    setProgress(null);
    startedId.current = null;
    // run and levels matter only to the per-video tables; pair formats do not take them
    const { runId, levels, ...rest } = opts;
    const r = await exportCall.run(pairFormat ? rest : { ...rest, runId, levels });
    if (!r.ok) return;
    const id = r.value.jobId;
    startedId.current = id;
    setJobId(id);
    const early = latest.current.get(id);
    if (early) setProgress(early);
  };
  const running = jobId != null && (progress == null || progress.status === 'running');
  const toWrite = counts ? pairsToWrite(opts.status, counts) : null;
  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0;

  return (
    <Modal title="Export dataset" onClose={onClose} testId="export-dialog">
      <div className="modal-body export-form">
        <label className="field">
          <span className="section-label">Format</span>
          <select
            data-testid="export-format"
            value={opts.format}
            onChange={(e) => set('format', e.target.value as ExportFormat)}
          >
            {EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            <span className="section-label">Pairs</span>
            <select
              data-testid="export-status"
              disabled={!pairFormat}
              value={opts.status}
              onChange={(e) => set('status', e.target.value as ExportOptions['status'])}
            >
              <option value="approved">Approved</option>
              <option value="draft">Drafts</option>
              <option value="all">All but rejected</option>
            </select>
          </label>
          <label className="field">
            <span className="section-label">Videos</span>
            <select
              data-testid="export-videos"
              value={opts.videos}
              onChange={(e) => set('videos', e.target.value as ExportOptions['videos'])}
            >
              <option value="copy">Copy into videos/</option>
              <option value="hardlink">Hard-link into videos/</option>
              <option value="reference">Symlink (reference) in videos/</option>
            </select>
          </label>
          <label className="field">
            <span className="section-label">Time ranges</span>
            <select
              disabled={!pairFormat}
              value={opts.ranges}
              onChange={(e) => set('ranges', e.target.value as ExportOptions['ranges'])}
            >
              <option value="prompt">State the range in the prompt</option>
              <option value="clip">Extract clips (ffmpeg)</option>
            </select>
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span className="section-label">Validation share (by video)</span>
            <input
              type="number"
              min={0}
              max={0.9}
              step={0.05}
              disabled={!pairFormat}
              value={opts.valFraction}
              onChange={(e) =>
                set('valFraction', Math.min(0.9, Math.max(0, Number(e.target.value) || 0)))
              }
            />
          </label>
          <label className="field">
            <span className="section-label">Split seed</span>
            <input
              type="number"
              min={0}
              step={1}
              disabled={!pairFormat}
              value={opts.seed}
              onChange={(e) => set('seed', Math.max(0, Math.floor(Number(e.target.value) || 0)))}
            />
          </label>
        </div>
        {pairFormat ? null : (
          <>
            <label className="field">
              <span className="section-label">Scores of</span>
              <select
                data-testid="export-run"
                value={opts.runId ?? ''}
                onChange={(e) =>
                  set('runId', e.target.value === '' ? undefined : Number(e.target.value))
                }
              >
                <option value="">
                  Library default{runs?.defaultRunId != null ? ` (#${runs.defaultRunId})` : ''}
                </option>
                {(runs?.runs ?? []).map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                    {r.calibrated ? ' · calibrated' : ''}
                  </option>
                ))}
              </select>
            </label>
            <LevelsChoice
              info={runs}
              runId={opts.runId}
              value={opts.levels ?? 'model'}
              onChange={setLevels}
              testId="export-levels"
            />
          </>
        )}
        {pairFormat && counts ? (
          <p className={toWrite === 0 ? 'hint warn-text' : 'hint'} data-testid="export-count">
            {exportCountText(opts.status, counts)}
          </p>
        ) : null}
        <label className="field">
          <span className="section-label">Output folder (new or empty; written atomically)</span>
          <input
            data-testid="export-out"
            className="mono"
            value={opts.outDir}
            onChange={(e) => set('outDir', e.target.value)}
          />
        </label>
        {progress ? (
          <div
            className="export-progress"
            data-testid="export-progress"
            data-status={progress.status}
          >
            <div className="progress-track">
              <div
                className="progress-fill"
                style={{ width: `${progress.status === 'done' ? 100 : pct}%` }}
              />
            </div>
            <p>
              {progress.status === 'running'
                ? `${progress.phase} ${progress.done}/${progress.total}${progress.etaSec != null ? ` · ${formatEta(progress.etaSec)}` : ''}`
                : null}
              {progress.status === 'done' && progress.manifest
                ? `Wrote ${plural(progress.manifest.counts.samples, 'sample')} (${progress.manifest.counts.train} train, ${progress.manifest.counts.val} val), ${plural(progress.manifest.counts.videos, 'video')}, ${plural(progress.manifest.counts.clips, 'clip')} to ${progress.outDir}`
                : null}
              {progress.status === 'failed' ? (
                <span className="error-text">Export failed: {progress.error}</span>
              ) : null}
              {progress.status === 'cancelled' ? 'Cancelled; nothing was written.' : null}
            </p>
          </div>
        ) : null}
      </div>
      <footer className="modal-footer">
        {running && jobId ? (
          <button
            type="button"
            className="danger-outline"
            onClick={() => void cancelCall.run({ jobId })}
          >
            Cancel export
          </button>
        ) : null}
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          data-testid="export-start"
          disabled={running || !opts.outDir}
          onClick={() => void start()}
        >
          Export
        </button>
      </footer>
    </Modal>
  );
});
