// Electron host: one window (isolated, sandboxed, CSP), IPC handlers over the shared API, and
// the vqa2-media: protocol. All logic lives in the API and services; this file only wires.
import path from 'node:path';
import * as electron from 'electron';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import pkg from '../../../package.json';
import { StudioApi } from '../../api/api';
import { studioHome } from '../../services/settings/recent';
import { forwardEvents, registerIpcHandlers } from './ipc';
import { desktopSecretStore, type Cipher } from './secrets';
import { setSecretStore } from '../../services/assistant/secrets';
import { handleMediaRequest } from './media-protocol';
import {
  DESKTOP_CSP,
  MEDIA_SCHEME,
  WEB_PREFERENCES,
  isAllowedNavigation,
  isTrustedSender,
  rendererUrl,
} from './security';

protocol.registerSchemesAsPrivileged([
  {
    scheme: MEDIA_SCHEME,
    privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
  },
]);

const outDir = path.resolve(__dirname, '..');
const appUrl = rendererUrl(outDir, process.env.ELECTRON_RENDERER_URL);

async function createWindow(api: StudioApi): Promise<void> {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'VQA² Studio',
    backgroundColor: '#16181d',
    webPreferences: { ...WEB_PREFERENCES, preload: path.join(outDir, 'preload', 'index.js') },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, appUrl)) e.preventDefault();
  });
  const stopEvents = forwardEvents(api, (channel, payload) => {
    if (!win.webContents.isDestroyed()) win.webContents.send(channel, payload);
  });
  app.on('before-quit', stopEvents);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(appUrl);
}

app
  .whenReady()
  .then(async () => {
    const api = new StudioApi({ host: 'electron', version: pkg.version, home: studioHome() });
    // engine API keys: encrypted by the OS keychain through safeStorage (not in the local type shim)
    setSecretStore(
      desktopSecretStore(
        (electron as unknown as { safeStorage: Cipher }).safeStorage,
        studioHome(),
      ),
    );
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...(details.responseHeaders ?? {}),
          'Content-Security-Policy': [DESKTOP_CSP],
        },
      });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
      callback(false),
    );
    protocol.handle(MEDIA_SCHEME, (request) => handleMediaRequest(request, api.project));
    registerIpcHandlers(ipcMain, api, (url) => isTrustedSender(url, appUrl));
    app.on('before-quit', () => api.dispose());
    await createWindow(api);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createWindow(api);
    });
  })
  .catch((err: unknown) => {
    // a start-up failure must not leave a windowless process behind
    console.error('VQA² Studio could not start:', err);
    app.exit(1);
  });

app.on('window-all-closed', () => app.quit());
