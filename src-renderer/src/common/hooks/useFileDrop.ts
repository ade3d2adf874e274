// Files dropped on the window. Only the desktop host can turn a dropped File into a path the
// services can read; a browser cannot, so the caller is told to offer the server-side picker.
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';

export function useFileDrop(onPaths: (paths: string[]) => void, onNoPaths: () => void): boolean {
  const api = useApi();
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const handlers = useRef({ onPaths, onNoPaths });
  useEffect(() => {
    handlers.current = { onPaths, onNoPaths };
  });

  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      // dragleave fires for every child crossed; count so the overlay does not flicker.
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      const paths = api.pathForFile
        ? files.map((f) => api.pathForFile!(f)).filter((p): p is string => !!p)
        : [];
      if (paths.length) handlers.current.onPaths(paths);
      else handlers.current.onNoPaths();
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [api]);

  return dragging;
}
