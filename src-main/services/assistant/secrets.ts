// Where engine API keys live. Keys never go to the renderer, logs or the project's plain tables:
// engine configs hold only a reference (the secret's name). Implementations: an in-memory store
// (web host, tests; a key set in the browser lasts until the host stops), environment variables
// (CLI `--api-key-env VAR`), and Electron safeStorage (src-main/hosts/electron/secrets.ts).
import { StudioError } from '../../../src-shared/contract-errors';

export interface SecretStore {
  /** 'memory' | 'env' | 'safeStorage': shown in the UI so the user knows where a key is kept. */
  readonly kind: string;
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  has(name: string): boolean;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  private readonly map = new Map<string, string>();
  get(name: string): string | null {
    return this.map.get(name) ?? null;
  }
  set(name: string, value: string): void {
    this.map.set(name, value);
  }
  delete(name: string): void {
    this.map.delete(name);
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
}

/**
 * Reads keys from environment variables (read-only). A key reference `env:VAR` names the variable;
 * other references fall back to `fallback` (e.g. a memory store for keys typed into the web UI).
 */
export class EnvSecretStore implements SecretStore {
  readonly kind: string;
  constructor(
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly fallback: SecretStore = new MemorySecretStore(),
  ) {
    this.kind = `env+${fallback.kind}`;
  }
  get(name: string): string | null {
    if (name.startsWith('env:')) return this.env[name.slice(4)] ?? null;
    return this.fallback.get(name);
  }
  set(name: string, value: string): void {
    if (name.startsWith('env:'))
      throw new Error(
        'Environment keys are read-only; set the variable before starting the studio',
      );
    this.fallback.set(name, value);
  }
  delete(name: string): void {
    if (!name.startsWith('env:')) this.fallback.delete(name);
  }
  has(name: string): boolean {
    return this.get(name) != null;
  }
}

/** The key of an env var for the CLI's `--api-key-env VAR`, with a clear error when unset. */
export function keyFromEnv(
  varName: string | undefined,
  env: Record<string, string | undefined> = process.env,
): string | null {
  if (!varName) return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(varName))
    throw new StudioError(
      'BAD_INPUT',
      `--api-key-env: "${varName}" is not a valid environment variable name`,
    );
  const v = env[varName];
  if (!v)
    throw new StudioError(
      'BAD_INPUT',
      `--api-key-env: the environment variable ${varName} is not set or empty`,
    );
  return v;
}

let current: SecretStore = new EnvSecretStore();

/** The host's secret store: safeStorage in Electron (installed by the Electron host), else env + memory. */
export function secretStore(): SecretStore {
  return current;
}

export function setSecretStore(s: SecretStore): void {
  current = s;
}

/** The secret entry of an engine's key. */
export const engineKeyRef = (engineId: string): string => `engine-key:${engineId}`;
