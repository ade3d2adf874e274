// "Models…": the studio-wide list of in-process model folders. Add one by its path (validated by the
// main process; a folder that fails is refused with the reason and nothing is added), read its
// details (architecture, parameters, dtype and size per file, estimated memory, providers), remove it.
// Refusals show at the top of the dialog.
import { useState } from 'react';
import type { ModelView } from '../../../../../src-shared/contract-models';
import { withErrorScope } from '../../../common/data/error-sink';
import { useAction } from '../../../common/data/useAction';
import { useCall } from '../../../common/data/useCall';
import { Modal } from '../../../common/ui/Modal';
import { ModelDetails } from './ModelDetails';
import './models.css';

const NO_MODELS: ModelView[] = [];

export const ModelsDialog = withErrorScope(function ModelsDialog({ onClose }: { onClose(): void }) {
  const list = useCall('models.list', {});
  const models = list.data ?? NO_MODELS;
  const [selected, setSelected] = useState<string | null>(null);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const addCall = useAction('models.add');
  const removeCall = useAction('models.remove');
  const busy = addCall.pending;

  const add = async () => {
    if (!dir.trim()) return;
    const r = await addCall.run({ dir: dir.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
    if (!r.ok) return;
    setDir('');
    setName('');
    list.refetch();
    setSelected(r.value.id);
  };

  const remove = async (id: string) => {
    if ((await removeCall.run({ id })).ok) list.refetch();
  };

  // the chosen model, else the first (on opening, and after the chosen one is removed)
  const current = models.find((m) => m.id === selected) ?? models[0] ?? null;
  return (
    <Modal title="Models" onClose={onClose} testId="models-dialog" className="models-dialog">
      <div className="modal-body models-body">
        <p className="muted models-intro">
          Model folders in the Hugging Face ONNX layout, run inside the studio for scoring, the
          assistant and question sets. They are kept for every project on this machine.
        </p>
        <form
          className="models-add"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <label className="field models-add-dir">
            <span className="section-label">Model folder</span>
            <input
              value={dir}
              onChange={(e) => setDir(e.target.value)}
              placeholder="/models/vqa2-llava-ov-onnx"
              data-testid="model-dir"
              spellCheck={false}
            />
          </label>
          <label className="field models-add-name">
            <span className="section-label">Name (optional)</span>
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={100}
              data-testid="model-name"
            />
          </label>
          <button
            type="submit"
            className="primary"
            disabled={busy || !dir.trim()}
            data-testid="model-add"
          >
            {busy ? 'Checking…' : 'Add'}
          </button>
        </form>
        <div className="models-main">
          <nav className="engine-list models-list" aria-label="Models">
            {models.length === 0 ? (
              <p className="muted">No models yet. Add a folder above.</p>
            ) : null}
            {models.map((m) => (
              <button
                key={m.id}
                type="button"
                className={m.id === current?.id ? 'active' : ''}
                onClick={() => setSelected(m.id)}
                data-testid="model-item"
                data-model={m.id}
              >
                {m.name}
                <span className="muted"> {m.arch}</span>
                {m.missing ? <span className="error-text"> (folder missing)</span> : null}
              </button>
            ))}
          </nav>
          {current ? (
            <ModelDetails model={current} onRemove={() => void remove(current.id)} />
          ) : (
            <div />
          )}
        </div>
      </div>
      <footer className="modal-footer">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </footer>
    </Modal>
  );
});
