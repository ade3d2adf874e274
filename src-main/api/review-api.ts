// Review calls of the API: next/previous navigation in library order, studio settings (the
// annotator), annotations (each write one transaction, then an `annotations.changed` event), and
// media playability with on-demand H.264 proxies (one ffmpeg at a time, progress events, cancelled
// when the project closes) and thumbnail strips (made within the call, one run per video at a time).
import {
  ApiError,
  type Annotation,
  type CallInput,
  type CallOutput,
  type MediaInfo,
  type ProxyProgress,
  type Settings,
  type ThumbStrip,
} from '../../src-shared/contract';
import type { ProjectStore } from '../services/store/project-store';
import { StudioSettings } from '../services/settings/settings';
import { AnnotationStore } from '../services/annotations/annotation-store';
import { isAbortError } from '../services/media/errors';
import { makeStrip, readyStrip, type StripMeta } from '../services/media/thumb-strip';
import {
  makeProxy,
  playabilityOf,
  probeJsonFor,
  proxySize,
  readyProxy,
  type Playability,
} from '../services/media/proxy';

export interface ReviewEvents {
  annotationsChanged: (videoId: number) => void;
  proxyProgress: (p: ProxyProgress) => void;
}

interface ProxyTask {
  videoId: number;
  controller: AbortController;
}

export class ReviewApi {
  readonly settings: StudioSettings;
  private store: ProjectStore | null = null;
  private annotations: AnnotationStore | null = null;
  /** Per `id:importedAt`, so a re-used id after a removal is looked at afresh. */
  private readonly playability = new Map<string, Playability>();
  private queue: ProxyTask[] = [];
  private running: (ProxyTask & { done: Promise<void> }) | null = null;
  /** Strips being made, per video: a second call waits for the same run. */
  private readonly strips = new Map<number, Promise<StripMeta>>();
  private stripAbort = new AbortController();

  constructor(
    home: string,
    private readonly events: ReviewEvents,
  ) {
    this.settings = new StudioSettings(home);
  }

  attach(store: ProjectStore): void {
    this.detach();
    this.store = store;
    this.annotations = new AnnotationStore(store);
  }

  /** Forget the project; a running proxy is killed and its temp file removed. */
  detach(): void {
    for (const t of this.queue)
      this.events.proxyProgress(progress(t.videoId, 'cancelled', 0, null, null));
    this.queue = [];
    this.running?.controller.abort();
    this.stripAbort.abort();
    this.stripAbort = new AbortController();
    this.strips.clear();
    this.store = null;
    this.annotations = null;
    this.playability.clear();
  }

  /** Resolves when no proxy is queued or being made (tests, CLI). */
  async idle(): Promise<void> {
    while (this.running) await this.running.done;
  }

  private requireStore(): ProjectStore {
    if (!this.store)
      throw new ApiError('NO_PROJECT', 'No project is open. Create or open one first.');
    return this.store;
  }

  private requireAnnotations(): AnnotationStore {
    this.requireStore();
    return this.annotations!;
  }

  // ----- navigation -----

  neighbors({
    videoId,
    sort,
    filter,
    runId,
  }: CallInput<'library.neighbors'>): CallOutput<'library.neighbors'> {
    const r = this.requireStore().neighbors(videoId, sort, filter, runId);
    if (!r) throw new ApiError('NOT_FOUND', `No video ${videoId} in this project`);
    return r;
  }

  // ----- settings -----

  getSettings(): Settings {
    return this.settings.get();
  }

  setSettings(input: CallInput<'settings.set'>): Settings {
    return this.settings.set({ annotator: input.annotator });
  }

  // ----- annotations -----

  listAnnotations({ videoId, annotator }: CallInput<'annotations.list'>): Annotation[] {
    const store = this.requireStore();
    if (!store.getVideo(videoId))
      throw new ApiError('NOT_FOUND', `No video ${videoId} in this project`);
    return this.requireAnnotations().list(videoId, annotator);
  }

  putAnnotation(input: CallInput<'annotations.put'>): Annotation {
    const a = this.requireAnnotations().put(input, this.settings.get().annotator);
    this.events.annotationsChanged(a.videoId);
    return a;
  }

  deleteAnnotation({ id }: CallInput<'annotations.delete'>): { deleted: boolean } {
    const gone = this.requireAnnotations().delete(id, this.settings.get().annotator);
    if (gone) this.events.annotationsChanged(gone.videoId);
    return { deleted: !!gone };
  }

  restoreAnnotation({ id }: CallInput<'annotations.restore'>): Annotation {
    const a = this.requireAnnotations().restore(id, this.settings.get().annotator);
    this.events.annotationsChanged(a.videoId);
    return a;
  }

  // ----- media -----

  private video(videoId: number) {
    const v = this.requireStore().getVideo(videoId);
    if (!v) throw new ApiError('NOT_FOUND', `No video ${videoId} in this project`);
    return v;
  }

  private async playabilityOf(videoId: number): Promise<Playability> {
    const store = this.requireStore();
    const v = this.video(videoId);
    const key = `${videoId}:${v.importedAt}`;
    const cached = this.playability.get(key);
    if (cached) return cached;
    let p: Playability;
    if (v.status !== 'ok') {
      p = {
        playable: false,
        reason: v.error ?? 'The video could not be read.',
        width: null,
        height: null,
        hasAudio: false,
      };
    } else {
      const probe = await probeJsonFor(store, v);
      p = probe
        ? playabilityOf(probe, v.path)
        : {
            playable: false,
            reason: 'ffprobe could not read the file.',
            width: v.width,
            height: v.height,
            hasAudio: false,
          };
    }
    if (this.store === store) this.playability.set(key, p);
    return p;
  }

  /**
   * Whether the source plays directly, and the proxy: null when the source plays and has none;
   * otherwise its size and whether it is ready (not ready = to be made, or being made).
   */
  async mediaInfo({ videoId }: CallInput<'media.info'>): Promise<MediaInfo> {
    const store = this.requireStore();
    const v = this.video(videoId);
    const p = await this.playabilityOf(videoId);
    const ready = readyProxy(store, v);
    let proxy: MediaInfo['proxy'] = null;
    if (ready)
      proxy = {
        ready: true,
        width: ready.meta.width,
        height: ready.meta.height,
        codec: ready.meta.codec,
      };
    else if (v.status === 'ok' && (!p.playable || this.isMaking(videoId))) {
      const w = p.width ?? v.width;
      const h = p.height ?? v.height;
      const size = w && h ? proxySize(w, h) : { width: 0, height: 0 };
      proxy = { ready: false, ...size, codec: 'h264' };
    }
    return { videoId, playable: p.playable, reason: p.reason, proxy };
  }

  /** The video's thumbnail strip; made (awaited, one ffmpeg run) on the first call, then cached. */
  async thumbStrip({ videoId }: CallInput<'media.thumbStrip'>): Promise<ThumbStrip> {
    const store = this.requireStore();
    const v = this.video(videoId);
    if (v.status !== 'ok') {
      throw new ApiError(
        'NOT_PLAYABLE',
        `${v.name} could not be read at import, so it has no thumbnails (${v.error ?? 'unreadable'})`,
      );
    }
    const ready = readyStrip(store, v)?.meta;
    let pending = ready ? undefined : this.strips.get(videoId);
    if (!ready && !pending) {
      pending = makeStrip(store, v, this.stripAbort.signal).finally(() => {
        if (this.strips.get(videoId) === pending) this.strips.delete(videoId);
      });
      this.strips.set(videoId, pending);
    }
    const m = ready ?? (await pending!);
    const { count, intervalSec, tileWidth, tileHeight, columns } = m;
    return { ready: true, count, intervalSec, tileWidth, tileHeight, columns };
  }

  private isMaking(videoId: number): boolean {
    return this.running?.videoId === videoId || this.queue.some((t) => t.videoId === videoId);
  }

  /** Queue a proxy; `started` is false when one is ready (a `done` event follows) or already queued. */
  makeProxy({ videoId }: CallInput<'media.makeProxy'>): { started: boolean } {
    const store = this.requireStore();
    const v = this.video(videoId);
    if (v.status !== 'ok') {
      throw new ApiError(
        'NOT_PLAYABLE',
        `${v.name} could not be read at import, so no proxy can be made (${v.error ?? 'unreadable'})`,
      );
    }
    if (this.isMaking(videoId)) return { started: false };
    if (readyProxy(store, v)) {
      this.events.proxyProgress(progress(videoId, 'done', 1, 0, null));
      return { started: false };
    }
    this.queue.push({ videoId, controller: new AbortController() });
    this.events.proxyProgress(progress(videoId, 'running', 0, null, null));
    if (!this.running) this.next();
    return { started: true };
  }

  /** Cancel a queued or running proxy (service-level; the contract has no call for it yet). */
  cancelProxy(videoId: number): boolean {
    if (this.running?.videoId === videoId) {
      this.running.controller.abort();
      return true;
    }
    const i = this.queue.findIndex((t) => t.videoId === videoId);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this.events.proxyProgress(progress(videoId, 'cancelled', 0, null, null));
    return true;
  }

  private next(): void {
    const store = this.store;
    const task = this.queue.shift();
    if (!store || !task) return;
    const { videoId, controller } = task;
    let last = 0;
    const done = (async () => {
      try {
        const v = store.getVideo(videoId);
        if (!v) throw new ApiError('NOT_FOUND', `No video ${videoId} in this project`);
        await makeProxy(store, v, {
          durationSec: v.durationSec,
          signal: controller.signal,
          onProgress: ({ fraction, etaSec }) => {
            if (fraction >= 1) return; // reported as done once the file is in place
            last = fraction;
            this.events.proxyProgress(progress(videoId, 'running', fraction, etaSec, null));
          },
        });
        this.events.proxyProgress(progress(videoId, 'done', 1, 0, null));
      } catch (e) {
        if (controller.signal.aborted || isAbortError(e))
          this.events.proxyProgress(progress(videoId, 'cancelled', last, null, null));
        else
          this.events.proxyProgress(
            progress(videoId, 'failed', last, null, e instanceof Error ? e.message : String(e)),
          );
      }
    })().finally(() => {
      if (this.running?.videoId === videoId) this.running = null;
      if (!this.running) this.next();
    });
    this.running = { videoId, controller, done };
  }
}

function progress(
  videoId: number,
  status: ProxyProgress['status'],
  fraction: number,
  etaSec: number | null,
  error: string | null,
): ProxyProgress {
  return { videoId, status, fraction, etaSec, error };
}
