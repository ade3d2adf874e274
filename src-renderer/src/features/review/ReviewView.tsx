// The review screen for one video: player, timeline, segment table and annotation panel, wired
// to one PlayerController and one keyboard map (logic/keys.ts). Opened from the library,
// which stays mounted underneath so its filter, sort and scroll survive the round trip.
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type {
  Annotation,
  DistortionTag,
  LibraryFilter,
  LibrarySort,
  VideoRow,
} from '../../../../src-shared/contract';
import { ErrorOutlet, withErrorScope } from '../../common/data/error-sink';
import { useCall } from '../../common/data/useCall';
import { useAnnotations } from './useAnnotations';
import { useMediaSource } from '../../common/hooks/useMediaSource';
import { useReviewTarget } from './useReviewTarget';
import { nextSpeed, type ReviewAction } from './logic/keys';
import { PlayerController } from './logic/player';
import { adjacentStart, spanIndexAt, type TimeSpan } from './logic/time';
import { AnnotationPanel } from './AnnotationPanel';
import { KeyHints, useReviewKeys } from './ReviewKeys';
import { ReviewHeader } from './ReviewHeader';
import { ReviewPlayer } from './ReviewPlayer';
import { SegmentTable } from './SegmentTable';
import { TagMenu } from './TagMenu';
import { Timeline } from './Timeline';
import { AssistantPanel } from '../assistant/AssistantPanel';

const ASSISTANT_OPEN_KEY = 'vqa2.review.assistantOpen';

/** Assumed until the library row arrives: frame steps need some rate. */
const FALLBACK_FPS = 25;

interface ReviewViewProps {
  videoId: number;
  initialRow: VideoRow | null;
  /** Start here instead of 0 (seconds), e.g. a pair's time range. */
  initialTimeSec?: number | null;
  sort: LibrarySort | undefined;
  filter: LibraryFilter;
  /** The library's chosen run (order of N/P when sorted by score). */
  runId?: number;
  onBack(): void;
  onOpen(videoId: number): void;
}

// its own error scope: the library stays mounted underneath with its own outlet
export const ReviewView = withErrorScope(function ReviewView({
  videoId,
  initialRow,
  initialTimeSec,
  sort,
  filter,
  runId,
  onBack,
  onOpen,
}: ReviewViewProps) {
  const target = useReviewTarget(videoId, sort, filter, initialRow, runId);
  const row = target.row;
  const fps = row?.fps && row.fps > 0 ? row.fps : null;
  // the library's chosen run, so review shows the same scorer as the library's columns; another
  // video's scores never show while this one's load
  const scores = useCall('video.scores', { videoId, runId }, { keepPrevious: false }).data ?? null;
  // the annotator from settings until the header's badge renames it
  const settings = useCall('settings.get', {});
  const [renamed, setAnnotator] = useState<string | null>(null);
  const annotator = renamed ?? settings.data?.annotator ?? null;
  const [currentIdx, setCurrentIdx] = useState<number | null>(null);
  const [selectedSpanId, setSelectedSpanId] = useState<number | null>(null);
  const [tagMenuFor, setTagMenuFor] = useState<number | null>(null);
  const media = useMediaSource(videoId);
  const annotations = useAnnotations(videoId, annotator);
  const controller = useMemo(() => new PlayerController(FALLBACK_FPS), []);
  useEffect(() => () => controller.dispose(), [controller]);
  useEffect(() => {
    if (initialTimeSec != null && initialTimeSec > 0) controller.seekWhenReady(initialTimeSec);
  }, [controller, videoId, initialTimeSec]);
  const [assistantOpen, setAssistantOpen] = useState(
    () => localStorage.getItem(ASSISTANT_OPEN_KEY) === '1',
  );
  const toggleAssistant = () =>
    setAssistantOpen((o) => {
      localStorage.setItem(ASSISTANT_OPEN_KEY, o ? '0' : '1');
      return !o;
    });

  const segments = useMemo(() => scores?.segments ?? [], [scores]);
  const events = useMemo(
    () => [...(scores?.events ?? [])].sort((a, b) => a.startSec - b.startSec),
    [scores],
  );
  const durationSec = row?.durationSec ?? segments[segments.length - 1]?.endSec ?? 0;

  useEffect(() => {
    controller.configure(fps ?? FALLBACK_FPS, durationSec);
  }, [controller, fps, durationSec]);

  useEffect(() => {
    setSelectedSpanId(null);
    setTagMenuFor(null);
    controller.setLoop(null);
  }, [videoId, controller]);

  // The current segment changes a few times a second at most: React state only on a change.
  useEffect(
    () =>
      controller.onTime((t) => {
        const i = spanIndexAt(segments, t);
        setCurrentIdx(i >= 0 ? segments[i]!.idx : null);
      }),
    [controller, segments],
  );

  // The side panels follow the playhead at low priority: while scrubbing, React renders them
  // in interruptible chunks after the playhead and timeline have moved.
  const deferredIdx = useDeferredValue(currentIdx);
  const seek = useCallback((t: number) => controller.seek(t), [controller]);

  const currentSegment =
    currentIdx === null ? null : (segments.find((s) => s.idx === currentIdx) ?? null);
  const selectedSpan = annotations.spans.find((s) => s.id === selectedSpanId) ?? null;

  // A file that could not be read at import has nothing to watch: no rating, span or proxy.
  const unreadable = row?.status === 'failed' ? (row.error ?? 'the file could not be read') : null;

  const rateVideo = useCallback(
    (rating: number) => {
      if (unreadable) return;
      const before = annotations.mos;
      if (before?.rating === rating) return;
      void annotations.put(
        { id: before?.id, videoId, kind: 'mos', rating },
        before,
        `Rate video ${rating}`,
      );
    },
    [annotations, videoId, unreadable],
  );

  const rateSegment = useCallback(
    (rating: number) => {
      if (currentIdx === null || unreadable) return;
      const before = annotations.segmentRatings.get(currentIdx) ?? null;
      if (before?.rating === rating) return;
      void annotations.put(
        { id: before?.id, videoId, kind: 'segment_rating', segmentIdx: currentIdx, rating },
        before,
        `Rate segment ${currentIdx}: ${rating}`,
      );
    },
    [annotations, videoId, currentIdx, unreadable],
  );

  const createSpan = useCallback(
    async (range: TimeSpan) => {
      if (unreadable) return;
      const saved = await annotations.put({ videoId, kind: 'span', ...range }, null, 'Add span');
      if (saved) {
        setSelectedSpanId(saved.id);
        setTagMenuFor(saved.id);
      }
    },
    [annotations, videoId, unreadable],
  );

  const editSpan = useCallback(
    (span: Annotation, change: Partial<TimeSpan & { tag: DistortionTag | null }>, label: string) =>
      void annotations.edit(span, change, label),
    [annotations],
  );

  const toggleLoop = useCallback(() => {
    if (controller.loop) return controller.setLoop(null);
    const range: TimeSpan | null = selectedSpan
      ? { startSec: selectedSpan.startSec ?? 0, endSec: selectedSpan.endSec ?? 0 }
      : currentSegment;
    if (range) controller.setLoop({ startSec: range.startSec, endSec: range.endSec });
  }, [controller, selectedSpan, currentSegment]);

  const run = useCallback(
    (a: ReviewAction, focusInSegments: boolean) => {
      switch (a.type) {
        case 'togglePlay':
          return controller.togglePlay();
        case 'pause':
          return controller.setSpeed(0);
        case 'forward':
        case 'reverse':
          return controller.setSpeed(nextSpeed(controller.speed, a.type === 'forward' ? 1 : -1));
        case 'frame':
          return controller.stepFrame(a.delta);
        case 'seekBy':
          return controller.seekBy(a.sec);
        case 'segment':
        case 'event': {
          const t = adjacentStart(a.type === 'segment' ? segments : events, controller.time, a.dir);
          if (t !== null) controller.seek(t);
          return;
        }
        case 'loop':
          return toggleLoop();
        case 'mos':
          // With the segment table focused, digits rate the segment under the playhead.
          return focusInSegments ? rateSegment(a.rating) : rateVideo(a.rating);
        case 'segmentRating':
          return rateSegment(a.rating);
        case 'deleteSpan':
          if (selectedSpan) {
            setSelectedSpanId(null);
            void annotations.remove(selectedSpan, 'Delete span');
          }
          return;
        case 'tagMenu':
          if (selectedSpan) setTagMenuFor(selectedSpan.id);
          return;
        case 'undo':
          return void annotations.undo();
        case 'redo':
          return void annotations.redo();
        case 'video': {
          const id = a.dir > 0 ? target.next : target.prev;
          if (id) onOpen(id);
          return;
        }
        case 'back':
          if (selectedSpanId !== null) return setSelectedSpanId(null);
          return onBack();
      }
    },
    [
      controller,
      segments,
      events,
      toggleLoop,
      rateSegment,
      rateVideo,
      selectedSpan,
      selectedSpanId,
      annotations,
      target.next,
      target.prev,
      onOpen,
      onBack,
    ],
  );

  useReviewKeys(run);

  const tagSpan =
    tagMenuFor === null ? null : (annotations.spans.find((s) => s.id === tagMenuFor) ?? null);
  const closeTagMenu = useCallback(() => setTagMenuFor(null), []);
  const pickTag = useCallback(
    (tag: DistortionTag) => {
      if (tagSpan) editSpan(tagSpan, { tag }, `Tag span ${tag}`);
      setTagMenuFor(null);
    },
    [tagSpan, editSpan],
  );

  // Stable props: the timeline is memoized, so a seek that changes only the current segment
  // re-renders the side panel, not every lane.
  const onCreateSpan = useCallback((r: TimeSpan) => void createSpan(r), [createSpan]);
  const onEditSpan = useCallback(
    (s: Annotation, r: TimeSpan) => editSpan(s, r, 'Edit span'),
    [editSpan],
  );
  const tagMenu = useMemo(
    () =>
      tagSpan
        ? {
            spanId: tagSpan.id,
            node: <TagMenu current={tagSpan.tag} onPick={pickTag} onClose={closeTagMenu} />,
          }
        : null,
    [tagSpan, pickTag, closeTagMenu],
  );

  const noAnnotator = annotator === null;
  return (
    <div className="review" data-testid="review-view" data-video-id={videoId}>
      <ReviewHeader
        videoId={videoId}
        row={row}
        scores={scores}
        annotations={annotations}
        target={target}
        assistantOpen={assistantOpen}
        onToggleAssistant={toggleAssistant}
        annotator={annotator}
        onAnnotator={setAnnotator}
        onBack={onBack}
        onOpen={onOpen}
      />
      <ErrorOutlet />
      <div className={assistantOpen ? 'review-main with-assistant' : 'review-main'}>
        <ReviewPlayer
          media={media}
          controller={controller}
          fps={fps}
          durationSec={durationSec}
          loopTarget={selectedSpan ? 'the selected span' : `segment ${currentIdx ?? ''}`}
          unreadable={unreadable}
          onToggleLoop={toggleLoop}
        />
        <aside className="review-side">
          <AnnotationPanel
            videoId={videoId}
            annotations={annotations}
            currentSegment={deferredIdx}
            selectedSpanId={selectedSpanId}
            onSelectSpan={setSelectedSpanId}
            onRateVideo={rateVideo}
            onRateSegment={rateSegment}
            onSeek={seek}
            disabled={noAnnotator || !!unreadable}
            disabledReason={
              unreadable
                ? 'This file could not be read, so it cannot be rated or annotated.'
                : undefined
            }
          />
          <SegmentTable
            segments={segments}
            ratings={annotations.segmentRatings}
            currentIdx={deferredIdx}
            onSeek={seek}
          />
        </aside>
        {assistantOpen ? (
          <AssistantPanel
            videoId={videoId}
            controller={controller}
            durationSec={durationSec}
            segments={segments}
            currentSegment={currentIdx}
            selectedSpan={
              selectedSpan?.startSec != null && selectedSpan.endSec != null
                ? { startSec: selectedSpan.startSec, endSec: selectedSpan.endSec }
                : null
            }
          />
        ) : null}
      </div>
      <Timeline
        videoId={videoId}
        durationSec={durationSec}
        segments={segments}
        events={events}
        spans={annotations.spans}
        controller={controller}
        selectedSpanId={selectedSpanId}
        onSelectSpan={setSelectedSpanId}
        onCreateSpan={onCreateSpan}
        onEditSpan={onEditSpan}
        tagMenu={tagMenu}
      />
      <KeyHints />
    </div>
  );
});
