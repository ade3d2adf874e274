// "Models…": the studio-wide list of in-process model folders. Add one by its path (validated by the
// main process; a folder that fails is refused with the reason and nothing is added), read its
// details (architecture, parameters, dtype and size per file, estimated memory, providers), remove it.
import { useCallback, useEffect, useState } from 'react';
import type { ModelView } from '../../../../../src-shared/contract-models';
import { useApi } from '../../../shared/api/api-context';
import { errorMessage } from '../../../shared/format';
import { Modal } from '../../../shared/ui/Modal';
import { ModelDetails } from './ModelDetails';
import './models.css';

export function ModelsDialog({ onClose }: { onClose(): void }) {
  const api = useApi();
  const [models, setModels] = useState<ModelView[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await api.call('models.list', {});
      setModels(list);
      return list;
    } catch (e) {
      setError(errorMessage(e));
      return [];
    }
  }, [api]);
  useEffect(() => {
    void load().then((list) => setSelected((s) => s ?? list[0]?.id ?? null));
  }, [load]);

  const add = async () => {
    if (!dir.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const m = await api.call('models.add', {
        dir: dir.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setDir('');
      setName('');
      await load();
      setSelected(m.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    setError(null);
    try {
      await api.call('models.remove', { id });
      const list = await load();
      setSelected(list[0]?.id ?? null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const current = models.find((m) => m.id === selected) ?? null;
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
        {error ? (
          <p className="error-text" role="alert" data-testid="model-error">
            {error}
          </p>
        ) : null}
        <div className="models-main">
          <nav className="engine-list models-list" aria-label="Models">
            {models.length === 0 ? (
              <p className="muted">No models yet. Add a folder above.</p>
            ) : null}
            {models.map((m) => (
              <button
                key={m.id}
                type="button"
                className={m.id === selected ? 'active' : ''}
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
}
