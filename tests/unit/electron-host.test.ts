import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  WEB_PREFERENCES,
  DESKTOP_CSP,
  isTrustedSender,
  rendererUrl,
} from '../../src-main/hosts/electron/security';
import { registerIpcHandlers, type IpcMainLike } from '../../src-main/hosts/electron/ipc';
import { handleMediaRequest } from '../../src-main/hosts/electron/media-protocol';
import { StudioApi } from '../../src-main/api/api';
import { CALL_NAMES } from '../../src-shared/contract';
import { callChannel } from '../../src-preload/bridge';
import { ProjectStore } from '../../src-main/services/store/project-store';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-electron-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Electron window security', () => {
  it('isolates and sandboxes the renderer', () => {
    expect(WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(DESKTOP_CSP).toMatch(/script-src 'self';/);
    expect(DESKTOP_CSP).not.toMatch(/unsafe-eval/);
  });

  it('trusts only frames showing the app itself', () => {
    const app = rendererUrl('/opt/app/out');
    expect(app).toBe('file:///opt/app/out/renderer/index.html');
    expect(isTrustedSender('file:///opt/app/out/renderer/index.html', app)).toBe(true);
    expect(isTrustedSender('file:///etc/passwd', app)).toBe(false);
    expect(isTrustedSender('https://evil.example/', app)).toBe(false);
    expect(isTrustedSender(undefined, app)).toBe(false);
    const dev = rendererUrl('/x', 'http://localhost:5173');
    expect(isTrustedSender('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false);
  });
});

describe('IPC handlers', () => {
  const handlers = new Map<
    string,
    (e: { senderFrame: { url: string } | null }, ...a: unknown[]) => unknown
  >();
  const ipcMain: IpcMainLike = {
    handle: (ch, fn) => void handlers.set(ch, fn),
    removeHandler: (ch) => void handlers.delete(ch),
  };
  const api = new StudioApi({ host: 'electron', version: 't', home: dir });
  const appUrl = 'file:///app/renderer/index.html';
  const unregister = registerIpcHandlers(ipcMain, api, (u) => isTrustedSender(u, appUrl));

  it('registers one handler per contract call', () => {
    expect([...handlers.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
  });

  it('refuses calls from untrusted frames and invalid input', async () => {
    const h = handlers.get(callChannel('project.current'))!;
    expect(await h({ senderFrame: { url: 'https://evil.example' } }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await h({ senderFrame: null }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await h({ senderFrame: { url: appUrl } }, {})).toEqual({ ok: true, result: null });
    const list = handlers.get(callChannel('library.list'))!;
    expect(await list({ senderFrame: { url: appUrl } }, { offset: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });

  it('unregisters everything', () => {
    unregister();
    expect(handlers.size).toBe(0);
    api.dispose();
  });
});

describe('vqa2-media: protocol', () => {
  it('serves only files registered in the open project, with byte ranges', async () => {
    const store = ProjectStore.create(path.join(dir, 'm'));
    const file = path.join(dir, 'clip.mp4');
    fs.writeFileSync(file, Buffer.from('0123456789'));
    const [id] = store.insertVideos([
      {
        absPath: file,
        status: 'ok',
        error: null,
        durationSec: 1,
        width: 2,
        height: 2,
        fps: 1,
        codec: 'h264',
        bitrateKbps: 1,
        sizeBytes: 10,
        partialHash: null,
        probeJson: null,
      },
    ]);
    const whole = handleMediaRequest(new Request(`vqa2-media://video/${id}`), store);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe('0123456789');
    const part = handleMediaRequest(
      new Request(`vqa2-media://video/${id}`, { headers: { Range: 'bytes=2-5' } }),
      store,
    );
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await part.text()).toBe('2345');
    expect(
      handleMediaRequest(
        new Request(`vqa2-media://video/${id}`, { headers: { Range: 'bytes=20-' } }),
        store,
      ).status,
    ).toBe(416);
    expect(handleMediaRequest(new Request('vqa2-media://video/999'), store).status).toBe(404);
    expect(
      handleMediaRequest(new Request('vqa2-media://video/..%2f..%2fetc%2fpasswd'), store).status,
    ).toBe(404);
    expect(handleMediaRequest(new Request(`vqa2-media://thumb/${id}`), store).status).toBe(404);
    expect(handleMediaRequest(new Request(`vqa2-media://video/${id}`), null).status).toBe(404);
    store.close();
  });
});
