// Human ratings beside the player: the video's MOS (ACR 1–5, keys 1–5), the current segment's
// rating (Shift+1–5), the annotator's spans with tag and note, and free-text notes. Every
// change is one call (autosave); the parent owns undo.
import { useState } from 'react';
import {
  DISTORTION_TAGS,
  type Annotation,
  type DistortionTag,
} from '../../../../src-shared/contract';
import type { Annotations, PutInput } from './useAnnotations';
import { formatSpan } from '../scoring/logic/score-details';

/** ACR labels of ITU-T P.910. */
export const ACR_LABELS = ['Bad', 'Poor', 'Fair', 'Good', 'Excellent'] as const;

interface AnnotationPanelProps {
  videoId: number;
  annotations: Annotations;
  currentSegment: number | null;
  selectedSpanId: number | null;
  onSelectSpan(id: number | null): void;
  onRateVideo(rating: number): void;
  onRateSegment(rating: number): void;
  onSeek(sec: number): void;
  disabled: boolean;
  /** Why the panel is disabled, when it is not just waiting for the annotator name. */
  disabledReason?: string;
}

export function AnnotationPanel(p: AnnotationPanelProps) {
  const a = p.annotations;
  const segRating =
    p.currentSegment === null ? null : (a.segmentRatings.get(p.currentSegment)?.rating ?? null);
  const editSpan = (s: Annotation, change: Partial<PutInput>, label: string) =>
    void a.edit(s, change, label);

  return (
    <section className="annotation-panel" aria-label="Annotation" data-testid="annotation-panel">
      {p.disabled ? (
        <p className="hint" data-testid="annotation-disabled">
          {p.disabledReason ?? 'Loading the annotator name… ratings are saved under it.'}
        </p>
      ) : null}
      <div className="rating-block">
        <span className="section-label">Video MOS · keys 1–5</span>
        <RatingButtons
          value={a.mos?.rating ?? null}
          onRate={p.onRateVideo}
          disabled={p.disabled}
          testId="mos"
        />
      </div>
      <div className="rating-block">
        <span className="section-label">Segment {p.currentSegment ?? '—'} · Shift+1–5</span>
        <RatingButtons
          value={segRating}
          onRate={p.onRateSegment}
          disabled={p.disabled || p.currentSegment === null}
          testId="segment-rating"
        />
      </div>

      <div className="spans-block">
        <span className="section-label">Spans ({a.spans.length})</span>
        {a.spans.length === 0 ? (
          <p className="hint">Drag on the Annotations lane of the timeline to mark a distortion.</p>
        ) : (
          <ul className="span-list" data-testid="span-list">
            {a.spans.map((s) => (
              <li
                key={s.id}
                className={s.id === p.selectedSpanId ? 'selected' : ''}
                data-testid="span-item"
                onClick={() => p.onSelectSpan(s.id)}
              >
                <button
                  type="button"
                  className="link-button mono"
                  onClick={() => p.onSeek(s.startSec ?? 0)}
                >
                  {formatSpan(s.startSec ?? 0, s.endSec ?? 0)}
                </button>
                <select
                  aria-label="Tag"
                  value={s.tag ?? ''}
                  data-testid="span-tag"
                  onChange={(e) =>
                    editSpan(
                      s,
                      { tag: (e.target.value || null) as DistortionTag | null },
                      'Tag span',
                    )
                  }
                >
                  <option value="">untagged</option>
                  {DISTORTION_TAGS.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
                <NoteInput
                  value={s.text ?? ''}
                  placeholder="note"
                  onSave={(text) => editSpan(s, { text: text || null }, 'Edit span note')}
                />
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Delete span"
                  onClick={() => void a.remove(s, 'Delete span')}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="notes-block">
        <span className="section-label">Notes</span>
        {a.notes.map((n) => (
          <div key={n.id} className="note-row">
            <NoteInput
              multiline
              value={n.text ?? ''}
              placeholder="note"
              onSave={(text) =>
                text ? void a.edit(n, { text }, 'Edit note') : void a.remove(n, 'Delete note')
              }
            />
          </div>
        ))}
        <NoteInput
          multiline
          key={a.notes.length}
          value=""
          placeholder="Add a note about this video…"
          testId="new-note"
          onSave={(text) =>
            text && void a.put({ videoId: p.videoId, kind: 'note', text }, null, 'Add note')
          }
        />
      </div>
    </section>
  );
}

function RatingButtons(p: {
  value: number | null;
  onRate(r: number): void;
  disabled: boolean;
  testId: string;
}) {
  return (
    <div
      className="rating-buttons"
      role="radiogroup"
      data-testid={p.testId}
      data-value={p.value ?? ''}
    >
      {ACR_LABELS.map((label, i) => (
        <button
          key={label}
          type="button"
          role="radio"
          aria-checked={p.value === i + 1}
          className={p.value === i + 1 ? 'active' : ''}
          disabled={p.disabled}
          title={label}
          onClick={() => p.onRate(i + 1)}
        >
          <span className="rating-num">{i + 1}</span> <span className="rating-label">{label}</span>
        </button>
      ))}
    </div>
  );
}

/** A text field saved on blur or Enter (one call per edit, not per keystroke). */
function NoteInput(p: {
  value: string;
  placeholder: string;
  multiline?: boolean;
  testId?: string;
  onSave(text: string): void;
}) {
  const [text, setText] = useState(p.value);
  const [seen, setSeen] = useState(p.value);
  // A saved value from elsewhere (undo, another window) replaces the field's text.
  if (p.value !== seen) {
    setSeen(p.value);
    setText(p.value);
  }
  const save = () => {
    const t = text.trim();
    if (t !== p.value.trim()) p.onSave(t);
  };
  const common = {
    value: text,
    placeholder: p.placeholder,
    'aria-label': p.placeholder,
    'data-testid': p.testId,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setText(e.target.value),
    onBlur: save,
  };
  return p.multiline ? (
    <textarea
      {...common}
      rows={2}
      className="note-input"
      onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.currentTarget.blur()}
    />
  ) : (
    <input
      {...common}
      className="note-input"
      onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
    />
  );
}
