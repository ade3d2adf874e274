// Import a dataset file into the project: pairs (LLaVA / Qwen2.5-VL), a rating list, or a
// Q-Bench-Video question set; shows what matched and what did not.
import { useState } from 'react';
import type { ImportKind, ImportReport } from '../../../../src-shared/contract-pairs';
import { MAX_IMPORT_MB, MOS_SCALES } from '../../../../src-shared/contract-pairs';
import { withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { Modal } from '../../common/ui/Modal';

const KIND_LABELS: Record<ImportKind, string> = {
  llava: 'VQA² / LLaVA pairs (JSON)',
  'qwen2.5vl': 'Qwen2.5-VL pairs (JSON)',
  ratings: 'Rating list → MOS',
  qbench: 'Q-Bench-Video question set',
};

export const ImportDialog = withErrorScope(function ImportDialog({
  onImported,
  onClose,
  initialKind = 'llava',
}: {
  onImported(): void;
  onClose(): void;
  initialKind?: ImportKind;
}) {
  const importCall = useAction('pairs.import');
  const [file, setFile] = useState('');
  const [kind, setKind] = useState<ImportKind>(initialKind);
  const [asDraft, setAsDraft] = useState(false);
  const [scale, setScale] = useState<(typeof MOS_SCALES)[number] | ''>('');
  const [maxMB, setMaxMB] = useState('32');
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = async () => {
    setReport(null);
    const r = await importCall.run({
      path: file,
      kind,
      asDraft,
      ...(kind === 'ratings' && scale ? { scale } : {}),
      ...(Number(maxMB) > 0 ? { maxMB: Number(maxMB) } : {}),
    });
    if (!r.ok) return;
    setReport(r.value);
    onImported();
  };
  return (
    <Modal title="Import dataset" onClose={onClose} testId="import-dialog">
      <div className="modal-body export-form">
        <label className="field">
          <span className="section-label">File (absolute path)</span>
          <input
            className="mono"
            data-testid="import-path"
            value={file}
            onChange={(e) => setFile(e.target.value)}
            placeholder="/data/VQA-stage3/state3_only.json"
          />
        </label>
        <label className="field">
          <span className="section-label">Kind</span>
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as ImportKind)}
            data-testid="import-kind"
          >
            {(Object.keys(KIND_LABELS) as ImportKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        {kind === 'llava' || kind === 'qwen2.5vl' ? (
          <label className="choice">
            <input
              type="checkbox"
              checked={asDraft}
              onChange={(e) => setAsDraft(e.target.checked)}
            />{' '}
            Import as drafts (default: approved)
          </label>
        ) : null}
        {kind === 'ratings' ? (
          <label className="field">
            <span className="section-label">MOS scale</span>
            <select value={scale} onChange={(e) => setScale(e.target.value as typeof scale)}>
              <option value="">Detect from the values</option>
              {MOS_SCALES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field">
          <span className="section-label">Size limit (MB; the file is read into memory)</span>
          <input
            type="number"
            min={1}
            max={MAX_IMPORT_MB}
            step={1}
            value={maxMB}
            onChange={(e) => setMaxMB(e.target.value)}
            data-testid="import-max-mb"
          />
        </label>
        {report ? (
          <div data-testid="import-report">
            <p>
              Imported {report.imported} of {report.items} items
              {report.scale ? ` · MOS scale ${report.scale}` : ''}
              {report.setName ? ` · set ${report.setName}` : ''}.
            </p>
            {report.unmatched.length ? (
              <ul className="import-unmatched">
                {report.unmatched.slice(0, 100).map((u) => (
                  <li key={`${u.index}-${u.path}`}>
                    item {u.index}: <span className="mono">{u.path}</span> — {u.reason}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
      <footer className="modal-footer">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={!file}
          onClick={() => void run()}
          data-testid="import-start"
        >
          Import
        </button>
      </footer>
    </Modal>
  );
});
