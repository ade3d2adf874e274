// Finds the ffmpeg/ffprobe binaries: FFMPEG_PATH/FFPROBE_PATH → optional ffmpeg-static → PATH.
// One clear error when none is usable, because a missing ffmpeg is the commonest setup problem.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { MediaError } from './errors';

export type MediaToolSource = 'env' | 'ffmpeg-static' | 'PATH';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** Where ffmpeg came from (ffprobe normally comes from the same place). */
  source: MediaToolSource;
}

type Env = Record<string, string | undefined>;
type Tool = 'ffmpeg' | 'ffprobe';

const ENV_VAR: Record<Tool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };
const IS_WINDOWS = process.platform === 'win32';
const cache = new Map<string, MediaTools>();

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    // Windows has no execute bit; existence of the file is all we can check.
    if (!IS_WINDOWS) fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The ffmpeg-static binary, if that optional package is installed and its download succeeded. */
function ffmpegStaticBinary(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const p: unknown = req('ffmpeg-static');
    if (typeof p !== 'string' || !p) return null;
    // Inside a packaged Electron app the binary lives in the unpacked copy of the asar archive.
    const real = p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    return isExecutableFile(real) ? real : null;
  } catch {
    return null;
  }
}

function exeNames(tool: Tool, env: Env): string[] {
  if (!IS_WINDOWS) return [tool];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return exts.map((e) => tool + e.toLowerCase());
}

function findOnPath(tool: Tool, env: Env): string | null {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const name of exeNames(tool, env)) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

/** An env override must point at a real executable; a typo should not silently pick another ffmpeg. */
function fromEnv(tool: Tool, env: Env): string | null {
  const name = ENV_VAR[tool];
  const value = env[name];
  if (!value) return null;
  if (!isExecutableFile(value)) {
    const why = fs.existsSync(value) ? 'is not an executable file' : 'does not exist';
    throw new MediaError(
      'FFMPEG_PATH_INVALID',
      `${name} is set to "${value}", which ${why}. Point ${name} at the ${tool} binary or unset it.`,
      value,
    );
  }
  return value;
}

function siblingOf(binary: string, tool: Tool, env: Env): string | null {
  for (const name of exeNames(tool, env)) {
    const candidate = path.join(path.dirname(binary), name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function resolveUncached(env: Env): MediaTools {
  let ffmpeg: { path: string; source: MediaToolSource } | null = null;
  let ffprobe: string | null = null;

  const envFfmpeg = fromEnv('ffmpeg', env);
  const envFfprobe = fromEnv('ffprobe', env);
  if (envFfmpeg) ffmpeg = { path: envFfmpeg, source: 'env' };
  // FFMPEG_PATH alone usually names a folder that also holds ffprobe.
  ffprobe = envFfprobe ?? (envFfmpeg ? siblingOf(envFfmpeg, 'ffprobe', env) : null);

  if (!ffmpeg || !ffprobe) {
    const stat = ffmpegStaticBinary();
    if (stat) {
      ffmpeg ??= { path: stat, source: 'ffmpeg-static' };
      // ffmpeg-static ships no ffprobe; a sibling may exist where someone placed one.
      ffprobe ??= siblingOf(stat, 'ffprobe', env);
    }
  }

  if (!ffmpeg) {
    const p = findOnPath('ffmpeg', env);
    if (p) ffmpeg = { path: p, source: 'PATH' };
  }
  ffprobe ??= findOnPath('ffprobe', env);

  if (!ffmpeg || !ffprobe) {
    const missing = [!ffmpeg && 'ffmpeg', !ffprobe && 'ffprobe'].filter(Boolean).join(' and ');
    throw new MediaError(
      'FFMPEG_NOT_FOUND',
      `Could not find ${missing}. Do one of: (1) set FFMPEG_PATH and FFPROBE_PATH to the binaries; ` +
        `(2) install the optional ffmpeg-static package (npm install ffmpeg-static); ` +
        `(3) install ffmpeg so that ffmpeg and ffprobe are on PATH (e.g. apt-get install ffmpeg, brew install ffmpeg).`,
    );
  }
  return { ffmpeg: ffmpeg.path, ffprobe, source: ffmpeg.source };
}

/** Resolve both tools; the result is cached per distinct set of relevant environment values. */
export function resolveMediaTools(env: Env = process.env): MediaTools {
  const key = [env.FFMPEG_PATH, env.FFPROBE_PATH, env.PATH ?? env.Path, env.PATHEXT].join('\0');
  const hit = cache.get(key);
  if (hit) return hit;
  const tools = resolveUncached(env);
  cache.set(key, tools);
  return tools;
}

/** For tests and for a settings change that edits the environment. */
export function clearMediaToolsCache(): void {
  cache.clear();
}
