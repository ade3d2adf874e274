// Runs ffmpeg/ffprobe as child processes with argument arrays (never a shell): abort by signal,
// bounded stderr, stdout collected as a Buffer. Children start from the spawner's helper (see
// spawner.ts).
import { MediaError } from './errors';
import { resolveMediaTools } from './ffmpeg-path';
import { spawnMedia, type MediaChild } from './spawner';

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill the child after this long; guards against inputs that make ffmpeg hang (network mounts). */
  timeoutMs?: number;
  /** Stop collecting stdout past this many bytes (the child keeps running). */
  maxStdoutBytes?: number;
  /** Path of the media file, attached to errors for the UI. */
  mediaPath?: string;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last ~8 KB of stderr: ffmpeg's useful error is at the end. */
  stderr: string;
}

const STDERR_KEEP = 8 * 1024;
const KILL_GRACE_MS = 300;

/**
 * Stop a child: SIGTERM (ffmpeg exits cleanly on it), then SIGKILL after a short grace for one
 * stuck in a blocking read. Returns the SIGKILL timer, or null if it was gone.
 */
export function terminate(child: MediaChild): NodeJS.Timeout | null {
  if (!child.kill('SIGTERM')) return null; // already gone
  const t = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  t.unref();
  return t;
}

/** Run a binary; resolves whatever the exit code (callers interpret it), rejects on spawn failure, abort or timeout. */
export function runBinary(
  bin: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const { signal, timeoutMs, maxStdoutBytes = 64 * 1024 * 1024, mediaPath } = opts;
  return new Promise<RunResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new MediaError('MEDIA_ABORTED', 'Cancelled.', mediaPath));
      return;
    }
    const child = spawnMedia(bin, args, [1, 2]);
    const out: Buffer[] = [];
    let outBytes = 0;
    let errTail = '';
    let stoppedBy: 'abort' | 'timeout' | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    const stop = (why: 'abort' | 'timeout') => {
      if (stoppedBy || child.exitCode !== null) return;
      stoppedBy = why;
      killTimer = terminate(child) ?? undefined;
    };
    const onAbort = () => stop('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs) timeoutTimer = setTimeout(() => stop('timeout'), timeoutMs);

    child.stdio[1]!.on('data', (chunk: Buffer) => {
      if (outBytes >= maxStdoutBytes) return;
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stdio[2]!.setEncoding('utf8');
    child.stdio[2]!.on('data', (chunk: string) => {
      errTail += chunk;
      if (errTail.length > STDERR_KEEP * 2) errTail = errTail.slice(-STDERR_KEEP);
    });

    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        new MediaError(
          'MEDIA_SPAWN_FAILED',
          `Could not start ${bin}: ${e.code ?? e.message}`,
          mediaPath,
        ),
      );
    });
    child.once('close', (exitCode: number | null, sig: NodeJS.Signals | null) => {
      cleanup();
      if (stoppedBy === 'abort') {
        reject(new MediaError('MEDIA_ABORTED', 'Cancelled.', mediaPath));
      } else if (stoppedBy === 'timeout') {
        reject(
          new MediaError(
            'MEDIA_TIMEOUT',
            `${bin} did not finish within ${Math.round((timeoutMs ?? 0) / 1000)} s.`,
            mediaPath,
          ),
        );
      } else {
        resolve({
          exitCode,
          signal: sig,
          stdout: Buffer.concat(out),
          stderr: errTail.slice(-STDERR_KEEP),
        });
      }
    });
  });
}

/** Run ffmpeg or ffprobe as resolved by resolveMediaTools. */
export function runMediaTool(
  tool: 'ffmpeg' | 'ffprobe',
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  return runBinary(resolveMediaTools()[tool], args, opts);
}

// Lines ffmpeg prints as a consequence of an earlier error; the cause is the line before them.
const CONSEQUENCE_LINES = [
  /^Last message repeated/i,
  /^Conversion failed!?$/i,
  /^Cannot determine format of input stream/i,
  /^Error marking filters as finished/i,
  /^Output file is empty, nothing was encoded/i,
  /^Nothing was written into output file/i,
  /^Error (initializing|while) (output stream|opening output)/i,
  /^Error while filtering/i,
];

/** The most informative line of ffmpeg's stderr: the last cause, without the "[demuxer @ 0x…]" prefix. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/i, '').trim())
    .filter(Boolean);
  const causes = lines.filter((l) => !CONSEQUENCE_LINES.some((re) => re.test(l)));
  return causes[causes.length - 1] ?? lines[lines.length - 1] ?? '';
}
