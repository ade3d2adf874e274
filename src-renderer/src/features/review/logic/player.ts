// Drives a <video> for the review view: J/K/L speeds (reverse emulated by stepping back, since
// browsers cannot play backwards), frame steps, looping a range, and one requestAnimationFrame
// clock that listeners (playhead, time readout, current segment) read — so playback never
// re-renders React per frame. The media element is an interface, so tests use a fake.
import { clamp, stepFrames, type TimeSpan } from './time';

export interface MediaLike {
  currentTime: number;
  readonly duration: number;
  readonly paused: boolean;
  playbackRate: number;
  /** True while a seek is under way; reverse play waits for it rather than piling up seeks. */
  readonly seeking?: boolean;
  play(): Promise<void> | void;
  pause(): void;
}

export interface Scheduler {
  request(cb: (now: number) => void): number;
  cancel(id: number): void;
}

const browserScheduler: Scheduler = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (id) => cancelAnimationFrame(id),
};

export type TimeListener = (sec: number) => void;

export class PlayerController {
  private media: MediaLike | null = null;
  private listeners = new Set<TimeListener>();
  private stateListeners = new Set<() => void>();
  private frameId: number | null = null;
  private lastNow: number | null = null;
  /** Signed J/K/L speed: 0 paused, > 0 forward (playbackRate), < 0 emulated reverse. */
  private speedValue = 0;
  /** Forward rate Space plays at: the rate menu's choice or the last forward J/L speed. */
  private rateValue = 1;
  /** Reverse play: the time to show, advanced by wall-clock time; seeks follow it. */
  private reverseTarget: number | null = null;
  private loopRange: TimeSpan | null = null;
  durationSec = 0;

  constructor(
    public fps: number,
    private readonly scheduler: Scheduler = browserScheduler,
  ) {}

  /** Frame rate and duration from the library row (the media element may not know them yet). */
  configure(fps: number, durationSec: number): void {
    this.fps = fps;
    if (durationSec > 0) this.durationSec = durationSec;
  }

  /** The element's own duration, used only when the library has none. */
  mediaDurationKnown(sec: number): void {
    if (!(this.durationSec > 0) && Number.isFinite(sec) && sec > 0) this.durationSec = sec;
    this.syncFromMedia();
  }

  attach(media: MediaLike | null): void {
    this.stop();
    this.media = media;
    this.speedValue = 0;
    if (media && this.pendingSeek !== null) {
      const t = this.pendingSeek;
      this.pendingSeek = null;
      this.seek(t);
    }
    this.emitState();
    this.emitTime();
  }

  private pendingSeek: number | null = null;

  /** Seek now if a media element is attached, else as soon as one is. */
  seekWhenReady(sec: number): void {
    if (this.media) this.seek(sec);
    else this.pendingSeek = sec;
  }

  get time(): number {
    return this.media?.currentTime ?? 0;
  }

  get speed(): number {
    return this.speedValue;
  }

  /** The forward playback rate (what the rate menu shows while paused or playing forward). */
  get rate(): number {
    return this.rateValue;
  }

  get loop(): TimeSpan | null {
    return this.loopRange;
  }

  /** Called on every clock tick and after seeks. */
  onTime(l: TimeListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Called when speed or loop change (for buttons and labels). */
  onState(l: () => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  seek(sec: number): void {
    if (!this.media) return;
    const end = this.durationSec > 0 ? this.durationSec : Infinity;
    this.media.currentTime = clamp(sec, 0, end);
    if (this.reverseTarget !== null) this.reverseTarget = this.media.currentTime;
    this.emitTime();
  }

  seekBy(sec: number): void {
    this.seek(this.time + sec);
  }

  /** Frame steps pause first: stepping while playing would be overtaken by playback. */
  stepFrame(delta: number): void {
    this.setSpeed(0);
    this.seek(stepFrames(this.time, delta, this.fps, this.durationSec));
  }

  /** Space: pause, or play forward at the current rate (a J/L speed or the menu's rate is kept). */
  togglePlay(): void {
    this.setSpeed(this.speedValue === 0 ? this.rateValue : 0);
  }

  setSpeed(speed: number): void {
    const m = this.media;
    this.speedValue = speed;
    if (speed > 0) this.rateValue = speed;
    this.reverseTarget = speed < 0 && m ? m.currentTime : null;
    if (m) {
      if (speed > 0) {
        m.playbackRate = speed;
        // At the end, "play" means play again from the start (or from the loop's start).
        if (this.durationSec > 0 && m.currentTime >= this.durationSec - 1e-3)
          m.currentTime = this.loopRange?.startSec ?? 0;
        // play() rejects when a pause() interrupts it; that is the user's intent, not an error.
        void Promise.resolve(m.play()).catch(() => undefined);
      } else m.pause();
    }
    if (speed !== 0) this.start();
    else this.stop();
    this.emitState();
    this.emitTime();
  }

  /** Playback rate for forward play (the rate menu); while playing (either way) it plays forward at it. */
  setRate(rate: number): void {
    this.rateValue = rate;
    if (this.speedValue !== 0) this.setSpeed(rate);
    else if (this.media) this.media.playbackRate = rate;
    this.emitState();
  }

  setLoop(range: TimeSpan | null): void {
    this.loopRange = range;
    if (range && (this.time < range.startSec || this.time >= range.endSec))
      this.seek(range.startSec);
    this.emitState();
  }

  /** The media ended or paused by itself (not through this controller). */
  syncFromMedia(): void {
    if (this.media && this.media.paused && this.speedValue > 0) {
      this.speedValue = 0;
      this.stop();
      this.emitState();
    }
    this.emitTime();
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
    this.stateListeners.clear();
    this.media = null;
  }

  private start(): void {
    if (this.frameId !== null) return;
    this.lastNow = null;
    this.frameId = this.scheduler.request(this.tick);
  }

  private stop(): void {
    if (this.frameId !== null) this.scheduler.cancel(this.frameId);
    this.frameId = null;
    this.lastNow = null;
  }

  private readonly tick = (now: number): void => {
    this.frameId = null;
    const m = this.media;
    if (!m || this.speedValue === 0) return;
    const dt = this.lastNow === null ? 0 : (now - this.lastNow) / 1000;
    this.lastNow = now;
    if (this.speedValue < 0) {
      // The wanted time runs back with the clock; a seek is issued only when the last one has
      // finished, so a slow decoder shows fewer frames instead of falling ever further behind.
      const t = (this.reverseTarget ?? m.currentTime) + this.speedValue * dt;
      const floor = this.loopRange?.startSec ?? 0;
      if (t <= floor) {
        if (this.loopRange) {
          this.reverseTarget = this.loopRange.endSec;
          m.currentTime = this.loopRange.endSec;
        } else {
          m.currentTime = 0;
          this.speedValue = 0;
          this.reverseTarget = null;
          this.emitState();
          this.emitTime();
          return;
        }
      } else {
        this.reverseTarget = t;
        if (!m.seeking) m.currentTime = t;
      }
    } else if (this.loopRange && m.currentTime >= this.loopRange.endSec) {
      m.currentTime = this.loopRange.startSec;
    }
    this.emitTime();
    this.frameId = this.scheduler.request(this.tick);
  };

  private emitTime(): void {
    const t = this.time;
    for (const l of this.listeners) l(t);
  }

  private emitState(): void {
    for (const l of this.stateListeners) l();
  }
}
