// The tag picker shown after a span is drawn (or on T): one key per tag, or a click. It takes the
// keyboard while open (capture phase) so tag letters do not also act as player keys. It is drawn in
// a layer above the page (fixed, placed from its anchor), so no lane or panel can clip it.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { DISTORTION_TAGS, type DistortionTag } from '../../../../src-shared/contract';
import { TAG_KEYS, tagForKey } from './logic/keys';
import { placeMenu } from '../../common/place-menu';

interface TagMenuProps {
  current: DistortionTag | null;
  onPick(tag: DistortionTag): void;
  onClose(): void;
}

export function TagMenu({ current, onPick, onClose }: TagMenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const anchorRef = useRef<HTMLSpanElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  useLayoutEffect(() => {
    const a = anchorRef.current?.getBoundingClientRect();
    const m = ref.current?.getBoundingClientRect();
    if (!a || !m) return;
    setPos(placeMenu(a, m, { width: window.innerWidth, height: window.innerHeight }));
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      e.stopPropagation();
      e.preventDefault();
      if (e.key === 'Escape') return onClose();
      const tag = tagForKey(e.key);
      if (tag) onPick(tag);
    };
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onDown);
    };
  }, [onPick, onClose]);

  return (
    <span ref={anchorRef} className="tag-menu-point">
      {createPortal(
        <div
          className="menu tag-menu"
          role="menu"
          aria-label="Tag the span"
          data-testid="tag-menu"
          ref={ref}
          style={pos ? { left: pos.left, top: pos.top } : { visibility: 'hidden' }}
        >
          <div className="tag-menu-title muted">Tag this span</div>
          {DISTORTION_TAGS.map((t) => (
            <button
              key={t}
              type="button"
              role="menuitemradio"
              aria-checked={current === t}
              className="menu-item tag-item"
              data-tag={t}
              onClick={() => onPick(t)}
            >
              <kbd>{TAG_KEYS[t].toUpperCase()}</kbd> {t}
            </button>
          ))}
        </div>,
        document.body,
      )}
    </span>
  );
}
