import { describe, expect, it, vi } from 'vitest';
import type { Annotation } from '../../src-shared/contract';
import {
  nextSpeed,
  reviewKeyAction,
  tagForKey,
} from '../../src-renderer/src/features/review/logic/keys';
import {
  PlayerController,
  type MediaLike,
} from '../../src-renderer/src/features/review/logic/player';
import {
  entryForDelete,
  entryForPut,
  UndoStack,
} from '../../src-renderer/src/features/review/logic/undo';

function ann(over: Partial<Annotation>): Annotation {
  return {
    id: 7,
    videoId: 3,
    annotator: 'ana',
    kind: 'mos',
    rating: 3,
    segmentIdx: null,
    startSec: null,
    endSec: null,
    tag: null,
    text: null,
    createdAt: '',
    updatedAt: '',
    ...over,
  };
}

describe('undo entries as inverse calls', () => {
  it('undoes a created annotation by deleting it and redoes by restoring it', () => {
    const e = entryForPut(null, ann({ id: 9 }), 'Rate video 3');
    expect(e.undo).toEqual({ call: 'delete', id: 9 });
    expect(e.redo).toEqual({ call: 'restore', id: 9 });
  });

  it('undoes a changed annotation by putting the previous value back (same id)', () => {
    const before = ann({ kind: 'span', startSec: 1, endSec: 2, tag: null, rating: null });
    const after = { ...before, tag: 'blur' as const };
    const e = entryForPut(before, after, 'Tag span');
    expect(e.undo).toEqual({
      call: 'put',
      input: {
        id: 7,
        videoId: 3,
        kind: 'span',
        rating: null,
        segmentIdx: null,
        startSec: 1,
        endSec: 2,
        tag: null,
        text: null,
      },
    });
    expect(e.redo).toMatchObject({ call: 'put', input: { id: 7, tag: 'blur' } });
  });

  it('undoes a delete by restoring', () => {
    expect(entryForDelete(ann({ id: 4 }), 'Delete span').undo).toEqual({ call: 'restore', id: 4 });
  });

  it('keeps a bounded history; a new edit clears redo; a failed apply can be reverted', () => {
    const s = new UndoStack(2);
    const mk = (label: string) => entryForDelete(ann({}), label);
    s.push(mk('a'));
    s.push(mk('b'));
    s.push(mk('c'));
    expect(s.undo()?.label).toBe('c');
    expect(s.undo()?.label).toBe('b');
    expect(s.undo()).toBeNull(); // 'a' fell off
    expect(s.redo()?.label).toBe('b');
    s.push(mk('d'));
    expect(s.canRedo).toBe(false);
    const e = s.undo()!;
    s.revertUndo(e);
    expect(s.peekUndo()?.label).toBe('d');
    expect(s.canRedo).toBe(false);
  });
});

describe('keyboard map', () => {
  const key = (k: string, over: Partial<KeyboardEvent> = {}) =>
    reviewKeyAction({
      key: k,
      code: '',
      shiftKey: false,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      ...over,
    });

  it('maps player keys', () => {
    expect(key(' ')).toEqual({ type: 'togglePlay' });
    expect(key('K')).toEqual({ type: 'pause' });
    expect(key('.')).toEqual({ type: 'frame', delta: 1 });
    expect(key(',')).toEqual({ type: 'frame', delta: -1 });
    expect(key('ArrowLeft', { shiftKey: true })).toEqual({ type: 'seekBy', sec: -5 });
    expect(key('}', { shiftKey: true })).toEqual({ type: 'event', dir: 1 });
    expect(key('[')).toEqual({ type: 'segment', dir: -1 });
  });

  it('rates by digit code: plain = video MOS, Shift = segment (layout independent)', () => {
    expect(key('4', { code: 'Digit4' })).toEqual({ type: 'mos', rating: 4 });
    expect(key('$', { code: 'Digit4', shiftKey: true })).toEqual({
      type: 'segmentRating',
      rating: 4,
    });
    expect(key('6', { code: 'Digit6' })).toBeNull();
  });

  it('maps undo / redo with Ctrl or Cmd, and ignores other chords', () => {
    expect(key('z', { ctrlKey: true })).toEqual({ type: 'undo' });
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toEqual({ type: 'redo' });
    expect(key('z', { metaKey: true })).toEqual({ type: 'undo' });
    expect(key('k', { ctrlKey: true })).toBeNull();
  });

  it('has one key per tag', () => {
    expect(tagForKey('B')).toBe('blur');
    expect(tagForKey('k')).toBe('blocking');
    expect(tagForKey('x')).toBeNull();
  });

  it('walks J/L as editing tools do: repeated presses go faster, the other key turns round at 1×', () => {
    expect(nextSpeed(0, 1)).toBe(1);
    expect(nextSpeed(1, 1)).toBe(1.5);
    expect(nextSpeed(4, 1)).toBe(8);
    expect(nextSpeed(8, 1)).toBe(8);
    expect(nextSpeed(0.5, 1)).toBe(1);
    expect(nextSpeed(0, -1)).toBe(-1);
    expect(nextSpeed(-1, -1)).toBe(-1.5);
    expect(nextSpeed(-8, -1)).toBe(-8);
    // J while playing forward plays backwards at once (it does not merely slow down or pause)
    expect(nextSpeed(2, -1)).toBe(-1);
    expect(nextSpeed(-4, 1)).toBe(1);
    expect(key('k')).toEqual({ type: 'pause' });
    expect(key(' ')).toEqual({ type: 'togglePlay' });
  });
});

describe('PlayerController', () => {
  function setup() {
    const frames: ((now: number) => void)[] = [];
    const media: MediaLike & { playCalls: number } = {
      currentTime: 0,
      duration: 10,
      paused: true,
      playbackRate: 1,
      playCalls: 0,
      play() {
        this.playCalls++;
        (this as { paused: boolean }).paused = false;
      },
      pause() {
        (this as { paused: boolean }).paused = true;
      },
    };
    const c = new PlayerController(25, {
      request: (cb) => frames.push(cb),
      cancel: () => undefined,
    });
    c.configure(25, 10);
    c.attach(media);
    const runFrame = (now: number) => frames.splice(0).forEach((f) => f(now));
    return { c, media, runFrame };
  }

  it('steps frames (pausing first) and clamps seeks to the video', () => {
    const { c, media } = setup();
    c.seek(timeOfFrameFor(10));
    c.stepFrame(1);
    expect(media.currentTime).toBeCloseTo(11.5 / 25, 10);
    c.seek(50);
    expect(media.currentTime).toBe(10);
  });

  it('emulates reverse playback by seeking back on each animation frame', () => {
    const { c, media, runFrame } = setup();
    c.seek(5);
    c.setSpeed(-2);
    expect(media.paused).toBe(true);
    runFrame(1000);
    runFrame(1500);
    expect(media.currentTime).toBeCloseTo(4, 5);
  });

  it('keeps the rate: Space resumes at the J/L speed or the menu rate, not at 1×', () => {
    const { c, media } = setup();
    c.setSpeed(1.5);
    expect(media.playbackRate).toBe(1.5);
    expect(c.rate).toBe(1.5);
    c.togglePlay();
    expect(c.speed).toBe(0);
    c.togglePlay();
    expect(c.speed).toBe(1.5);
    expect(media.playbackRate).toBe(1.5);
    c.setSpeed(0);
    c.setRate(0.5);
    expect(c.speed).toBe(0);
    c.togglePlay();
    expect(media.playbackRate).toBe(0.5);
    // reverse play does not change the forward rate
    c.setSpeed(-2);
    expect(c.rate).toBe(0.5);
  });

  it('in reverse, waits for a running seek and then jumps to where the clock says', () => {
    const { c, media, runFrame } = setup();
    const m = media as MediaLike & { seeking: boolean };
    m.seeking = false;
    c.seek(5);
    c.setSpeed(-1);
    runFrame(1000);
    m.seeking = true;
    runFrame(1200);
    runFrame(1400);
    expect(media.currentTime).toBe(5); // no seek piled onto the running one
    m.seeking = false;
    runFrame(1500);
    expect(media.currentTime).toBeCloseTo(4.5, 5);
  });

  it('loops a range while playing forward', () => {
    const { c, media, runFrame } = setup();
    const onTime = vi.fn();
    c.onTime(onTime);
    c.setLoop({ startSec: 2, endSec: 3 });
    expect(media.currentTime).toBe(2);
    c.setSpeed(1);
    media.currentTime = 3.01;
    runFrame(0);
    expect(media.currentTime).toBe(2);
    expect(onTime).toHaveBeenCalled();
  });
});

function timeOfFrameFor(frame: number): number {
  return (frame + 0.5) / 25;
}
