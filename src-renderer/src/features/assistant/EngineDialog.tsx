// OpenAI-compatible engines (vLLM, Ollama, LM Studio, …): base URL, model, API key (write-only:
// kept by the main process in the host's secret store, never shown again), frames and timeouts.
import { useState } from 'react';
import type { EngineView } from '../../../../src-shared/contract-assistant';
import { withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { Modal } from '../../common/ui/Modal';

interface Draft {
  id?: string;
  name: string;
  baseUrl: string;
  model: string;
  apiKey: string;
  clearKey: boolean;
  maxFrames: string;
  maxSide: string;
  timeoutSec: string;
  videoMode: 'frames' | 'video_url';
  prefill: 'continue_final_message' | 'assistant';
  hasKey: boolean;
  /** One URL per line. */
  replicaUrls: string;
  concurrency: string;
}

const blank: Draft = {
  name: '',
  baseUrl: 'http://127.0.0.1:8000/v1',
  model: '',
  apiKey: '',
  clearKey: false,
  maxFrames: '16',
  maxSide: '384',
  timeoutSec: '120',
  videoMode: 'frames',
  prefill: 'continue_final_message',
  hasKey: false,
  replicaUrls: '',
  concurrency: '1',
};

const toDraft = (e: EngineView): Draft => ({
  ...e,
  apiKey: '',
  clearKey: false,
  maxFrames: String(e.maxFrames),
  maxSide: String(e.maxSide),
  timeoutSec: String(e.timeoutSec),
  replicaUrls: e.replicaUrls.join('\n'),
  concurrency: String(e.concurrency),
});

/** Where a typed key is kept, in the words the user needs (from the host's secret store kind). */
export function keyStorageNote(kind: string): string {
  if (kind === 'safeStorage')
    return 'Kept encrypted by the operating system (Electron safeStorage); never shown again.';
  if (kind.endsWith('memory'))
    return 'Kept in this studio server’s memory only, until it stops; type it again after a restart. For a lasting key use the desktop app, or the CLI’s --api-key-env.';
  return '';
}

export const EngineDialog = withErrorScope(function EngineDialog({
  engines,
  secretStore,
  onChanged,
  onClose,
}: {
  engines: EngineView[];
  secretStore: string;
  onChanged(): void;
  onClose(): void;
}) {
  const [draft, setDraft] = useState<Draft>(engines[0] ? toDraft(engines[0]) : blank);
  const putCall = useAction('assistant.putEngine');
  const deleteCall = useAction('assistant.deleteEngine');
  const busy = putCall.pending;
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async () => {
    const r = await putCall.run({
      ...(draft.id ? { id: draft.id } : {}),
      name: draft.name,
      baseUrl: draft.baseUrl,
      model: draft.model,
      ...(draft.apiKey ? { apiKey: draft.apiKey } : {}),
      ...(draft.clearKey ? { clearKey: true } : {}),
      maxFrames: Number(draft.maxFrames),
      maxSide: Number(draft.maxSide),
      timeoutSec: Number(draft.timeoutSec),
      videoMode: draft.videoMode,
      prefill: draft.prefill,
      replicaUrls: draft.replicaUrls.split(/\s+/).filter(Boolean),
      concurrency: Number(draft.concurrency),
    });
    if (!r.ok) return;
    setDraft(toDraft(r.value));
    onChanged();
  };

  const remove = async () => {
    if (!draft.id) return;
    // the form is cleared either way; a failure shows at the top of the dialog
    await deleteCall.run({ id: draft.id });
    setDraft(blank);
    onChanged();
  };

  return (
    <Modal
      title="OpenAI-compatible engines"
      onClose={onClose}
      testId="engine-dialog"
      className="engine-dialog"
    >
      <div className="modal-body engine-body">
        <nav className="engine-list" aria-label="Engines">
          {engines.map((e) => (
            <button
              key={e.id}
              type="button"
              className={e.id === draft.id ? 'active' : ''}
              onClick={() => setDraft(toDraft(e))}
            >
              {e.name}
              <span className="muted"> {e.model}</span>
            </button>
          ))}
          <button
            type="button"
            className={!draft.id ? 'active' : ''}
            onClick={() => setDraft(blank)}
            data-testid="engine-new"
          >
            + New engine
          </button>
        </nav>
        <form
          className="engine-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="field">
            <span className="section-label">Name</span>
            <input
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
              data-testid="engine-name"
              required
              maxLength={100}
            />
          </label>
          <label className="field">
            <span className="section-label">Base URL</span>
            <input
              value={draft.baseUrl}
              onChange={(e) => set({ baseUrl: e.target.value })}
              data-testid="engine-url"
              required
              placeholder="http://127.0.0.1:8000/v1"
            />
            <span className="hint">
              vLLM: http://HOST:8000/v1 · Ollama: http://127.0.0.1:11434/v1 · LM Studio:
              http://127.0.0.1:1234/v1
            </span>
          </label>
          <label className="field">
            <span className="section-label">Model</span>
            <input
              value={draft.model}
              onChange={(e) => set({ model: e.target.value })}
              data-testid="engine-model"
              required
              placeholder="q-future/VQA2-LLaVA-OneVision"
            />
          </label>
          <label className="field">
            <span className="section-label">API key</span>
            <input
              type="password"
              autoComplete="off"
              value={draft.apiKey}
              onChange={(e) => set({ apiKey: e.target.value })}
              data-testid="engine-key"
              placeholder={draft.hasKey ? 'a key is stored — type to replace' : 'none'}
            />
            {keyStorageNote(secretStore) ? (
              <span className="hint" data-testid="engine-key-storage">
                {keyStorageNote(secretStore)}
              </span>
            ) : null}
            {draft.hasKey ? (
              <label className="choice">
                <input
                  type="checkbox"
                  checked={draft.clearKey}
                  onChange={(e) => set({ clearKey: e.target.checked })}
                />{' '}
                Forget the stored key
              </label>
            ) : null}
          </label>
          <div className="field-row">
            <label className="field">
              <span className="section-label">Key frames (max)</span>
              <input
                type="number"
                min={1}
                max={64}
                value={draft.maxFrames}
                onChange={(e) => set({ maxFrames: e.target.value })}
              />
            </label>
            <label className="field">
              <span className="section-label">Frame size (px)</span>
              <input
                type="number"
                min={64}
                max={1536}
                value={draft.maxSide}
                onChange={(e) => set({ maxSide: e.target.value })}
              />
            </label>
            <label className="field">
              <span className="section-label">Timeout (s)</span>
              <input
                type="number"
                min={1}
                max={3600}
                value={draft.timeoutSec}
                onChange={(e) => set({ timeoutSec: e.target.value })}
              />
            </label>
          </div>
          <div className="field-row">
            <label className="field">
              <span className="section-label">More replicas (one base URL per line)</span>
              <textarea
                rows={2}
                value={draft.replicaUrls}
                onChange={(e) => set({ replicaUrls: e.target.value })}
                data-testid="engine-replicas"
                placeholder="http://10.0.0.2:8000/v1"
              />
              <span className="hint">
                Other servers running the same model; requests are spread over all, failures retried
                on another.
              </span>
            </label>
            <label className="field">
              <span className="section-label">Requests per server</span>
              <input
                type="number"
                min={1}
                max={64}
                value={draft.concurrency}
                onChange={(e) => set({ concurrency: e.target.value })}
                data-testid="engine-concurrency"
              />
            </label>
          </div>
          <div className="field-row">
            <label className="field">
              <span className="section-label">Video as</span>
              <select
                value={draft.videoMode}
                onChange={(e) => set({ videoMode: e.target.value as Draft['videoMode'] })}
              >
                <option value="frames">key frames (image_url, 1 fps)</option>
                <option value="video_url">video_url (servers that accept video)</option>
              </select>
            </label>
            <label className="field">
              <span className="section-label">Scoring prefill</span>
              <select
                value={draft.prefill}
                onChange={(e) => set({ prefill: e.target.value as Draft['prefill'] })}
              >
                <option value="continue_final_message">continue_final_message (vLLM)</option>
                <option value="assistant">final assistant message only</option>
              </select>
            </label>
          </div>
          <footer className="modal-footer">
            {draft.id ? (
              <button type="button" onClick={() => void remove()}>
                Delete
              </button>
            ) : null}
            <button type="button" onClick={onClose}>
              Close
            </button>
            <button type="submit" className="primary" disabled={busy} data-testid="engine-save">
              Save
            </button>
          </footer>
        </form>
      </div>
    </Modal>
  );
});
