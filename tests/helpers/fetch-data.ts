// Test data that is fetched, not committed: the tests run the fetch scripts themselves, so
// `npm test` alone works on a fresh machine (the scripts are idempotent and quick once cached).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Runs scripts/<name> (bash) from the repository root; throws with its output when it fails. */
export function runFetchScript(name: string): void {
  try {
    execFileSync('bash', [path.join(ROOT, 'scripts', name)], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 600_000,
    });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    const out = `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`.trim();
    throw new Error(`scripts/${name} failed: ${out || err.message}`);
  }
}
