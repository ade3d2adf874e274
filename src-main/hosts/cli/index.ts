// `vqa2` command line: project, import, list, serve, demo. Data on stdout (--json for scripts),
// messages on stderr; exit 0 ok, 1 usage, 2 bad input, 3 runtime failure.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import pkg from '../../../package.json';
import { StudioError, type ImportProgress } from '../../../src-shared/contract';
import { ProjectStore } from '../../services/store/project-store';
import { importVideos } from '../../services/library/import';
import { listLibrary } from '../../services/library/library-view';
import { StudioApi } from '../../api/api';
import { studioHome } from '../../services/settings/recent';
import { startWebHost } from '../web/server';
import { runDemo } from './demo';
import { cmdScore } from './score';
import { cmdExport, cmdImportPairs } from './pairs';
import { cmdAsk, cmdQbench } from './assistant';
import { cmdEval } from './eval';
import { cmdModels } from './models';
import { cmdCalibrate } from './calibrate';
import { EXIT, UsageError, exitCodeFor, listJson, videoTable } from './output';
import { toApiError } from '../../api/errors';
import { throttle } from '../../services/util/throttle';

const HELP = `vqa2 ${pkg.version} — VQA² Studio command line

Usage:
  vqa2 demo [--dir DIR] [--synthetic] [--json] sample project: import, score, ask, export
  vqa2 project create <file>                 new project file (.vqa2.sqlite)
  vqa2 import <project> <path…> [--concurrency N] [--json]
                                             add videos (folders recursively)
  vqa2 list <project> [--run ID] [--json]    videos of a project, scores of one run (default: the
                                             latest finished run that scored most videos)
  vqa2 score <project|video…> [--pack ID | --model ID|DIR] [--ep cuda|cpu] [--segment SEC] [--concurrency N] [--json]
                                             score videos (packs: builtin-nr, p1203-mode0; or a model)
  vqa2 models add <DIR> [--name N] | list [--json] | remove ID
                                             in-process model folders (studio-wide)
  vqa2 serve [project] [--port N]            the studio in a browser (127.0.0.1, token URL)
  vqa2 export <project> --format llava|qwen2.5vl|sharegpt-jsonl|csv-mos|scores-json --out DIR
             [--levels model|calibrated] [--run ID]
                                             dataset export (per-video tables: calibrated levels)
  vqa2 import-pairs <project> <file> --kind llava|qwen2.5vl|ratings|qbench [--as-draft] [--max-mb N]
                                             dataset / rating list / question set import
  vqa2 ask <project> <video> "<question>" [engine flags]
                                             one assistant answer, streamed
  vqa2 qbench <project> [engine flags] [--json]
                                             question-set accuracy
  vqa2 eval <project> [--run ID] [--json]    model scores against MOS
  vqa2 calibrate <project> [--run ID] [--method logistic|ridge] [--json]
                                             fit a run to the project's MOS (cross-validated)

Engine flags: --engine-url URL --engine-model M [--api-key-env VAR] (score, ask, qbench),
or --model ID|DIR [--ep cuda|cpu] for an in-process model folder.

Exit codes: 0 ok, 1 usage error, 2 bad input, 3 runtime failure.`;

function rendererDir(): string {
  return process.env.VQA2_RENDERER_DIR ?? path.resolve(__dirname, '../renderer');
}

function progressPrinter(json: boolean) {
  const tty = process.stderr.isTTY;
  const gate = throttle(tty ? 100 : 2000);
  return (p: ImportProgress) => {
    if (json && !tty) return;
    if (!gate.pass(p.phase === 'done')) return;
    const eta = p.etaSec != null ? `, ~${Math.ceil(p.etaSec)} s left` : '';
    const line = `${p.phase} ${p.done}/${p.total} (added ${p.added}, failed ${p.failed}, skipped ${p.skipped}${eta})`;
    if (tty) process.stderr.write(`\r${line.padEnd(80)}${p.phase === 'done' ? '\n' : ''}`);
    else process.stderr.write(line + '\n');
  };
}

async function cmdImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, concurrency: { type: 'string' } },
  });
  const [project, ...paths] = positionals;
  if (!project || paths.length === 0) throw new UsageError('usage: vqa2 import <project> <path…>');
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new UsageError('--concurrency must be a positive integer');
  }
  const store = ProjectStore.open(project);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const summary = await importVideos(
      store,
      paths.map((p) => path.resolve(p)),
      {
        jobId: randomUUID(),
        concurrency,
        signal: controller.signal,
        onProgress: progressPrinter(!!values.json),
      },
    );
    if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(
        `Imported ${summary.added} video(s): ${summary.failed} failed, ${summary.skipped} skipped${summary.cancelled ? ' (cancelled)' : ''} in ${summary.elapsedSec.toFixed(1)} s\n`,
      );
      for (const s of summary.skippedItems.slice(0, 20))
        process.stdout.write(`  skipped ${s.path}: ${s.reason}\n`);
    }
    return summary.cancelled ? EXIT.RUNTIME : EXIT.OK;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}

function cmdList(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, run: { type: 'string' } },
  });
  const [project] = positionals;
  if (!project) throw new UsageError('usage: vqa2 list <project> [--run ID] [--json]');
  const runId = values.run === undefined ? undefined : Number(values.run);
  if (runId !== undefined && !(Number.isInteger(runId) && runId > 0))
    throw new UsageError(`--run must be a run id (got "${values.run}")`);
  // Read-only: works while the studio has the project open for writing.
  const store = ProjectStore.open(project, { readonly: true });
  try {
    if (
      runId !== undefined &&
      !store.connection.prepare('SELECT 1 FROM model_runs WHERE id = ?').get(runId)
    ) {
      throw new StudioError('BAD_INPUT', `No model run ${runId} in ${project}`);
    }
    const { rows: all, runId: shown } = allRows(store, runId);
    if (values.json)
      process.stdout.write(
        JSON.stringify(
          listJson(all, (p) => store.toAbsPath(p), shown),
          null,
          2,
        ) + '\n',
      );
    else process.stdout.write(videoTable(all) + '\n');
    return EXIT.OK;
  } finally {
    store.close();
  }
}

/** Every row under the library's view of the run (default run when runId is undefined). */
function allRows(store: ProjectStore, runId?: number) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = listLibrary(store, {
      offset,
      limit: 1000,
      sort: { column: 'name', desc: false },
      runId,
    });
    out.push(...page.rows);
    if (page.rows.length < 1000) return { rows: out, runId: page.runId };
  }
}

async function cmdServe(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' } },
  });
  const port = values.port ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be 0–65535');
  const api = new StudioApi({ host: 'web', version: pkg.version, home: studioHome() });
  if (positionals[0]) api.openProject(positionals[0]);
  const host = await startWebHost({ api, rendererDir: rendererDir(), port });
  process.stdout.write(`VQA2_URL ${host.url}\n`);
  process.stderr.write(
    `VQA² Studio is running. Open the URL above in a browser; Ctrl+C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  api.dispose();
  return EXIT.OK;
}

async function cmdProject(args: string[]): Promise<number> {
  const [sub, file, ...rest] = args;
  if (sub !== 'create' || !file || rest.length)
    throw new UsageError('usage: vqa2 project create <file>');
  const store = ProjectStore.create(file);
  process.stdout.write(`${store.path}\n`);
  store.close();
  return EXIT.OK;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'demo':
        return await runDemo(args);
      case 'project':
        return await cmdProject(args);
      case 'import':
        return await cmdImport(args);
      case 'list':
        return cmdList(args);
      case 'score':
        return await cmdScore(args);
      case 'serve':
        return await cmdServe(args);
      case 'export':
        return await cmdExport(args);
      case 'import-pairs':
        return await cmdImportPairs(args);
      case 'ask':
        return await cmdAsk(args);
      case 'qbench':
        return await cmdQbench(args);
      case 'eval':
        return await cmdEval(args);
      case 'models':
        return await cmdModels(args);
      case 'calibrate':
        return cmdCalibrate(args);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP + '\n');
        return cmd === undefined ? EXIT.USAGE : EXIT.OK;
      case '--version':
        process.stdout.write(pkg.version + '\n');
        return EXIT.OK;
      default:
        throw new UsageError(`unknown command "${cmd}" (vqa2 --help lists them)`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vqa2: error USAGE: ${(e as Error).message}\n`);
      return EXIT.USAGE;
    }
    const { code, message } = toApiError(e);
    process.stderr.write(`vqa2: error ${code}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return exitCodeFor(code);
  }
}

if (typeof require !== 'undefined' && require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`vqa2: error INTERNAL: ${String(e)}\n`);
      process.exit(EXIT.RUNTIME);
    },
  );
}
