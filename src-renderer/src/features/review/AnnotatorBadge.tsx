// Who is annotating: shown in the review header; a small popover edits the name (settings.set).
// A failed save shows in the review's error banner and leaves the popover open.
import { useState } from 'react';
import { useAction } from '../../common/data/useAction';

interface AnnotatorBadgeProps {
  annotator: string | null;
  onChange(name: string): void;
}

export function AnnotatorBadge({ annotator, onChange }: AnnotatorBadgeProps) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(annotator ?? '');
  const setSettings = useAction('settings.set');
  const [failed, setFailed] = useState(false);

  const save = async () => {
    const r = await setSettings.run({ annotator: name.trim() });
    setFailed(!r.ok);
    if (!r.ok) return;
    onChange(r.value.annotator);
    setOpen(false);
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
              aria-invalid={failed}
            />
          </label>
          <div className="row">
            <div className="spacer" />
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="submit"
              className="primary"
              disabled={!name.trim() || setSettings.pending}
            >
              Save
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
