// The assistant chat beside the review player (issue 7).
import type { VideoScores } from '../../../../src-preload/contract';
import type { PlayerController } from '../../lib/review/player';
import type { TimeSpan } from '../../lib/review/time';

export interface AssistantPanelProps {
  videoId: number;
  controller: PlayerController;
  durationSec: number;
  segments: VideoScores['segments'];
  /** Index of the segment under the playhead, if any. */
  currentSegment: number | null;
  /** The selected annotation span, if any. */
  selectedSpan: TimeSpan | null;
}

export function AssistantPanel({ videoId }: AssistantPanelProps) {
  return (
    <section className="assistant-panel" data-testid="assistant-panel" aria-label="Assistant">
      <h2>Assistant</h2>
      <p className="muted">Video {videoId}</p>
    </section>
  );
}
