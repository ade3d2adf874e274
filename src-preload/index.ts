// Preload (sandboxed): exposes a minimal, typed bridge as window.studio. No Node APIs leak through.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { callChannel, eventChannel, type StudioBridge } from './bridge';
import { EVENT_NAMES, type EventName } from '../src-shared/contract-names';

/** The contract's call names, put in by the build (electron.vite.config.ts) so that no schema is bundled here. */
declare const __VQA2_CALL_NAMES__: readonly string[];

const callNames = new Set<string>(__VQA2_CALL_NAMES__);
const eventNames = new Set<string>(EVENT_NAMES);

const bridge: StudioBridge = {
  invoke(name, input) {
    if (!callNames.has(name)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_CALL', message: `Unknown call "${name}"` },
      });
    }
    return ipcRenderer.invoke(callChannel(name), input);
  },
  on(name: EventName, listener) {
    if (!eventNames.has(name)) throw new Error(`Unknown event "${name}"`);
    const channel = eventChannel(name);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
