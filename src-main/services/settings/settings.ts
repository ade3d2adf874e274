// Studio-wide settings in <studio home>/settings.json (the annotator's name for now). Unknown keys
// written by newer builds are kept; the file is replaced atomically (temp + rename).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../../src-shared/contract';
import { StudioError } from '../../../src-shared/contract-errors';

const MAX_NAME = 100;

/** The OS user's name, the default annotator; a fixed word where the OS has none (containers). */
export function defaultAnnotator(env: NodeJS.ProcessEnv = process.env): string {
  let name = '';
  try {
    name = os.userInfo().username;
  } catch {
    name = env.USER || env.USERNAME || env.LOGNAME || '';
  }
  name = name.trim().slice(0, MAX_NAME);
  return name || 'annotator';
}

export class StudioSettings {
  readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, 'settings.json');
  }

  private readRaw(): Record<string, unknown> {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return data && typeof data === 'object' && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  get(): Settings {
    const raw = this.readRaw();
    const annotator =
      typeof raw.annotator === 'string' ? raw.annotator.trim().slice(0, MAX_NAME) : '';
    return { annotator: annotator || defaultAnnotator() };
  }

  set(patch: Partial<Settings>): Settings {
    const next: Record<string, unknown> = { ...this.readRaw() };
    if (patch.annotator !== undefined) {
      const a = patch.annotator.trim();
      if (!a) throw new StudioError('BAD_INPUT', 'The annotator name is empty');
      if (a.length > MAX_NAME)
        throw new StudioError(
          'BAD_INPUT',
          `The annotator name is longer than ${MAX_NAME} characters`,
        );
      next.annotator = a;
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 2));
    fs.renameSync(tmp, this.file);
    return this.get();
  }
}
