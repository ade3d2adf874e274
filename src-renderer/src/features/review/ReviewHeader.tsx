// The review screen's header: back, the video's name, score and level, undo/redo, position in
// the library's order with previous/next, the assistant toggle and the annotator.
import type { VideoRow, VideoScores } from '../../../../src-shared/contract';
import type { Annotations } from './useAnnotations';
import type { ReviewTarget } from './useReviewTarget';
import { formatCount } from '../../common/format';
import { levelOfScore } from '../../common/scores/score-colors';
import { LevelChip, ScoreValue } from '../../common/scores/ScoreCells';
import { AnnotatorBadge } from './AnnotatorBadge';

interface ReviewHeaderProps {
  videoId: number;
  row: VideoRow | null;
  scores: VideoScores | null;
  annotations: Pick<Annotations, 'undoLabel' | 'redoLabel' | 'undo' | 'redo'>;
  target: Pick<ReviewTarget, 'index' | 'total' | 'prev' | 'next'>;
  assistantOpen: boolean;
  onToggleAssistant(): void;
  annotator: string | null;
  onAnnotator(name: string): void;
  onBack(): void;
  onOpen(videoId: number): void;
}

export function ReviewHeader({
  videoId,
  row,
  scores,
  annotations,
  target,
  assistantOpen,
  onToggleAssistant,
  annotator,
  onAnnotator,
  onBack,
  onOpen,
}: ReviewHeaderProps) {
  return (
    <header className="app-header">
      <button
        type="button"
        data-testid="review-back"
        title="Back to the library (Esc)"
        onClick={onBack}
      >
        ← Library
      </button>
      <h1 className="project-name truncate" data-testid="review-title" title={row?.path}>
        {row?.name ?? `Video ${videoId}`}
      </h1>
      <span className="score-big">
        <ScoreValue score={scores?.score ?? row?.videoScore ?? null} />
      </span>
      <LevelChip level={scores?.level ?? levelOfScore(row?.videoScore)} />
      {scores?.run ? (
        <span className="muted mono" data-testid="review-run">
          {scores.run.name}
        </span>
      ) : null}
      <div className="spacer" />
      <button
        type="button"
        disabled={!annotations.undoLabel}
        title={annotations.undoLabel ? `Undo ${annotations.undoLabel} (Ctrl+Z)` : 'Nothing to undo'}
        data-testid="undo"
        onClick={() => void annotations.undo()}
      >
        Undo
      </button>
      <button
        type="button"
        disabled={!annotations.redoLabel}
        title={
          annotations.redoLabel ? `Redo ${annotations.redoLabel} (Ctrl+Shift+Z)` : 'Nothing to redo'
        }
        data-testid="redo"
        onClick={() => void annotations.redo()}
      >
        Redo
      </button>
      <span className="muted" data-testid="review-position">
        {target.index !== null && target.total
          ? `${formatCount(target.index + 1)} of ${formatCount(target.total)}`
          : ''}
      </span>
      <button
        type="button"
        disabled={!target.prev}
        title="Previous video (P)"
        data-testid="prev-video"
        onClick={() => target.prev && onOpen(target.prev)}
      >
        ‹ Prev
      </button>
      <button
        type="button"
        disabled={!target.next}
        title="Next video (N)"
        data-testid="next-video"
        onClick={() => target.next && onOpen(target.next)}
      >
        Next ›
      </button>
      <button
        type="button"
        aria-pressed={assistantOpen}
        data-testid="assistant-toggle"
        title="Show or hide the assistant chat"
        onClick={onToggleAssistant}
      >
        Assistant
      </button>
      <AnnotatorBadge annotator={annotator} onChange={onAnnotator} />
    </header>
  );
}
