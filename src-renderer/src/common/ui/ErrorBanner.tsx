// One readable line for a failed call; the code stays visible (small) for bug reports.
interface ErrorBannerProps {
  message: string | null;
  code?: string | null;
  onDismiss?(): void;
}

export function ErrorBanner({ message, code, onDismiss }: ErrorBannerProps) {
  if (!message) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-text">{message}</span>
      {code ? <code className="error-code">{code}</code> : null}
      {onDismiss ? (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      ) : null}
    </div>
  );
}
