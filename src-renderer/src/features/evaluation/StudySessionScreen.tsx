// One annotator's rating-study session: full-screen playback of each clip, then the ACR rating
// screen (keys 1–5 or clicks), "7 of 24" progress, pause / resume (stored, survives a reload).
// It covers the evaluation view, so its errors show in its own scope, under its bar.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StudySession } from '../../../../src-shared/contract-evaluation';
import { ErrorOutlet, withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { useMediaSource } from '../../common/hooks/useMediaSource';
import { ACR_LEVELS, acrFromKey, progressLabel } from './logic/acr';

interface StudySessionScreenProps {
  studyId: number;
  onExit(): void;
}

export const StudySessionScreen = withErrorScope(function StudySessionScreen({
  studyId,
  onExit,
}: StudySessionScreenProps) {
  const loaded = useCall('study.session', { studyId }).data;
  // each pause or rating answers with the session as it now is
  const [updated, setSession] = useState<StudySession | null>(null);
  const session = updated ?? loaded ?? null;
  const [phase, setPhase] = useState<'play' | 'rate'>('play');
  const pauseCall = useAction('study.pause');
  const rateCall = useAction('study.rate');
  const saving = rateCall.pending;
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Full screen where the browser allows it; the overlay covers the window either way.
    const el = rootRef.current;
    if (el && !document.fullscreenElement && el.requestFullscreen)
      el.requestFullscreen().catch(() => undefined);
    return () => {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, []);

  const pause = useCallback(
    (paused: boolean) => {
      void pauseCall.run({ studyId, paused }).then((r) => {
        if (!r.ok) return;
        setSession(r.value);
        setPhase('play');
      });
    },
    [pauseCall, studyId],
  );

  const rate = useCallback(
    (rating: number) => {
      if (!session || saving) return;
      void rateCall.run({ studyId, position: session.position, rating }).then((r) => {
        if (!r.ok) return;
        setSession(r.value);
        setPhase('play');
      });
    },
    [rateCall, studyId, session, saving],
  );

  const exit = useCallback(() => {
    if (session && session.status === 'active') {
      // leaving mid-way keeps the place: the session is paused, not lost
      // a failed pause leaves the session active: it resumes at the same place either way
      void pauseCall.run({ studyId, paused: true }).then(onExit);
    } else onExit();
  }, [pauseCall, studyId, session, onExit]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!session || session.status !== 'active') return;
      const v = acrFromKey(e.key);
      if (phase === 'rate' && v !== null) {
        e.preventDefault();
        rate(v);
      } else if (e.key === 'p' || e.key === 'P') {
        e.preventDefault();
        pause(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session, phase, rate, pause]);

  const total = session?.items.length ?? 0;
  const item = session && session.position < total ? session.items[session.position] : undefined;

  return (
    <div ref={rootRef} className="study-screen" data-testid="study-screen">
      <header className="study-bar">
        <strong>{session?.studyName ?? 'Study'}</strong>
        {session ? (
          <span className="study-progress" data-testid="study-progress">
            {session.status === 'done'
              ? `${total} of ${total}`
              : progressLabel(session.position, total)}
          </span>
        ) : null}
        {item?.kind === 'training' ? (
          <span className="study-training">Training clip — not counted</span>
        ) : null}
        <span className="study-spacer" />
        {session?.status === 'active' ? (
          <button type="button" onClick={() => pause(true)} data-testid="study-pause">
            Pause (P)
          </button>
        ) : null}
        <button type="button" onClick={exit} data-testid="study-exit">
          Leave
        </button>
      </header>
      <ErrorOutlet />
      {!session ? (
        <p className="study-center">Loading…</p>
      ) : session.status === 'done' ? (
        <div className="study-center" data-testid="study-done">
          <h2>Thank you — all {total} clips are rated.</h2>
          <button type="button" className="primary" onClick={onExit}>
            Back to evaluation
          </button>
        </div>
      ) : session.status === 'paused' ? (
        <div className="study-center" data-testid="study-paused">
          <h2>Paused at clip {progressLabel(session.position, total)}</h2>
          <button
            type="button"
            className="primary"
            onClick={() => pause(false)}
            data-testid="study-resume"
          >
            Resume
          </button>
        </div>
      ) : item && phase === 'play' ? (
        <ClipPlayer
          key={`${item.position}`}
          videoId={item.videoId}
          onEnded={() => setPhase('rate')}
        />
      ) : item ? (
        <div className="study-center study-rating" data-testid="study-rating">
          <h2>How would you rate the quality of this video?</h2>
          <div className="acr-buttons">
            {ACR_LEVELS.map((l) => (
              <button
                key={l.value}
                type="button"
                disabled={saving}
                onClick={() => rate(l.value)}
                data-testid={`acr-${l.value}`}
              >
                <kbd>{l.value}</kbd> {l.label}
              </button>
            ))}
          </div>
          <button type="button" className="link" onClick={() => setPhase('play')}>
            Watch again
          </button>
        </div>
      ) : null}
    </div>
  );
});

/** Plays one clip once, full size; a proxy is made first when the browser cannot decode the source. */
function ClipPlayer({ videoId, onEnded }: { videoId: number; onEnded(): void }) {
  const media = useMediaSource(videoId);
  return (
    <div className="study-player" data-testid="study-player">
      {media.src ? (
        <video
          src={media.src}
          autoPlay
          muted
          playsInline
          onEnded={onEnded}
          onError={() => media.onPlaybackError('This clip cannot be played here')}
          data-testid="study-video"
        />
      ) : media.error ? (
        <p className="study-center">{media.error}</p>
      ) : (
        <p className="study-center">
          {media.progress
            ? `Preparing the clip… ${Math.round(media.progress.fraction * 100)} %`
            : 'Loading clip…'}
        </p>
      )}
      <button
        type="button"
        className="primary study-skip"
        onClick={onEnded}
        data-testid="study-rate-now"
        title="Stop the clip and rate it now"
      >
        Rate now ▸
      </button>
    </div>
  );
}
