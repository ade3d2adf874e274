// Reads: `useCall(name, input, {refetchOn})` calls the API when the input changes and again on the
// named events, keeps the last answer while a new one loads, ignores answers that arrive after a
// newer request or after unmount (no cancel flags in views), and posts failures to the error sink.
import { useCallback, useEffect, useState } from 'react';
import type { CallInput, CallName, CallOutput, EventName } from '../../../../src-shared/contract';
import { useApi } from '../api/api-context';
import { usePostError } from './error-sink';
import { errorMessage } from '../format';

export interface CallState<T> {
  data: T | undefined;
  loading: boolean;
  /** the last failure's message (also shown by the error sink unless `quiet`) */
  error: string | null;
  /** call again now (e.g. after an action whose change emits no event) */
  refetch(): void;
}

export interface CallOptions {
  /** events after which the answer is stale */
  refetchOn?: readonly EventName[];
  /** false: do not call (yet); data stays undefined */
  enabled?: boolean;
  /** true: failures are only returned, not posted to the error sink */
  quiet?: boolean;
  /**
   * false: data is undefined until the answer for the current input arrives (another input's
   * answer never shows, e.g. the previous video's); a refetch of the same input keeps it
   */
  keepPrevious?: boolean;
}

export function useCall<K extends CallName>(
  name: K,
  input: CallInput<K>,
  opts: CallOptions = {},
): CallState<CallOutput<K>> {
  const api = useApi();
  const sink = usePostError();
  const { enabled = true, quiet = false, keepPrevious = true } = opts;
  // inputs are plain JSON: their text is the identity (a fresh object literal each render is fine)
  const key = JSON.stringify(input ?? {});
  const events = (opts.refetchOn ?? []).join(' ');
  const [state, setState] = useState<{
    data?: CallOutput<K>;
    /** the input the data answers */
    dataKey?: string;
    loading: boolean;
    error: string | null;
  }>({ loading: enabled, error: null });
  const [tick, setTick] = useState(0);
  const refetch = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!enabled) return;
    // the one cancel flag: a newer request (or unmount) makes this answer stale
    let current = true;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    api.call(name, JSON.parse(key) as CallInput<K>).then(
      (data) => {
        if (!current) return;
        setState({ data, dataKey: key, loading: false, error: null });
        sink.clear(name);
      },
      (err: unknown) => {
        if (!current) return;
        if (!quiet) sink.post(err, name);
        setState((s) => ({
          ...s,
          loading: false,
          error: errorMessage(err),
        }));
      },
    );
    return () => {
      current = false;
    };
  }, [api, name, key, enabled, quiet, sink, tick]);

  useEffect(() => {
    if (!events || !enabled) return;
    const offs = events.split(' ').map((e) => api.on(e as EventName, refetch));
    return () => offs.forEach((off) => off());
  }, [api, events, enabled, refetch]);

  const data = keepPrevious || state.dataKey === key ? state.data : undefined;
  return { data, loading: state.loading, error: state.error, refetch };
}
