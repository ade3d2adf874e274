// Which URL the review player plays: the source when Chromium can decode it, else an H.264 proxy
// made on demand (media.makeProxy), with its progress from proxy.progress events.
import { useCallback, useEffect, useState } from 'react';
import type { MediaInfo, ProxyProgress } from '../../../../src-shared/contract';
import { useApi } from '../api/api-context';
import { errorCode, errorMessage } from '../format';

export interface MediaSource {
  /** URL for <video>; null while deciding or while a proxy is being made. */
  src: string | null;
  kind: 'video' | 'proxy' | null;
  info: MediaInfo | null;
  progress: ProxyProgress | null;
  error: string | null;
  makeProxy(): void;
  /** The element could not play `src` (e.g. media.info guessed wrong): offer a proxy. */
  onPlaybackError(message: string): void;
}

export function useMediaSource(videoId: number): MediaSource {
  const api = useApi();
  const [info, setInfo] = useState<MediaInfo | null>(null);
  // Tagged with its video: on N/P the first render for the new video must not reuse the old
  // video's decision (it would request the new video's proxy before one exists).
  const [decided, setDecided] = useState<{ videoId: number; kind: 'video' | 'proxy' | null }>({
    videoId,
    kind: null,
  });
  const kind = decided.videoId === videoId ? decided.kind : null;
  const setKind = useCallback(
    (k: 'video' | 'proxy' | null) => setDecided({ videoId, kind: k }),
    [videoId],
  );
  const [progress, setProgress] = useState<ProxyProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  const makeProxy = useCallback(() => {
    setError(null);
    setProgress({ videoId, status: 'running', fraction: 0, etaSec: null, error: null });
    api.call('media.makeProxy', { videoId }).then(
      () => undefined,
      (err: unknown) => {
        setProgress(null);
        setError(errorMessage(err));
      },
    );
  }, [api, videoId]);

  const load = useCallback(() => {
    api.call('media.info', { videoId }).then(
      (i) => {
        setInfo(i);
        if (i.playable) setKind('video');
        else if (i.proxy?.ready) setKind('proxy');
        else {
          setKind(null);
          // Not playable and no proxy yet: start one right away, the user came here to watch.
          makeProxy();
        }
      },
      (err: unknown) => {
        // Without media info (an older server) try the source; the element reports failure.
        if (errorCode(err) === 'NOT_IMPLEMENTED') setKind('video');
        else setError(errorMessage(err));
      },
    );
  }, [api, videoId, makeProxy, setKind]);

  useEffect(() => {
    setInfo(null);
    setKind(null);
    setProgress(null);
    setError(null);
    load();
    return api.on('proxy.progress', (p) => {
      if (p.videoId !== videoId) return;
      setProgress(p.status === 'done' ? null : p);
      if (p.status === 'done') load();
      if (p.status === 'failed') setError(p.error ?? 'Making the proxy failed');
    });
  }, [api, videoId, load, setKind]);

  const onPlaybackError = useCallback(
    (message: string) => {
      if (kind === 'video') {
        setError(
          `The browser cannot play this file (${message}). Make an H.264 proxy to review it.`,
        );
        setKind(null);
      } else setError(message);
    },
    [kind, setKind],
  );

  return {
    src: kind ? api.mediaUrl(kind, videoId) : null,
    kind,
    info,
    progress,
    error,
    makeProxy,
    onPlaybackError,
  };
}
