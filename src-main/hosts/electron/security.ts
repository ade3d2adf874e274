// Security settings of the desktop window, kept free of electron imports so they are unit-tested.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
} as const;

export const MEDIA_SCHEME = 'vqa2-media';

export const DESKTOP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  `img-src 'self' data: blob: ${MEDIA_SCHEME}:; media-src 'self' blob: ${MEDIA_SCHEME}:; ` +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The renderer's own URL: the dev server in development, the built index.html otherwise. */
export function rendererUrl(outDir: string, devServerUrl?: string): string {
  return devServerUrl ?? pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href;
}

/** Only frames showing our renderer may call the API (no remote pages, no injected iframes). */
export function isTrustedSender(frameUrl: string | undefined | null, appUrl: string): boolean {
  if (!frameUrl) return false;
  let frame: URL;
  let app: URL;
  try {
    frame = new URL(frameUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:')
    return frame.protocol === 'file:' && frame.pathname === app.pathname;
  return frame.origin === app.origin;
}

/** Navigation away from the app is never allowed (links open nowhere inside the window). */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  return isTrustedSender(target, appUrl);
}
