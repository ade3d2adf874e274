// Store errors carry a stable code (logs, CLI exit codes) and a human message (UI).
export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
