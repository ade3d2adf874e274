// vqa2 models add|list|remove, and the --model flag (a registered id or a model folder) that
// score, ask and qbench share. Models are a studio-wide setting, not part of a project.
import { StudioError } from '../../../src-shared/contract';
import { parseArgs } from 'node:util';
import { ModelRegistry, type ModelView } from '../../services/settings/models';
import { studioHome } from '../../services/settings/recent';
import { modelPool, type LmmEp } from '../../services/lmm/model-pool';
import type { LmmModelRef } from '../../services/engines/lmm-engine';
import { EXIT, UsageError, fmtBytes, renderTable } from './output';

export function registry(): ModelRegistry {
  return new ModelRegistry(studioHome());
}

/** The stable JSON shape of `vqa2 models list --json` (more fields may be added). */
export function modelJson(m: ModelView) {
  return {
    id: m.id,
    name: m.name,
    dir: m.dir,
    arch: m.arch,
    dtypes: m.dtypes,
    sizeBytes: m.sizeBytes,
    estMemBytes: m.estMemBytes,
    providers: m.providers,
    paramCount: m.paramCount,
    files: m.files,
    estMem: m.estMem,
    missing: m.missing,
  };
}

const fmtParams = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)} B`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} K`
        : String(n);

function modelTable(models: ModelView[]): string {
  return renderTable(
    ['id', 'name', 'arch', 'params', 'dtypes', 'size', 'est. memory', 'providers', 'folder'],
    models.map((m) => [
      m.id,
      m.name,
      m.arch,
      fmtParams(m.paramCount),
      m.dtypes.join(','),
      fmtBytes(m.sizeBytes),
      fmtBytes(m.estMemBytes),
      m.providers.join(','),
      `${m.dir}${m.missing ? ' (missing)' : ''}`,
    ]),
    new Set([3, 5, 6]),
  );
}

export async function cmdModels(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, name: { type: 'string' } },
  });
  const reg = registry();
  switch (sub) {
    case 'add': {
      const [dir, ...extra] = positionals;
      if (!dir || extra.length)
        throw new UsageError('usage: vqa2 models add <DIR> [--name N] [--json]');
      const m = await reg.add(dir, values.name);
      if (values.json) process.stdout.write(JSON.stringify(modelJson(m), null, 2) + '\n');
      else
        process.stdout.write(
          `Added ${m.name} (${m.id}): ${m.arch}, ${fmtParams(m.paramCount)} parameters, ${fmtBytes(m.sizeBytes)} on disk, about ${fmtBytes(m.estMemBytes)} to load and score\n`,
        );
      return EXIT.OK;
    }
    case 'list': {
      if (positionals.length) throw new UsageError('usage: vqa2 models list [--json]');
      const all = reg.list();
      if (values.json) process.stdout.write(JSON.stringify(all.map(modelJson), null, 2) + '\n');
      else
        process.stdout.write(
          all.length
            ? modelTable(all) + '\n'
            : 'No models registered. Add a model folder with: vqa2 models add <DIR>\n',
        );
      return EXIT.OK;
    }
    case 'remove': {
      const [id, ...extra] = positionals;
      if (!id || extra.length) throw new UsageError('usage: vqa2 models remove ID');
      if (!reg.remove(id))
        throw new StudioError('BAD_INPUT', `No registered model "${id}" (see vqa2 models list)`);
      process.stdout.write(`Removed ${id} (its folder is not touched)\n`);
      return EXIT.OK;
    }
    default:
      throw new UsageError('usage: vqa2 models add <DIR> [--name N] | list [--json] | remove ID');
  }
}

export const MODEL_OPTIONS = { model: { type: 'string' } } as const;

/** --ep for in-process models: cuda, cpu, or (absent) CUDA first with CPU fallback. */
export function epFromFlag(ep: string | undefined): LmmEp {
  if (ep === undefined) return 'auto';
  if (ep !== 'cuda' && ep !== 'cpu') throw new UsageError('--ep must be cuda or cpu');
  return ep;
}

/** The model --model names (registered id or folder, validated), with the session idle time set. */
export async function modelFromFlag(ref: string): Promise<LmmModelRef> {
  const reg = registry();
  modelPool(reg.settings().idleSec * 1000);
  return reg.resolve(ref);
}

/** Release loaded models so the process can exit at once. */
export async function releaseModels(): Promise<void> {
  await modelPool().disposeAll();
}
