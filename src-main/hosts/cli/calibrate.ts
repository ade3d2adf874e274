// vqa2 calibrate: fit a model run to the project's MOS (logistic on the score; ridge regression on
// the built-in scorer's measurement vector), report 5-fold cross-validated figures only, and store
// the calibration with the run so the library shows Predicted MOS.
import { parseArgs } from 'node:util';
import { ProjectStore } from '../../services/store/project-store';
import { calibrateRun } from '../../services/evaluation/calibration-store';
import { EvaluationInputError } from '../../services/evaluation/evaluation';
import { EXIT, UsageError } from './output';
import { intOption } from './eval';

const USAGE =
  'usage: vqa2 calibrate <project> [--run ID] [--mos annotations|list:NAME] [--method logistic|ridge] [--folds K] [--seed S] [--json]';

/** A run or MOS source the user named that does not exist is bad input (exit 2), like other commands. */
function calibrateOrBadInput<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EvaluationInputError) throw new EvaluationInputError('BAD_INPUT', e.message);
    throw e;
  }
}

const fmt = (v: number | null, d = 3) => (v == null ? '—' : v.toFixed(d));

export function cmdCalibrate(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      run: { type: 'string' },
      mos: { type: 'string' },
      method: { type: 'string' },
      folds: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const [project, ...rest] = positionals;
  if (!project || rest.length) throw new UsageError(USAGE);
  const method = values.method;
  if (method !== undefined && method !== 'logistic' && method !== 'ridge')
    throw new UsageError(`--method must be logistic or ridge (got "${method}")`);
  const folds = intOption(values.folds, '--folds', 2);
  if (folds !== undefined && folds > 20) throw new UsageError('--folds must be 2–20');
  // writes the calibration into the project: takes the write lock
  const store = ProjectStore.open(project);
  try {
    const c = calibrateOrBadInput(() =>
      calibrateRun(store, {
        runId: intOption(values.run, '--run', 1),
        source: values.mos,
        method,
        folds,
        seed: intOption(values.seed, '--seed', 0),
      }),
    );
    if (values.json) {
      const { n, folds: k, srcc, plcc, rmse, params, ...more } = c;
      process.stdout.write(
        JSON.stringify({ n, folds: k, srcc, plcc, rmse, params, ...more }, null, 2) + '\n',
      );
    } else {
      process.stdout.write(
        `Calibration #${c.id} of run ${c.runId} to ${c.source.label} (scale ${c.source.scale}): ${c.n} videos, ${c.folds}-fold cross-validation (seed ${c.seed})\n` +
          c.models
            .map(
              (m) =>
                `  ${m.method === c.method ? '*' : ' '} ${m.method.padEnd(8)} SRCC ${fmt(m.srcc)}  PLCC ${fmt(m.plcc)}  RMSE ${fmt(m.rmse)}`,
            )
            .join('\n') +
          `\n  raw score SRCC ${fmt(c.rawSrcc)}; predicted MOS ± ${fmt(c.interval95, 2)} (95 %) with ${c.method} (*)\n`,
      );
    }
    return EXIT.OK;
  } finally {
    store.close();
  }
}
