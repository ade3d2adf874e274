// The shape window.studio has in the renderer (exposed by the preload script via contextBridge).
import type { ApiErrorShape, EventName } from '../src-shared/contract';

export type BridgeResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export interface StudioBridge {
  invoke(name: string, input: unknown): Promise<BridgeResult>;
  on(name: EventName, listener: (payload: unknown) => void): () => void;
  pathForFile(file: File): string;
}

/** IPC channel of a call; one ipcMain.handle per call. */
export const callChannel = (name: string): string => `vqa2:call:${name}`;
export const eventChannel = (name: string): string => `vqa2:event:${name}`;
