// An answer's text with its timestamps as links that seek the player.
import { splitTimestamps } from './logic/timestamps';

export function MessageText({ text, onSeek }: { text: string; onSeek(sec: number): void }) {
  return (
    <div className="assistant-text">
      {splitTimestamps(text).map((p, i) =>
        p.kind === 'time' ? (
          <button
            key={i}
            type="button"
            className="assistant-ts"
            data-testid="assistant-ts"
            data-sec={p.sec}
            title={`Seek to ${p.text}`}
            onClick={() => onSeek(p.sec)}
          >
            {p.text}
          </button>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  );
}
