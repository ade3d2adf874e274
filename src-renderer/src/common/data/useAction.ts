// Writes: `useAction(name)` gives `run(input)` with its pending state; a failure is posted to the
// error sink once, and `run` resolves to {ok: false} instead of throwing, so no view needs its own
// try/catch + setError. Answers that arrive after unmount change no state.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../../src-shared/contract';
import { useApi } from '../api/api-context';
import { usePostError } from './error-sink';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface Action<K extends CallName> {
  run(input: CallInput<K>): Promise<ActionResult<CallOutput<K>>>;
  pending: boolean;
}

export interface ActionOptions {
  /** true: a failure is only returned, not posted (e.g. stopping what may already have ended) */
  quiet?: boolean;
}

export function useAction<K extends CallName>(name: K, opts: ActionOptions = {}): Action<K> {
  const quiet = opts.quiet ?? false;
  const api = useApi();
  const sink = usePostError();
  const [pending, setPending] = useState(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (input: CallInput<K>): Promise<ActionResult<CallOutput<K>>> => {
      setPending((n) => n + 1);
      try {
        const value = await api.call(name, input);
        sink.clear(name);
        return { ok: true, value };
      } catch (error) {
        if (mounted.current && !quiet) sink.post(error, name);
        return { ok: false, error };
      } finally {
        if (mounted.current) setPending((n) => n - 1);
      }
    },
    [api, name, sink, quiet],
  );
  return { run, pending: pending > 0 };
}
