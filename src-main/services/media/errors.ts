// Errors from the media layer: a stable code for logs and the CLI, a human message for the UI.
import { StudioError } from '../../../src-shared/contract-errors';
export type MediaErrorCode =
  | 'FFMPEG_NOT_FOUND'
  | 'FFMPEG_PATH_INVALID'
  | 'MEDIA_SPAWN_FAILED'
  | 'MEDIA_ABORTED'
  | 'MEDIA_TIMEOUT'
  | 'MEDIA_PROCESS_FAILED'
  | 'MEDIA_UNREADABLE'
  | 'MEDIA_NO_FRAME';

export class MediaError extends StudioError<MediaErrorCode> {
  constructor(
    code: MediaErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(code, message);
    this.name = 'MediaError';
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof MediaError && e.code === 'MEDIA_ABORTED';
}
