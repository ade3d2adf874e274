// One place that shows failed calls, the same way everywhere: `postError(err)` from any component
// or data hook puts the error in the nearest <ErrorScope>, whose <ErrorOutlet> shows it as a
// banner where the view placed it (the library under its toolbar; a dialog, made with
// withErrorScope, at the top of its Modal: a modal dialog covers the page, so its errors must
// show inside it). One error at a time, the
// newest; dismissing it, or a later success of the same source, clears it.
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useState,
  type ComponentType,
  type ReactNode,
} from 'react';
import { ErrorBanner } from '../ui/ErrorBanner';
import { errorCode, errorMessage } from '../format';

interface ShownError {
  message: string;
  code: string | null;
  /** who posted it (a call name): a later success of the same source clears it */
  source: string;
}

export interface ErrorSink {
  post(err: unknown, source?: string): void;
  clear(source: string): void;
}

const SinkContext = createContext<ErrorSink | null>(null);
const ShownContext = createContext<{ shown: ShownError | null; dismiss(): void } | null>(null);

const CONSOLE_SINK: ErrorSink = {
  post: (err: unknown) => console.warn(errorMessage(err)),
  clear: () => undefined,
};

/** The nearest scope's sink; outside any scope errors go to the console. */
export function usePostError(): ErrorSink {
  return useContext(SinkContext) ?? CONSOLE_SINK;
}

export function ErrorScope({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<ShownError | null>(null);
  const post = useCallback((err: unknown, source = 'action') => {
    setShown({ message: errorMessage(err), code: errorCode(err), source });
  }, []);
  const clear = useCallback(
    (source: string) => setShown((s) => (s && s.source === source ? null : s)),
    [],
  );
  const sink = useMemo(() => ({ post, clear }), [post, clear]);
  const view = useMemo(() => ({ shown, dismiss: () => setShown(null) }), [shown]);
  return (
    <SinkContext.Provider value={sink}>
      <ShownContext.Provider value={view}>{children}</ShownContext.Provider>
    </SinkContext.Provider>
  );
}

/** Where the scope's current error shows (nothing while there is none). */
export function ErrorOutlet() {
  const view = useContext(ShownContext);
  if (!view?.shown) return null;
  return (
    <ErrorBanner message={view.shown.message} code={view.shown.code} onDismiss={view.dismiss} />
  );
}

/**
 * A component with its own scope: its hooks' failures go to the outlet it renders (a dialog's
 * Modal renders one), not to the view behind it.
 */
export function withErrorScope<P extends object>(Component: ComponentType<P>): ComponentType<P> {
  function Scoped(props: P) {
    return (
      <ErrorScope>
        <Component {...props} />
      </ErrorScope>
    );
  }
  Scoped.displayName = `withErrorScope(${Component.displayName ?? Component.name})`;
  return Scoped;
}
