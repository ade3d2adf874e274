// The review player: the <video> (source or H.264 proxy), proxy progress, and the transport bar
// (play, J/L speed, frame steps, rate, loop, time readout). Time-driven text is written through
// refs from the controller's clock, so playback does not re-render React every frame.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { MediaSource } from '../../common/hooks/useMediaSource';
import { formatEta } from '../../common/format';
import type { PlayerController } from './logic/player';
import { formatTimeReadout } from './logic/time';

const RATES = [0.25, 0.5, 1, 1.5, 2, 4, 8] as const;

interface ReviewPlayerProps {
  media: MediaSource;
  controller: PlayerController;
  fps: number | null;
  durationSec: number;
  /** What O loops right now ("segment 3" / "span"), for the loop button's title. */
  loopTarget: string;
  onToggleLoop(): void;
  /** Why the file cannot be played at all (it failed to import); no proxy is offered then. */
  unreadable?: string | null;
}

export function ReviewPlayer({
  media,
  controller,
  fps,
  durationSec,
  loopTarget,
  onToggleLoop,
  unreadable,
}: ReviewPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const readoutRef = useRef<HTMLSpanElement>(null);
  // the menu shows the rate actually playing: L's 1.5× as well as a menu choice, and J's reverse speed
  const rate = useSyncExternalStore(
    (l) => controller.onState(l),
    () => controller.rate,
  );
  const speed = useSyncExternalStore(
    (l) => controller.onState(l),
    () => controller.speed,
  );
  const loop = useSyncExternalStore(
    (l) => controller.onState(l),
    () => controller.loop,
  );

  useEffect(() => {
    controller.attach(videoRef.current);
    return () => controller.attach(null);
  }, [controller, media.src]);

  useEffect(
    () =>
      controller.onTime((t) => {
        if (readoutRef.current) readoutRef.current.textContent = formatTimeReadout(t, fps);
      }),
    [controller, fps],
  );

  const progress = media.progress;
  return (
    <section className="review-player" aria-label="Player">
      <div className="video-box">
        {unreadable ? (
          <div className="video-placeholder" data-testid="video-unreadable">
            <div className="proxy-progress">
              <p className="error-text">
                This file could not be read when it was imported: {unreadable}
              </p>
              <p className="muted">
                It cannot be played, scored or rated. Replace the file and import it again, or
                remove it from the library.
              </p>
            </div>
          </div>
        ) : media.src ? (
          <video
            ref={videoRef}
            key={media.src}
            src={media.src}
            preload="auto"
            playsInline
            data-testid="review-video"
            data-kind={media.kind ?? ''}
            onLoadedMetadata={(e) => controller.mediaDurationKnown(e.currentTarget.duration)}
            onPause={() => controller.syncFromMedia()}
            onEnded={() => controller.syncFromMedia()}
            onSeeked={() => controller.syncFromMedia()}
            onError={(e) =>
              media.onPlaybackError(e.currentTarget.error?.message || 'unsupported format')
            }
            onClick={() => controller.togglePlay()}
          />
        ) : (
          <div className="video-placeholder" data-testid="video-placeholder">
            {progress ? (
              <div className="proxy-progress" data-testid="proxy-progress">
                <p>Making an H.264 proxy so the browser can play this file…</p>
                <div
                  className="progress-track"
                  role="progressbar"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(progress.fraction * 100)}
                >
                  <div className="progress-fill" style={{ width: `${progress.fraction * 100}%` }} />
                </div>
                <p className="muted">
                  {Math.round(progress.fraction * 100)} % · {formatEta(progress.etaSec)}
                </p>
              </div>
            ) : media.error ? (
              <div className="proxy-progress">
                <p className="error-text">{media.error}</p>
                <button type="button" onClick={media.makeProxy} data-testid="make-proxy">
                  Make proxy
                </button>
              </div>
            ) : (
              <p className="muted">Loading…</p>
            )}
          </div>
        )}
      </div>
      {media.kind === 'proxy' ? (
        <p className="proxy-notice" data-testid="proxy-notice" role="status">
          Showing a proxy (H.264) — times map to the source
          {media.info?.reason ? <span className="muted"> · {media.info.reason}</span> : null}
        </p>
      ) : null}
      <div className="transport" role="toolbar" aria-label="Playback">
        <button
          type="button"
          title="Previous frame (,)"
          aria-label="Previous frame"
          onClick={() => controller.stepFrame(-1)}
        >
          ◂|
        </button>
        <button
          type="button"
          className="play-button"
          data-testid="play-toggle"
          title="Play / pause (Space, K)"
          aria-label={speed === 0 ? 'Play' : 'Pause'}
          onClick={() => controller.togglePlay()}
        >
          {speed === 0 ? '▶' : '❚❚'}
        </button>
        <button
          type="button"
          title="Next frame (.)"
          aria-label="Next frame"
          onClick={() => controller.stepFrame(1)}
        >
          |▸
        </button>
        <span className="speed-badge mono" data-testid="speed" aria-live="polite">
          {speed < 0 ? `◀ ${-speed}×` : speed > 1 ? `${speed}×` : ''}
        </span>
        <span ref={readoutRef} className="time-readout mono" data-testid="time-readout">
          {formatTimeReadout(0, fps)}
        </span>
        <span className="muted mono">/ {durationSec.toFixed(2)} s</span>
        <div className="spacer" />
        <label className="rate-select">
          <span className="muted">Rate</span>
          <select
            aria-label="Playback rate"
            data-testid="rate-select"
            value={speed < 0 ? speed : rate}
            onChange={(e) => controller.setRate(Number(e.target.value))}
          >
            {speed < 0 ? <option value={speed}>◀ {-speed}×</option> : null}
            {(RATES as readonly number[]).includes(rate) ? null : (
              <option value={rate}>{rate}×</option>
            )}
            {RATES.map((r) => (
              <option key={r} value={r}>
                {r}×
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={loop ? 'toggle active' : 'toggle'}
          aria-pressed={!!loop}
          data-testid="loop-toggle"
          title={`Loop ${loopTarget} (O)`}
          onClick={onToggleLoop}
        >
          Loop {loop ? `${loop.startSec.toFixed(1)}–${loop.endSec.toFixed(1)} s` : ''}
        </button>
      </div>
    </section>
  );
}
