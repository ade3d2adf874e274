// Who is annotating: shown in the review header; a small popover edits the name (settings.set).
import { useState } from 'react';
import { useApi } from '../../shared/api/api-context';
import { errorMessage } from '../../shared/format';

interface AnnotatorBadgeProps {
  annotator: string | null;
  onChange(name: string): void;
}

export function AnnotatorBadge({ annotator, onChange }: AnnotatorBadgeProps) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(annotator ?? '');
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    try {
      const s = await api.call('settings.set', { annotator: name.trim() });
      onChange(s.annotator);
      setOpen(false);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="menu-anchor">
      <button
        type="button"
        data-testid="annotator-button"
        aria-expanded={open}
        title="Annotations are saved under this name"
        onClick={() => (setName(annotator ?? ''), setOpen((o) => !o))}
      >
        <span className="muted">Annotator</span> {annotator ?? '—'}
      </button>
      {open ? (
        <form
          className="menu annotator-menu"
          data-testid="annotator-menu"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setOpen(false))}
        >
          <label className="field">
            <span>Annotator name</span>
            <input
              autoFocus
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={!!error}
            />
          </label>
          {error ? <p className="error-text">{error}</p> : null}
          <div className="row">
            <div className="spacer" />
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!name.trim()}>
              Save
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
