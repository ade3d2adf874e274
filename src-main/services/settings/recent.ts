// Recent projects, kept in the studio's home folder (VQA2_HOME, else ~/.config/vqa2-studio).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecentProject } from '../../../src-shared/contract';

const MAX_RECENT = 20;

export function studioHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VQA2_HOME) return path.resolve(env.VQA2_HOME);
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'vqa2-studio');
}

interface RecentEntry {
  path: string;
  name: string;
  openedAt: string;
}

export class RecentProjects {
  private readonly file: string;
  constructor(home: string) {
    this.file = path.join(home, 'recent.json');
  }

  private read(): RecentEntry[] {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return Array.isArray(data)
        ? data.filter(
            (e): e is RecentEntry =>
              !!e && typeof e.path === 'string' && typeof e.name === 'string',
          )
        : [];
    } catch {
      return [];
    }
  }

  list(): RecentProject[] {
    return this.read().map((e) => ({ ...e, exists: fs.existsSync(e.path) }));
  }

  touch(projectPath: string, name: string): void {
    this.write(
      [
        { path: projectPath, name, openedAt: new Date().toISOString() },
        ...this.read().filter((e) => e.path !== projectPath),
      ].slice(0, MAX_RECENT),
    );
  }

  /** Take entries off the list (the project files are not touched); returns the new list. */
  forget(paths: readonly string[]): RecentProject[] {
    const gone = new Set(paths);
    const before = this.read();
    const kept = before.filter((e) => !gone.has(e.path));
    if (kept.length !== before.length) this.write(kept);
    return this.list();
  }

  private write(entries: RecentEntry[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entries, null, 2));
    fs.renameSync(tmp, this.file);
  }
}
