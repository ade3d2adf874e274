// Import throughput: the same tiny clips imported with concurrency 1 and with the default (one file
// per core), and a baseline that only spawns ffprobe once per clip sequentially; ratios from the
// same run. An import is timed until every row is committed with its metadata and every poster
// thumbnail is made. Metadata is read in-process; `ffprobeImportSec` is the same import forced to
// ffprobe, to show what the in-process reader saves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importVideos } from '../src-main/services/library/import';
import { ProjectStore } from '../src-main/services/store/project-store';
import { runMediaTool } from '../src-main/services/media/run';
import { makeClip, makeClipCopies } from '../tests/helpers/fixtures';

export interface ImportBenchResult {
  clips: number;
  sequentialSec: number;
  parallelSec: number;
  ratio: number;
  concurrency: number;
  /** Baseline: one ffprobe per clip, one after another, nothing else. */
  probeOnlySec: number;
  /** probeOnlySec / parallelSec: above 1 means the whole import beats spawning ffprobe alone. */
  ratioVsProbeOnly: number;
  /** The default import with metadata from ffprobe instead (one spawn per clip), same clips; 0 unless asked. */
  ffprobeImportSec: number;
  /** Clips whose metadata came from the in-process reader (the rest fell back to ffprobe). */
  inProcessRows: number;
}

const CHUNK = 50;

export interface ImportBenchOptions {
  clips?: number;
  log?: (line: string) => void;
  /** Also import every chunk with ffprobe metadata (what the in-process reader saves); slow. */
  ffprobeImport?: boolean;
}

/** CPU seconds used by finished child processes (Linux /proc), to show where the time goes. */
function childCpuSec(): number | null {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // cutime + cstime, in USER_HZ ticks, which Linux fixes at 100 per second for /proc.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

async function timedProbeOnly(dir: string): Promise<number> {
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  const t0 = performance.now();
  for (const f of files) {
    await runMediaTool('ffprobe', [
      '-v',
      'error',
      '-show_format',
      '-show_streams',
      '-of',
      'json',
      `file:${f}`,
    ]);
  }
  return (performance.now() - t0) / 1000;
}

async function timedImport(
  store: ProjectStore,
  dir: string,
  concurrency: number | undefined,
  inProcess = true,
): Promise<number> {
  const expected = fs.readdirSync(dir).length;
  const t0 = performance.now();
  const summary = await importVideos(store, [dir], {
    jobId: `bench-${path.basename(dir)}`,
    concurrency,
    inProcessProbe: inProcess,
  });
  const sec = (performance.now() - t0) / 1000;
  const withPoster = store.connection
    .prepare('SELECT COUNT(*) AS n FROM videos WHERE has_thumb = 1')
    .get() as { n: number };
  if (summary.added !== expected || withPoster.n !== store.videoCount()) {
    throw new Error(
      `bench import of ${dir} added ${summary.added} of ${expected} clips (failed ${summary.failed}, skipped ${summary.skipped})`,
    );
  }
  return sec;
}

export async function runImportBench(opts: ImportBenchOptions = {}): Promise<ImportBenchResult> {
  const clips = opts.clips ?? 1000;
  const log = opts.log ?? (() => {});
  const concurrency = os.availableParallelism();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-import-bench-'));
  try {
    // One encode, then stream-copy remuxes with distinct metadata: distinct hashes, little generation time.
    const source = await makeClip({
      codec: 'h264',
      source: 'testsrc2',
      durationSec: 0.5,
      width: 160,
      height: 120,
      fps: 25,
    });
    const t0 = performance.now();
    const chunks: string[] = [];
    for (let i = 0; i * CHUNK < clips; i++) {
      const dir = path.join(root, `chunk-${i}`);
      await makeClipCopies(source, Math.min(CHUNK, clips - i * CHUNK), dir, `bench${i}`);
      chunks.push(dir);
    }
    log(`generated ${clips} clips in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Warm the page cache and the once-per-process codec list so neither run pays for them.
    const warm = path.join(root, 'warm');
    await makeClipCopies(source, 4, warm, 'warm');
    const warmStore = ProjectStore.create(path.join(root, 'warmup'));
    await timedImport(warmStore, warm, undefined).finally(() => warmStore.close());

    // The two runs alternate chunk by chunk (ABAB…), so a burst of other load on the machine
    // slows both instead of biasing the ratio.
    const cpu0 = childCpuSec();
    const sequential = ProjectStore.create(path.join(root, 'sequential'));
    const parallel = ProjectStore.create(path.join(root, 'parallel'));
    const viaFfprobe = ProjectStore.create(path.join(root, 'ffprobe'));
    let sequentialSec = 0;
    let parallelSec = 0;
    let probeOnlySec = 0;
    let ffprobeImportSec = 0;
    let inProcessRows = 0;
    try {
      for (const chunk of chunks) {
        probeOnlySec += await timedProbeOnly(chunk);
        sequentialSec += await timedImport(sequential, chunk, 1);
        parallelSec += await timedImport(parallel, chunk, undefined);
        if (opts.ffprobeImport)
          ffprobeImportSec += await timedImport(viaFfprobe, chunk, undefined, false);
        log(
          `${path.basename(chunk)}: ffprobe only ${probeOnlySec.toFixed(1)} s, import ${parallelSec.toFixed(1)} s (concurrency 1: ${sequentialSec.toFixed(1)} s), so far ${(probeOnlySec / parallelSec).toFixed(2)}x`,
        );
      }
      inProcessRows = (
        parallel.connection
          .prepare(
            `SELECT COUNT(*) AS n FROM videos WHERE probe_json LIKE '{"source":"mediainfo"%'`,
          )
          .get() as { n: number }
      ).n;
    } finally {
      sequential.close();
      parallel.close();
      viaFfprobe.close();
    }
    log(`concurrency 1: ${sequentialSec.toFixed(2)} s`);
    log(`concurrency ${concurrency}: ${parallelSec.toFixed(2)} s`);
    const cpu1 = childCpuSec();
    if (cpu0 !== null && cpu1 !== null) {
      log(
        `ffprobe+ffmpeg CPU per clip: ${((cpu1 - cpu0) / (2 * clips)).toFixed(3)} s (both runs averaged)`,
      );
    }
    const ratio = sequentialSec / parallelSec;
    log(`ratio ${ratio.toFixed(2)}x`);
    log(`ffprobe only, sequential: ${probeOnlySec.toFixed(2)} s`);
    if (opts.ffprobeImport) log(`import with ffprobe metadata: ${ffprobeImportSec.toFixed(2)} s`);
    log(`import vs ffprobe-only baseline: ${(probeOnlySec / parallelSec).toFixed(2)}x`);
    return {
      clips,
      sequentialSec,
      parallelSec,
      ratio,
      concurrency,
      probeOnlySec,
      ratioVsProbeOnly: probeOnlySec / parallelSec,
      ffprobeImportSec,
      inProcessRows,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
