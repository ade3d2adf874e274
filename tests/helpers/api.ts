// Shared by the tests that drive the StudioApi directly: a call through dispatch (schema
// validation included, like the hosts do) and a probed-looking video row.
import { dispatch } from '../../src-main/api/dispatch';
import type { StudioApi } from '../../src-main/api/api';
import type { NewVideo } from '../../src-main/services/store/project-store';
import type { CallName } from '../../src-shared/contract';

/** One call as the hosts make it; a refusal throws with the error's code. */
export async function callApi<T = unknown>(
  api: StudioApi,
  name: CallName,
  input: unknown,
): Promise<T> {
  const r = await dispatch(api.handlers, name, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
}

/** A video row as import would store it for a 10 s H.264 clip (no file needed). */
export function videoRow(absPath: string, over: Partial<NewVideo> = {}): NewVideo {
  return {
    absPath,
    status: 'ok',
    error: null,
    durationSec: 10,
    width: 320,
    height: 240,
    fps: 25,
    codec: 'h264',
    bitrateKbps: 500,
    sizeBytes: 1000,
    partialHash: null,
    probeJson: null,
    ...over,
  };
}
