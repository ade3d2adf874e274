// Registers one ipcMain.handle per contract call (validated by schema, sender checked) and
// forwards API events to the window. Takes Electron's objects as parameters to stay testable.
import { CALL_NAMES } from '../../../src-shared/contract';
import { callChannel, eventChannel, type BridgeResult } from '../../../src-preload/bridge';
import type { StudioApi } from '../../api/api';
import { dispatch } from '../../api/dispatch';

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  api: StudioApi,
  isTrusted: (frameUrl: string | undefined) => boolean,
): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event, input): Promise<BridgeResult> => {
      if (!isTrusted(event.senderFrame?.url)) {
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the studio window' },
        };
      }
      return dispatch(api.handlers, name, input);
    });
  }
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}

export function forwardEvents(
  api: StudioApi,
  send: (channel: string, payload: unknown) => void,
): () => void {
  return api.onEvent((name, payload) => send(eventChannel(name), payload));
}
