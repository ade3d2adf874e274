// Engine API keys on the desktop: encrypted with Electron's safeStorage (OS keychain / DPAPI /
// libsecret) and kept, encrypted, in <studio home>/secrets.json, written atomically. The cipher is
// passed in (main.ts gives `safeStorage`), so this module loads without Electron in tests.
import { StudioError } from '../../../src-shared/contract';
import fs from 'node:fs';
import path from 'node:path';
import { EnvSecretStore, type SecretStore } from '../../services/assistant/secrets';

export interface Cipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'safeStorage';

  constructor(
    private readonly cipher: Cipher,
    private readonly file: string,
  ) {}

  private read(): Record<string, string> {
    try {
      const j = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return j && typeof j === 'object' ? (j as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  private write(all: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  get(name: string): string | null {
    const v = this.read()[name];
    if (!v || !this.cipher.isEncryptionAvailable()) return null;
    try {
      return this.cipher.decryptString(Buffer.from(v, 'base64'));
    } catch {
      return null; // encrypted by another user/machine: treat as absent
    }
  }

  set(name: string, value: string): void {
    if (!this.cipher.isEncryptionAvailable()) {
      throw new StudioError(
        'SECRETS_UNAVAILABLE',
        'The system keychain is not available, so the API key cannot be stored safely. Start the studio with the key in an environment variable instead.',
      );
    }
    this.write({ ...this.read(), [name]: this.cipher.encryptString(value).toString('base64') });
  }

  delete(name: string): void {
    const all = this.read();
    if (!(name in all)) return;
    delete all[name];
    this.write(all);
  }

  has(name: string): boolean {
    return name in this.read();
  }
}

/** The desktop's store: safeStorage for keys typed in the UI, `env:VAR` references from the environment. */
export function desktopSecretStore(cipher: Cipher, home: string): SecretStore {
  return new EnvSecretStore(
    process.env,
    new SafeStorageSecretStore(cipher, path.join(home, 'secrets.json')),
  );
}
