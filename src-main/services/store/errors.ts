// Store errors carry a stable code (logs, CLI exit codes) and a human message (UI).
import { StudioError } from '../../../src-shared/contract-errors';
export type StoreErrorCode =
  | 'PROJECT_NOT_FOUND'
  | 'PROJECT_EXISTS'
  | 'PROJECT_INVALID'
  | 'PROJECT_TOO_NEW'
  | 'PROJECT_NEEDS_UPGRADE'
  | 'PROJECT_LOCKED'
  | 'PROJECT_OPEN_FAILED';

export class StoreError extends StudioError<StoreErrorCode> {
  constructor(code: StoreErrorCode, message: string) {
    super(code, message);
    this.name = 'StoreError';
  }
}
