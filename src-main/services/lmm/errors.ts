// Errors of the in-process LMM runtime: a stable code for logs, the CLI and the UI, and a message
// that names the file or tensor at fault.
import { StudioError } from '../../../src-shared/contract-errors';
export type LmmErrorCode =
  | 'MODEL_INVALID'
  | 'MODEL_TOO_BIG'
  | 'MODEL_SESSION_FAILED'
  | 'MODEL_INPUT_INVALID'
  | 'MODEL_CANCELLED'
  | 'MODEL_DISPOSED';

export class LmmError extends StudioError<LmmErrorCode> {
  constructor(
    code: LmmErrorCode,
    message: string,
    /** Text streamed before a cancel, so a caller can keep what the user already saw. */
    readonly partialText?: string,
  ) {
    super(code, message);
    this.name = 'LmmError';
  }
}

export function invalid(dir: string, what: string): LmmError {
  return new LmmError('MODEL_INVALID', `Model folder ${dir}: ${what}`);
}
