// Media children start from a small helper process (spawner.ts), so that fork() never marks the
// studio's own memory (ONNX Runtime's arena) copy-on-write. Checked here: the streams carry the
// same bytes as a child started the usual way, exit codes and spawn errors come through, a kill
// before the child has started still stops it, a model run after a helper spawn takes no burst of
// page faults (a run after an ordinary spawn does), and when the helper dies children start here.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  spawnMedia,
  spawnerHelperPid,
  spawnerSocketName,
  type MediaChild,
} from '../../src-main/services/media/spawner';
import { WorkerSession } from '../../src-main/services/inference/session-worker';
import { resolvePackDir } from '../../src-main/services/scoring/pack-scorer';
import { findAppRoot } from '../../src-main/services/settings/app-root';

const SCRIPT = 'head -c 3000000 /dev/zero | tr "\\0" a; echo err >&2; printf three >&3; exit 7';

function collect(child: MediaChild, fds: number[]) {
  const hashes = new Map(fds.map((fd) => [fd, createHash('sha256')]));
  const sizes = new Map(fds.map((fd) => [fd, 0]));
  for (const fd of fds)
    child.stdio[fd]!.on('data', (c: Buffer) => {
      hashes.get(fd)!.update(c);
      sizes.set(fd, sizes.get(fd)! + c.length);
    });
  return new Promise<{ code: number | null; signal: string | null; out: Record<number, string> }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code: number | null, signal: string | null) =>
        resolve({
          code,
          signal,
          out: Object.fromEntries(
            fds.map((fd) => [fd, `${sizes.get(fd)}:${hashes.get(fd)!.digest('hex')}`]),
          ),
        }),
      );
    },
  );
}

describe('media children from the spawner helper', () => {
  it('carry the same bytes on fds 1, 2 and 3 and the exit code as an ordinary child', async () => {
    const local = spawn('sh', ['-c', SCRIPT], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const expected = await collect(local as unknown as MediaChild, [1, 2, 3]);
    const remote = spawnMedia('sh', ['-c', SCRIPT], [1, 2, 3]);
    expect(remote.constructor.name).toBe('RemoteChild');
    const got = await collect(remote, [1, 2, 3]);
    expect(got).toEqual(expected);
    expect(got.code).toBe(7);
    expect(got.out[1]).toMatch(/^3000000:/);
    expect(spawnerHelperPid()).toBeGreaterThan(0);
  });

  it("ignores a connection without the helper's secret: another local process cannot inject output", async () => {
    const child = spawnMedia('sh', ['-c', 'sleep 0.5; printf real'], [1, 2]);
    const name = spawnerSocketName();
    expect(name).toEqual(expect.any(String));
    // any local process can reach an abstract socket: try to pass as this child's stdout
    const intruder = net.connect(`\0${name}`);
    const refused = new Promise<void>((r) => intruder.once('close', () => r()));
    intruder.on('error', () => undefined);
    intruder.write(JSON.stringify({ id: 1, fd: 1, token: 'guess' }) + '\nfake');
    for (let id = 1; id < 50; id++) {
      const s = net.connect(`\0${name}`);
      s.on('error', () => undefined);
      s.end(JSON.stringify({ id, fd: 1 }) + '\nfake');
    }
    await refused;
    const r = await collect(child, [1, 2]);
    expect(r.code).toBe(0);
    expect(r.out[1]).toBe(`4:${createHash('sha256').update('real').digest('hex')}`);
  });

  it('reports a missing binary as an error with its code, and stops a child killed at once', async () => {
    const missing = spawnMedia('/nonexistent/ffmpeg', [], [1, 2]);
    await expect(new Promise((_, reject) => missing.once('error', reject))).rejects.toMatchObject({
      code: 'ENOENT',
    });

    const t0 = Date.now();
    const sleeper = spawnMedia('sleep', ['30'], [1, 2]);
    expect(sleeper.pid).toBeUndefined(); // not started yet: the kill waits for the pid
    expect(sleeper.kill('SIGTERM')).toBe(true);
    const r = await collect(sleeper, [1, 2]);
    expect(r.signal).toBe('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('leaves the model thread without a burst of page faults, unlike an ordinary spawn', async () => {
    const model = path.join(resolvePackDir(findAppRoot()), 'segment.onnx');
    const session = new WorkerSession(model, { provider: 'cpu', threads: 1, spinning: false });
    const frames = new Uint8Array(2 * 360 * 640 * 3).map((_, i) => (i * 2654435761) >>> 24);
    const faultsOfRun = async () => {
      const f0 = process.resourceUsage().minorPageFault;
      await session.run({
        key_frames: { data: frames.slice(), dims: [2, 360, 640, 3] },
        motion_frames: { data: new Uint8Array(51 * 36 * 64), dims: [51, 36, 64] },
      });
      return process.resourceUsage().minorPageFault - f0;
    };
    const done = (c: MediaChild) =>
      new Promise((r) => {
        c.stdio[1]!.resume();
        c.stdio[2]!.resume();
        c.once('close', r);
      });
    try {
      for (let i = 0; i < 3; i++) await faultsOfRun(); // the arena settles
      await done(spawnMedia('true', [], [1, 2])); // the helper is running
      await faultsOfRun();
      await new Promise((r) => spawn('true').once('close', r));
      const afterOrdinary = await faultsOfRun();
      await done(spawnMedia('true', [], [1, 2]));
      const afterHelper = await faultsOfRun();
      // every page the model writes faults once after an ordinary fork: thousands of pages
      expect(afterOrdinary).toBeGreaterThan(2000);
      expect(afterHelper).toBeLessThan(afterOrdinary / 4);
    } finally {
      await session.release();
    }
  });

  it('starts children here once the helper has died', async () => {
    const pid = spawnerHelperPid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    for (let i = 0; i < 200 && spawnerHelperPid() !== null; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(spawnerHelperPid()).toBeNull();
    const child = spawnMedia('sh', ['-c', 'printf ok; exit 3'], [1, 2]);
    expect(child.constructor.name).toBe('ChildProcess');
    const r = await collect(child, [1, 2]);
    expect(r.code).toBe(3);
    expect(r.out[1]).toMatch(/^2:/);
  });
});
