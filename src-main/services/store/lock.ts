// Single-writer lock for a project file: a `<project>.lock` file holding the owner's pid and host.
// A lock whose owner process is gone (same host, pid not alive) is stale and taken over.
import fs from 'node:fs';
import os from 'node:os';
import { StoreError } from './errors';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

export class ProjectLock {
  private released = false;
  private constructor(readonly lockPath: string) {}

  static acquire(projectPath: string): ProjectLock {
    const lockPath = `${projectPath}.lock`;
    const me: LockOwner = {
      pid: process.pid,
      host: os.hostname(),
      since: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lockPath, JSON.stringify(me), { flag: 'wx' });
        return new ProjectLock(lockPath);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = readOwner(lockPath);
        const stale =
          owner === null ||
          (owner.host === me.host && (owner.pid === process.pid ? false : !isAlive(owner.pid)));
        if (owner && owner.pid === process.pid && owner.host === me.host) {
          throw new StoreError(
            'PROJECT_LOCKED',
            `Project ${projectPath} is already open in this process`,
          );
        }
        if (!stale) {
          throw new StoreError(
            'PROJECT_LOCKED',
            `Project ${projectPath} is open for writing by another process (pid ${owner!.pid} on ${owner!.host} since ${owner!.since}). Close it there first.`,
          );
        }
        fs.rmSync(lockPath, { force: true });
      }
    }
    throw new StoreError('PROJECT_LOCKED', `Could not lock ${projectPath}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const owner = readOwner(this.lockPath);
    if (owner && owner.pid === process.pid) fs.rmSync(this.lockPath, { force: true });
  }
}
