// vqa2 eval: a model run's scores against MOS — SRCC, KRCC, PLCC, PLCC/RMSE after the
// VQEG logistic fit, with bootstrap confidence intervals.
import { parseArgs } from 'node:util';
import { ProjectStore } from '../../services/store/project-store';
import { ScoreStore } from '../../services/scoring/score-store';
import { evaluateRuns, listMosSources } from '../../services/evaluation/evaluation';
import { DEFAULT_BOOTSTRAP, DEFAULT_SEED, METRIC_KEYS } from '../../services/evaluation/metrics';
import { EXIT, UsageError, renderTable } from './output';

const USAGE =
  'usage: vqa2 eval <project> [--run ID] [--mos annotations|list:NAME] [--exclude-rejected] [--bootstrap B] [--seed S] [--json]';

/** A whole-number option ≥ min; a usage error naming the flag otherwise. */
export function intOption(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number ≥ ${min} (got "${v}")`);
  return n;
}

export async function cmdEval(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      run: { type: 'string' },
      mos: { type: 'string' },
      'exclude-rejected': { type: 'boolean' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const [project, ...rest] = positionals;
  if (!project || rest.length) throw new UsageError(USAGE);
  const runId = intOption(values.run, '--run', 1);
  const resamples = intOption(values.bootstrap, '--bootstrap', 0) ?? DEFAULT_BOOTSTRAP;
  const seed = intOption(values.seed, '--seed', 0) ?? DEFAULT_SEED;
  // Read-only: works while the studio has the project open.
  const store = ProjectStore.open(project, { readonly: true });
  try {
    const runs = new ScoreStore(store.connection).runs();
    const run = runId ?? runs[0]?.id;
    if (run === undefined) {
      process.stderr.write(
        `vqa2: error BAD_INPUT: ${project} has no model runs: score it first (vqa2 score ${project})\n`,
      );
      return EXIT.BAD_INPUT;
    }
    if (!runs.some((x) => x.id === run)) {
      process.stderr.write(
        `vqa2: error BAD_INPUT: no model run ${run} in ${project} (runs: ${runs.map((x) => x.id).join(', ')})\n`,
      );
      return EXIT.BAD_INPUT;
    }
    const sources = listMosSources(store);
    if (values.mos !== undefined && !sources.some((s) => s.id === values.mos)) {
      process.stderr.write(
        `vqa2: error BAD_INPUT: no MOS source "${values.mos}" in ${project} (has ${sources.map((s) => s.id).join(', ') || 'none'})\n`,
      );
      return EXIT.BAD_INPUT;
    }
    if (!sources.length) {
      process.stderr.write(
        `vqa2: error BAD_INPUT: ${project} has no MOS: rate videos in the studio or import a rating list (vqa2 import-pairs --kind ratings)\n`,
      );
      return EXIT.BAD_INPUT;
    }
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const tty = process.stderr.isTTY;
    let evaluated;
    try {
      evaluated = await evaluateRuns(
        store,
        {
          source: values.mos,
          runIds: [run],
          excludeRejected: !!values['exclude-rejected'],
          resamples,
          seed,
        },
        {
          signal: controller.signal,
          onProgress: tty
            ? (p) =>
                process.stderr.write(
                  `\rbootstrap ${p.done}/${p.total}${p.etaSec != null ? `, ~${Math.ceil(p.etaSec)} s left` : ''}   `,
                )
            : undefined,
        },
      );
    } catch (e) {
      if (controller.signal.aborted) {
        process.stderr.write('\nvqa2: error CANCELLED: the evaluation was interrupted\n');
        return EXIT.RUNTIME;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
      if (tty) process.stderr.write('\r' + ' '.repeat(60) + '\r');
    }
    const {
      mos,
      runs: [result],
    } = evaluated;
    const r = result!;
    if (r.metrics.n < 3) {
      process.stderr.write(
        `vqa2: error BAD_INPUT: only ${r.metrics.n} video(s) have both a MOS and a score from run ${run}; at least 3 are needed ` +
          `(MOS source ${mos.source.id}: ${mos.values.size} video(s); run ${run}: ${r.run.scoredVideos} scored video(s))\n`,
      );
      return EXIT.BAD_INPUT;
    }
    const m = r.metrics;
    const out = {
      n: m.n,
      srcc: m.srcc,
      krcc: m.krcc,
      plcc: m.plcc,
      plccLogistic: m.plccLogistic,
      rmseLogistic: m.rmseLogistic,
      ci: m.ci,
      run: r.run,
      mosSource: {
        ...mos.source,
        observers: mos.observers,
        excludedObservers: mos.excluded,
        alpha: mos.alpha,
      },
      fit: {
        converged: m.fit.converged,
        iterations: m.fit.iterations,
        message: m.fit.message,
        params: m.fit.params,
      },
      bootstrap: m.bootstrap,
    };
    if (values.json) {
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      process.stdout.write(
        `Run ${r.run.label} against ${mos.source.label} (scale ${mos.source.scale}), n = ${m.n}\n\n`,
      );
      const fmt = (v: number | null) => (v == null ? '—' : v.toFixed(4));
      process.stdout.write(
        renderTable(
          [
            'metric',
            'value',
            `${Math.round(m.bootstrap.level * 100)} % CI (B=${m.bootstrap.resamples})`,
          ],
          METRIC_KEYS.map((k) => [
            k,
            fmt(m[k]),
            m.ci[k] ? `${fmt(m.ci[k][0])} … ${fmt(m.ci[k][1])}` : '—',
          ]),
          new Set([1]),
        ) + '\n',
      );
      if (!m.fit.converged)
        process.stdout.write(
          `\nWarning: ${m.fit.message}; PLCC/RMSE after the fit are from its last iterate.\n`,
        );
    }
    if (!m.fit.converged) process.stderr.write(`vqa2: warning: ${m.fit.message}\n`);
    return EXIT.OK;
  } finally {
    store.close();
  }
}
