// Runs the built `vqa2` command as a user would, with its own VQA2_HOME.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'vqa2.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runVqa2(home: string, args: string[], timeout = 120_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, VQA2_HOME: home },
    timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stdout of a command that must succeed; otherwise an error with its stderr. */
export function vqa2Ok(home: string, args: string[], timeout = 170_000): string {
  const r = runVqa2(home, args, timeout);
  if (r.code !== 0) throw new Error(`vqa2 ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
