// Where API keys live: the desktop store keeps only ciphertext on disk; env references resolve
// from the environment; the API never returns a key and no plain table holds one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SafeStorageSecretStore,
  desktopSecretStore,
  type Cipher,
} from '../../src-main/hosts/electron/secrets';
import {
  EnvSecretStore,
  MemorySecretStore,
  keyFromEnv,
  setSecretStore,
} from '../../src-main/services/assistant/secrets';
import { StudioApi } from '../../src-main/api/api';
import { dispatch } from '../../src-main/api/dispatch';

const KEY = 'sk-live-abcdef0123456789';
// a reversible stand-in for the OS keychain (XOR + marker), so the file never holds the plain key
const cipher = (available = true): Cipher => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.concat([Buffer.from('ENC:'), Buffer.from(s).map((b) => b ^ 0x5a)]),
  decryptString: (b) => {
    if (b.subarray(0, 4).toString() !== 'ENC:') throw new Error('bad');
    return Buffer.from(b.subarray(4).map((x) => x ^ 0x5a)).toString();
  },
});

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-secrets-'))));
afterEach(() => {
  setSecretStore(new EnvSecretStore());
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SafeStorageSecretStore', () => {
  it('stores only ciphertext, reads it back, deletes it', () => {
    const file = path.join(dir, 'secrets.json');
    const s = new SafeStorageSecretStore(cipher(), file);
    s.set('engine-key:e1', KEY);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(KEY);
    expect(new SafeStorageSecretStore(cipher(), file).get('engine-key:e1')).toBe(KEY);
    expect(s.has('engine-key:e1')).toBe(true);
    s.delete('engine-key:e1');
    expect(s.get('engine-key:e1')).toBeNull();
    expect(fs.readdirSync(dir)).toEqual(['secrets.json']); // no temp file left
  });

  it('refuses to store a key without a keychain, and reads nothing then', () => {
    const s = new SafeStorageSecretStore(cipher(false), path.join(dir, 'secrets.json'));
    expect(() => s.set('k', KEY)).toThrow(/keychain is not available/);
    expect(s.get('k')).toBeNull();
  });

  it('resolves env: references from the environment on the desktop too', () => {
    process.env.VQA2_TEST_KEY = KEY;
    try {
      expect(desktopSecretStore(cipher(), dir).get('env:VQA2_TEST_KEY')).toBe(KEY);
    } finally {
      delete process.env.VQA2_TEST_KEY;
    }
  });
});

describe('keys', () => {
  it('keyFromEnv names a missing or bad variable', () => {
    expect(keyFromEnv('K', { K: KEY })).toBe(KEY);
    expect(keyFromEnv(undefined)).toBeNull();
    expect(() => keyFromEnv('K', {})).toThrow(/K is not set/);
    expect(() => keyFromEnv('1X', {})).toThrow(/not a valid environment variable name/);
  });

  it('never returns a key through the API nor writes it to the project file', async () => {
    const mem = new MemorySecretStore();
    setSecretStore(mem);
    const api = new StudioApi({ host: 'web', version: 't', home: dir });
    try {
      const project = path.join(dir, 'p.vqa2.sqlite');
      const created = await dispatch(api.handlers, 'project.create', { path: project });
      expect(created.ok).toBe(true);
      const put = await dispatch(api.handlers, 'assistant.putEngine', {
        name: 'local',
        baseUrl: 'http://127.0.0.1:9/v1',
        model: 'm',
        apiKey: KEY,
      });
      expect(put.ok).toBe(true);
      expect(JSON.stringify(put)).not.toContain(KEY);
      expect((put as { result: { hasKey: boolean } }).result.hasKey).toBe(true);
      const list = await dispatch(api.handlers, 'assistant.engines', {});
      expect(JSON.stringify(list)).not.toContain(KEY);
      expect(mem.get(`engine-key:${(put as { result: { id: string } }).result.id}`)).toBe(KEY);
      api.closeProject();
      const bytes = fs.readFileSync(project);
      expect(bytes.includes(Buffer.from(KEY))).toBe(false);
      for (const f of fs.readdirSync(dir)) {
        if (fs.statSync(path.join(dir, f)).isFile())
          expect(fs.readFileSync(path.join(dir, f)).includes(Buffer.from(KEY)), f).toBe(false);
      }
    } finally {
      api.dispose();
    }
  });
});
