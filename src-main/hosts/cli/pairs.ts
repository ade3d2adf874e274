// vqa2 export, import-pairs: dataset export with progress on stderr (Ctrl+C cancels and
// leaves nothing), and import of pairs, rating lists and question sets with a report.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  EXPORT_FORMATS,
  IMPORT_KINDS,
  MAX_IMPORT_MB,
  MOS_SCALES,
  type ExportFormat,
  type ExportOptions,
  type ImportKind,
} from '../../../src-shared/contract-pairs';
import { ProjectStore } from '../../services/store/project-store';
import { exportDataset } from '../../services/export/export-dataset';
import { importDataset } from '../../services/pairs/import-dataset';
import { EXIT, UsageError } from './output';
import { throttle } from '../../services/util/throttle';

const EXPORT_USAGE = `usage: vqa2 export <project> --format ${EXPORT_FORMATS.join('|')} --out DIR [--status approved|draft|all] [--videos copy|hardlink|reference] [--ranges prompt|clip] [--val FRACTION] [--seed N] [--levels model|calibrated] [--run ID] [--json]`;
const IMPORT_USAGE = `usage: vqa2 import-pairs <project> <file> --kind ${IMPORT_KINDS.join('|')} [--as-draft] [--scale ${MOS_SCALES.join('|')}] [--max-mb N] [--json]`;

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback?: T,
): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined || !allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export async function cmdExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      status: { type: 'string' },
      videos: { type: 'string' },
      ranges: { type: 'string' },
      val: { type: 'string' },
      seed: { type: 'string' },
      levels: { type: 'string' },
      run: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [project, ...rest] = positionals;
  if (!project || rest.length || !values.out) throw new UsageError(EXPORT_USAGE);
  const runId = values.run === undefined ? undefined : Number(values.run);
  if (runId !== undefined && !(Number.isInteger(runId) && runId > 0))
    throw new UsageError(`--run must be a run id (got "${values.run}")`);
  const valFraction = values.val === undefined ? 0 : Number(values.val);
  if (!(valFraction >= 0 && valFraction <= 0.9))
    throw new UsageError('--val must be a fraction 0–0.9');
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError('--seed must be a non-negative integer');
  const opts: ExportOptions = {
    format: oneOf<ExportFormat>(values.format, EXPORT_FORMATS, '--format'),
    outDir: path.resolve(values.out),
    status: oneOf(values.status, ['approved', 'draft', 'all'] as const, '--status', 'approved'),
    videos: oneOf(values.videos, ['copy', 'hardlink', 'reference'] as const, '--videos', 'copy'),
    ranges: oneOf(values.ranges, ['prompt', 'clip'] as const, '--ranges', 'prompt'),
    valFraction,
    seed,
    levels: oneOf(values.levels, ['model', 'calibrated'] as const, '--levels', 'model'),
    ...(runId !== undefined ? { runId } : {}),
  };
  const store = ProjectStore.open(project, { readonly: true });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const gate = throttle(1000);
  try {
    const manifest = await exportDataset(store, opts, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.status !== 'running' || p.total === 0 || !gate.pass()) return;
        const eta = p.etaSec != null ? `, ~${Math.ceil(p.etaSec)} s left` : '';
        process.stderr.write(`${p.phase} ${p.done}/${p.total}${eta}\n`);
      },
    });
    if (values.json)
      process.stdout.write(JSON.stringify({ outDir: opts.outDir, ...manifest }, null, 2) + '\n');
    else {
      const c = manifest.counts;
      process.stdout.write(
        `Exported ${c.samples} sample(s) (${c.train} train, ${c.val} val), ${c.videos} video(s), ${c.clips} clip(s) to ${opts.outDir}\n`,
      );
      for (const [k, n] of Object.entries(c.skipped))
        if (n) process.stdout.write(`  skipped ${n}: ${k}\n`);
    }
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}

export async function cmdImportPairs(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      'as-draft': { type: 'boolean' },
      scale: { type: 'string' },
      'max-mb': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [project, file, ...rest] = positionals;
  if (!project || !file || rest.length) throw new UsageError(IMPORT_USAGE);
  const kind = oneOf<ImportKind>(values.kind, IMPORT_KINDS, '--kind');
  const scale = values.scale === undefined ? undefined : oneOf(values.scale, MOS_SCALES, '--scale');
  const maxMB = values['max-mb'] === undefined ? undefined : Number(values['max-mb']);
  if (maxMB !== undefined && !(Number.isInteger(maxMB) && maxMB >= 1 && maxMB <= MAX_IMPORT_MB))
    throw new UsageError(`--max-mb must be a whole number of MiB, 1–${MAX_IMPORT_MB}`);
  const store = ProjectStore.open(project);
  try {
    const report = importDataset(store, path.resolve(file), kind, {
      asDraft: values['as-draft'],
      scale,
      maxMB,
    });
    if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      const what =
        kind === 'ratings'
          ? `MOS value(s), scale ${report.scale}`
          : kind === 'qbench'
            ? `question(s) as set "${report.setName}"`
            : `pair(s)${values['as-draft'] ? ' as drafts' : ' (approved)'}`;
      process.stdout.write(`Imported ${report.imported} of ${report.items} item(s): ${what}\n`);
      for (const u of report.unmatched.slice(0, 50))
        process.stdout.write(`  unmatched item ${u.index} (${u.path}): ${u.reason}\n`);
      if (report.unmatched.length > 50)
        process.stdout.write(`  … and ${report.unmatched.length - 50} more unmatched\n`);
    }
    return EXIT.OK;
  } finally {
    store.close();
  }
}
