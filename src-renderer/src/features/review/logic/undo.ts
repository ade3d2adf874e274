// Undo/redo of annotation edits as inverse API calls: every change is saved at once (autosave),
// so undo is another call — put the previous value back, delete what was created, restore what
// was deleted. Pure: entries are data; the hook applies them through the ApiClient.
import type { Annotation, CallInput } from '../../../../../src-shared/contract';

export type AnnotationOp =
  | { call: 'put'; input: CallInput<'annotations.put'> }
  | { call: 'delete'; id: number }
  | { call: 'restore'; id: number };

export interface UndoEntry {
  label: string;
  undo: AnnotationOp;
  redo: AnnotationOp;
}

/** The put input that recreates `a` exactly (same id, all editable fields); edits spread a
 *  change over it. */
export function putInputOf(a: Annotation): CallInput<'annotations.put'> {
  return {
    id: a.id,
    videoId: a.videoId,
    kind: a.kind,
    rating: a.rating,
    segmentIdx: a.segmentIdx,
    startSec: a.startSec,
    endSec: a.endSec,
    tag: a.tag,
    text: a.text,
  };
}

export function putOf(a: Annotation): AnnotationOp {
  return { call: 'put', input: putInputOf(a) };
}

/** Entry for a saved put: `before` is the annotation it replaced (null when it created one). */
export function entryForPut(
  before: Annotation | null,
  after: Annotation,
  label: string,
): UndoEntry {
  return before
    ? { label, undo: putOf(before), redo: putOf(after) }
    : { label, undo: { call: 'delete', id: after.id }, redo: { call: 'restore', id: after.id } };
}

export function entryForDelete(deleted: Annotation, label: string): UndoEntry {
  return {
    label,
    undo: { call: 'restore', id: deleted.id },
    redo: { call: 'delete', id: deleted.id },
  };
}

/** A bounded two-stack history; a new edit clears the redo side. */
export class UndoStack {
  private done: UndoEntry[] = [];
  private undone: UndoEntry[] = [];
  constructor(private readonly limit = 200) {}

  push(e: UndoEntry): void {
    this.done.push(e);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  /** The entry to undo, moved to the redo side; null when there is nothing. */
  undo(): UndoEntry | null {
    const e = this.done.pop() ?? null;
    if (e) this.undone.push(e);
    return e;
  }

  redo(): UndoEntry | null {
    const e = this.undone.pop() ?? null;
    if (e) this.done.push(e);
    return e;
  }

  /** Puts an entry back where it came from when applying it failed, so history stays truthful. */
  revertUndo(e: UndoEntry): void {
    if (this.undone[this.undone.length - 1] === e) this.done.push(this.undone.pop()!);
  }

  revertRedo(e: UndoEntry): void {
    if (this.done[this.done.length - 1] === e) this.undone.push(this.done.pop()!);
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  peekUndo(): UndoEntry | undefined {
    return this.done[this.done.length - 1];
  }

  peekRedo(): UndoEntry | undefined {
    return this.undone[this.undone.length - 1];
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
