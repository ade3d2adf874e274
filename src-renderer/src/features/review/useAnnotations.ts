// One video's annotations by the current annotator, with autosave (each change is one call) and
// undo/redo as inverse calls (logic/undo.ts). Refetches when another window changes them.
// Failures go to the view's error sink.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Annotation, CallInput } from '../../../../src-shared/contract';
import { usePostError } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { errorCode, errorMessage } from '../../common/format';
import {
  entryForDelete,
  entryForPut,
  UndoStack,
  putInputOf,
  type AnnotationOp,
  type UndoEntry,
} from './logic/undo';

export type PutInput = CallInput<'annotations.put'>;

export interface Annotations {
  list: Annotation[];
  loaded: boolean;
  mos: Annotation | null;
  /** Segment ratings by segment index. */
  segmentRatings: Map<number, Annotation>;
  spans: Annotation[];
  notes: Annotation[];
  /** Saves one change; `before` is what it replaces (null when new), for undo. */
  put(input: PutInput, before: Annotation | null, label: string): Promise<Annotation | null>;
  /** Saves a change to an existing annotation (its other fields kept). */
  edit(a: Annotation, change: Partial<PutInput>, label: string): Promise<Annotation | null>;
  remove(a: Annotation, label: string): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  /** Label of the next undo / redo, for button titles; null when none. */
  undoLabel: string | null;
  redoLabel: string | null;
}

export function useAnnotations(videoId: number, annotator: string | null): Annotations {
  const sink = usePostError();
  const putCall = useAction('annotations.put');
  const deleteCall = useAction('annotations.delete');
  // the saved list; local edits below are applied on top until the next answer replaces it
  const fetched = useCall(
    'annotations.list',
    { videoId, annotator: annotator ?? '' },
    { enabled: !!annotator, refetchOn: ['annotations.changed'], keepPrevious: false },
  ).data;
  const [list, setList] = useState<Annotation[]>([]);
  useEffect(() => setList(fetched ?? []), [fetched]);
  const loaded = fetched !== undefined;
  const stack = useMemo(() => new UndoStack(), []);
  const [historyVersion, bumpHistory] = useState(0);
  const busy = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    // History belongs to one video: undoing on another video would edit the wrong one unseen.
    stack.clear();
    bumpHistory((n) => n + 1);
  }, [videoId, stack]);

  /** Replace or insert a saved annotation locally (the call already answered with it). */
  const upsertLocal = useCallback((a: Annotation) => {
    setList((l) => {
      const i = l.findIndex((x) => x.id === a.id);
      if (i < 0) return [...l, a];
      const copy = l.slice();
      copy[i] = a;
      return copy;
    });
  }, []);
  const dropLocal = useCallback((id: number) => setList((l) => l.filter((x) => x.id !== id)), []);

  // Undo and redo say their own failure (which step failed), so their calls are quiet.
  const undoPut = useAction('annotations.put', { quiet: true });
  const undoDelete = useAction('annotations.delete', { quiet: true });
  const undoRestore = useAction('annotations.restore', { quiet: true });
  const apply = useCallback(
    async (op: AnnotationOp): Promise<{ ok: true } | { ok: false; error: unknown }> => {
      if (op.call === 'delete') {
        const r = await undoDelete.run({ id: op.id });
        if (r.ok) dropLocal(op.id);
        return r;
      }
      const r = await (op.call === 'put' ? undoPut.run(op.input) : undoRestore.run({ id: op.id }));
      if (r.ok) upsertLocal(r.value);
      return r;
    },
    [undoPut, undoDelete, undoRestore, upsertLocal, dropLocal],
  );

  // Calls run one after another: a quick rate-then-undo must reach the store in that order.
  const serial = useCallback(<T>(f: () => Promise<T>): Promise<T> => {
    const next = busy.current.then(f, f);
    busy.current = next.catch(() => undefined);
    return next;
  }, []);

  const put = useCallback(
    (input: PutInput, before: Annotation | null, label: string) =>
      serial(async () => {
        const r = await putCall.run(input);
        if (!r.ok) return null;
        upsertLocal(r.value);
        stack.push(entryForPut(before, r.value, label));
        bumpHistory((n) => n + 1);
        return r.value;
      }),
    [putCall, serial, stack, upsertLocal],
  );

  const edit = useCallback(
    (a: Annotation, change: Partial<PutInput>, label: string) =>
      put({ ...putInputOf(a), ...change }, a, label),
    [put],
  );

  const remove = useCallback(
    (a: Annotation, label: string) =>
      serial(async () => {
        const r = await deleteCall.run({ id: a.id });
        if (!r.ok) return;
        dropLocal(a.id);
        stack.push(entryForDelete(a, label));
        bumpHistory((n) => n + 1);
      }),
    [deleteCall, serial, stack, dropLocal],
  );

  const step = useCallback(
    (dir: 'undo' | 'redo') =>
      serial(async () => {
        const e: UndoEntry | null = dir === 'undo' ? stack.undo() : stack.redo();
        if (!e) return;
        const r = await apply(dir === 'undo' ? e.undo : e.redo);
        if (!r.ok) {
          if (dir === 'undo') stack.revertUndo(e);
          else stack.revertRedo(e);
          // said as the step that failed, not as the inverse call it made
          const message = `Could not ${dir} "${e.label}": ${errorMessage(r.error)}`;
          sink.post(Object.assign(new Error(message), { code: errorCode(r.error) }), dir);
        }
        bumpHistory((n) => n + 1);
      }),
    [serial, stack, apply, sink],
  );

  const derived = useMemo(() => {
    let mos: Annotation | null = null;
    const segmentRatings = new Map<number, Annotation>();
    const spans: Annotation[] = [];
    const notes: Annotation[] = [];
    for (const a of list) {
      if (a.kind === 'mos') mos = a;
      else if (a.kind === 'segment_rating' && a.segmentIdx !== null)
        segmentRatings.set(a.segmentIdx, a);
      else if (a.kind === 'span') spans.push(a);
      else if (a.kind === 'note') notes.push(a);
    }
    spans.sort((a, b) => (a.startSec ?? 0) - (b.startSec ?? 0));
    return { mos, segmentRatings, spans, notes };
  }, [list]);

  // historyVersion: the stack is mutable; reading labels after each bump keeps buttons current.
  const labels = useMemo(
    () => ({
      undoLabel: stack.peekUndo()?.label ?? null,
      redoLabel: stack.peekRedo()?.label ?? null,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stack, historyVersion],
  );

  return {
    list,
    loaded,
    ...derived,
    put,
    edit,
    remove,
    undo: () => step('undo'),
    redo: () => step('redo'),
    ...labels,
  };
}
