// The studio-wide registry of in-process model folders and the LMM settings (idle release, frame
// budgets), kept in <studio home>/settings.json beside the other settings. A folder is validated
// before anything is written, so a failed add leaves the registry as it was.
import { StudioError } from '../../../src-shared/contract-errors';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { estimateMemoryBytes, inspectModelFolder } from '../lmm/folder';
import type { ModelView } from '../../../src-shared/contract-models';

export interface LmmSettings {
  /** A loaded model is released after this many seconds without use. */
  idleSec: number;
  /** Key frames a per-video scoring pass sends at most (evenly spread over the video). */
  videoKeyFrames: number;
  /** Motion frames a per-video scoring pass sends at most (a multiple of 4). */
  videoMotionFrames: number;
  /** Seconds per scored segment. */
  segmentSec: number;
}

export const DEFAULT_LMM_SETTINGS: LmmSettings = {
  idleSec: 300,
  videoKeyFrames: 32,
  videoMotionFrames: 64,
  segmentSec: 2,
};

/** A registered model as stored: what the UI shows, less what depends on this machine right now. */
export type ModelEntry = Omit<ModelView, 'estMemBytes' | 'providers' | 'missing'>;
export type { ModelView };

export class ModelError extends StudioError<'BAD_INPUT' | 'NOT_FOUND' | 'MODEL_INVALID'> {
  constructor(code: 'BAD_INPUT' | 'NOT_FOUND' | 'MODEL_INVALID', message: string) {
    super(code, message);
    this.name = 'ModelError';
  }
}

/**
 * Providers that can run here, best first: CUDA only when this onnxruntime-node build offers it AND
 * its CUDA provider library was installed beside the binding (the CPU-only install has none).
 */
export function providersHere(): string[] {
  const list =
    (
      ort as unknown as { listSupportedBackends?: () => { name: string }[] }
    ).listSupportedBackends?.() ?? [];
  if (!list.some((b) => b.name === 'cuda')) return ['cpu'];
  let hasCudaLib = false;
  try {
    const pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const binDir = path.join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
    hasCudaLib = fs
      .readdirSync(binDir)
      .some((f) => /onnxruntime_providers_cuda\.(so|dll)$/.test(f));
  } catch {
    hasCudaLib = false;
  }
  return hasCudaLib ? ['cuda', 'cpu'] : ['cpu'];
}

export function newModelId(): string {
  return `m${randomBytes(5).toString('hex')}`;
}

const MAX_NAME = 100;

export class ModelRegistry {
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

  /** Read-modify-write of settings.json, keeping every other key (temp file + rename). */
  private write(patch: Record<string, unknown>): void {
    const next = { ...this.readRaw(), ...patch };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.models.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 2));
    fs.renameSync(tmp, this.file);
  }

  entries(): ModelEntry[] {
    const raw = this.readRaw().lmmModels;
    // an entry this build cannot read (hand-edited, older) is left out, not a crash
    const ok = (m: unknown): m is ModelEntry =>
      !!m &&
      typeof m === 'object' &&
      typeof (m as ModelEntry).id === 'string' &&
      typeof (m as ModelEntry).dir === 'string' &&
      Array.isArray((m as ModelEntry).files) &&
      typeof (m as ModelEntry).estMem?.score === 'number';
    return Array.isArray(raw) ? raw.filter(ok) : [];
  }

  settings(): LmmSettings {
    const raw = this.readRaw().lmm;
    const o = raw && typeof raw === 'object' ? (raw as Partial<LmmSettings>) : {};
    const int = (v: unknown, d: number, min: number, max: number) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : d;
    return {
      idleSec: int(o.idleSec, DEFAULT_LMM_SETTINGS.idleSec, 1, 86_400),
      videoKeyFrames: int(o.videoKeyFrames, DEFAULT_LMM_SETTINGS.videoKeyFrames, 1, 1024),
      videoMotionFrames:
        int(o.videoMotionFrames, DEFAULT_LMM_SETTINGS.videoMotionFrames, 4, 4096) & ~3,
      segmentSec: int(o.segmentSec, DEFAULT_LMM_SETTINGS.segmentSec, 1, 600),
    };
  }

  setSettings(patch: Partial<LmmSettings>): LmmSettings {
    this.write({ lmm: { ...this.settings(), ...patch } });
    return this.settings();
  }

  get(id: string): ModelEntry | undefined {
    return this.entries().find((m) => m.id === id);
  }

  view(m: ModelEntry): ModelView {
    return {
      ...m,
      estMemBytes: m.estMem.score,
      providers: providersHere(),
      missing: !fs.existsSync(m.dir),
    };
  }

  list(): ModelView[] {
    return this.entries().map((m) => this.view(m));
  }

  /** Validate the folder and register it; nothing is written when validation fails. */
  async add(dir: string, name?: string): Promise<ModelView> {
    const abs = path.resolve(dir);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory())
      throw new ModelError('BAD_INPUT', `${abs} is not a folder`);
    const n = name?.trim();
    if (n !== undefined && (!n || n.length > MAX_NAME))
      throw new ModelError('BAD_INPUT', `The model name must be 1 to ${MAX_NAME} characters`);
    const existing = this.entries().find((m) => m.dir === abs);
    if (existing)
      throw new ModelError(
        'BAD_INPUT',
        `${abs} is already registered as "${existing.name}" (${existing.id})`,
      );
    const info = await inspectModelFolder(abs);
    const s = this.settings();
    // a segment pass (one key frame a second) is smaller than the per-video pass: size for the larger
    const est = estimateMemoryBytes(info, {
      keyFrames: s.videoKeyFrames,
      motionFrames: s.videoMotionFrames,
    });
    const entry: ModelEntry = {
      id: newModelId(),
      name: n || info.name,
      dir: abs,
      arch: info.arch,
      paramCount: info.paramCount,
      files: info.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, dtype: f.dtype })),
      dtypes: [...info.dtypes],
      sizeBytes: info.sizeBytes,
      estMem: est,
      addedAt: new Date().toISOString(),
    };
    this.write({ lmmModels: [...this.entries(), entry] });
    return this.view(entry);
  }

  remove(id: string): boolean {
    const all = this.entries();
    if (!all.some((m) => m.id === id)) return false;
    this.write({ lmmModels: all.filter((m) => m.id !== id) });
    return true;
  }

  /** A registered model by id, or a model folder given by path (validated, not registered). */
  async resolve(ref: string): Promise<{ id: string | null; name: string; dir: string }> {
    const byId = this.get(ref);
    if (byId) return { id: byId.id, name: byId.name, dir: byId.dir };
    const abs = path.resolve(ref);
    if (!fs.existsSync(abs))
      throw new ModelError(
        'BAD_INPUT',
        `No model "${ref}": not a registered model id (see vqa2 models list) and no such folder`,
      );
    const info = await inspectModelFolder(abs);
    const reg = this.entries().find((m) => m.dir === abs);
    return { id: reg?.id ?? null, name: reg?.name ?? info.name, dir: abs };
  }
}
