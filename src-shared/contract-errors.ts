// Every error code a call can answer with, and the one error class that carries such a code.
// Services throw StudioError (or a subclass that narrows `code`); the API boundary turns it into
// { code, message } unchanged and anything else into INTERNAL. Dependency-free, so the sandboxed
// preload and the renderer can import it too.
export const ERROR_CODES = [
  // any layer
  'BAD_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'CANCELLED',
  'INTERNAL',
  // call dispatch and hosts
  'UNKNOWN_CALL',
  'BAD_MESSAGE',
  'FORBIDDEN',
  'DISCONNECTED',
  'RENDERER_NOT_BUILT',
  'SECRETS_UNAVAILABLE',
  // projects, folders and files
  'NO_PROJECT',
  'PROJECT_NOT_FOUND',
  'PROJECT_EXISTS',
  'PROJECT_INVALID',
  'PROJECT_TOO_NEW',
  'PROJECT_NEEDS_UPGRADE',
  'PROJECT_LOCKED',
  'PROJECT_OPEN_FAILED',
  'PATH_NOT_FOUND',
  'DIR_UNREADABLE',
  'NOT_YOURS',
  'NOT_PLAYABLE',
  // media (ffmpeg)
  'FFMPEG_NOT_FOUND',
  'FFMPEG_PATH_INVALID',
  'MEDIA_SPAWN_FAILED',
  'MEDIA_ABORTED',
  'MEDIA_TIMEOUT',
  'MEDIA_PROCESS_FAILED',
  'MEDIA_UNREADABLE',
  'MEDIA_NO_FRAME',
  // model packs (ONNX Runtime)
  'PACK_NOT_FOUND',
  'PACK_INVALID',
  'PACK_MISMATCH',
  'PACK_SESSION_FAILED',
  // in-process LMMs and the model registry
  'MODEL_INVALID',
  'MODEL_TOO_BIG',
  'MODEL_SESSION_FAILED',
  'MODEL_INPUT_INVALID',
  'MODEL_CANCELLED',
  'MODEL_DISPOSED',
  // OpenAI-compatible engines
  'ENGINE_HTTP',
  'ENGINE_NETWORK',
  'ENGINE_TIMEOUT',
  'ENGINE_PROTOCOL',
  'ENGINE_CANCELLED',
  'NO_LOGPROBS',
  // scoring
  'NO_LEVEL_LOGPROBS',
  'BAD_WEIGHTS',
  'BAD_LOGITS',
  'BAD_SCORE',
  'INVALID_INPUT',
  'UNSUPPORTED_CODEC',
  'EMPTY_SESSION',
  // dataset export
  'EXPORT_INVALID',
  'EXPORT_CANCELLED',
  'EXPORT_FAILED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Errors cross the boundary as plain data. */
export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
}

/** The typed error every layer throws; `C` lets a subclass narrow the codes it may carry. */
export class StudioError<C extends ErrorCode = ErrorCode> extends Error implements ApiErrorShape {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

/** A call's error as the client sees it (and as the API layer throws it). */
export class ApiError extends StudioError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'ApiError';
  }
}
