// Evaluation: correlations against MOS, study statistics, rating studies.
import { ApiError } from '../../src-shared/contract';
import type { EvalResult, StudySession } from '../../src-shared/contract-evaluation';
import type { CallInput } from '../../src-shared/contract';
import type { ProjectStore } from '../services/store/project-store';
import { listRuns } from '../services/scoring/run-list';
import { calibrateRun, latestCalibration } from '../services/evaluation/calibration-store';
import {
  EvaluationInputError,
  evaluateRuns,
  listMosSources,
} from '../services/evaluation/evaluation';
import { StudyError, StudyStore } from '../services/evaluation/study-store';
import type { DomainApi, DomainContext, EvaluationCallName, HandlersFor } from './domain';

function rethrow(e: unknown): never {
  if (e instanceof EvaluationInputError || e instanceof StudyError)
    throw new ApiError(e.code, e.message);
  throw e;
}

export class EvaluationApi implements DomainApi<EvaluationCallName> {
  private store: ProjectStore | null = null;
  private computing: AbortController | null = null;

  constructor(private readonly ctx: DomainContext) {}

  attach(store: ProjectStore): void {
    this.store = store;
  }

  detach(): void {
    this.computing?.abort();
    this.computing = null;
    this.store = null;
  }

  async idle(): Promise<void> {}

  private studies(): StudyStore {
    return new StudyStore(this.ctx.requireStore());
  }

  private annotator(): string {
    return this.ctx.settings.get().annotator;
  }

  async compute(input: CallInput<'eval.compute'>): Promise<EvalResult> {
    // one computation at a time: a new request (other settings) replaces the running one
    this.computing?.abort();
    const ctl = new AbortController();
    this.computing = ctl;
    try {
      const { mos, runs } = await evaluateRuns(this.ctx.requireStore(), input, {
        signal: ctl.signal,
        onProgress: (p) => this.ctx.emit('eval.progress', p),
      });
      return {
        source: mos.source,
        mos: {
          videos: mos.values.size,
          ratings: mos.ratings,
          observers: mos.observers,
          alpha: mos.alpha,
          screening: mos.screening,
          excluded: mos.excluded,
          perVideo: [...mos.values.values()].map((v) => ({
            videoId: v.videoId,
            name: this.ctx.requireStore().getVideo(v.videoId)?.name ?? String(v.videoId),
            mos: v.mos,
            n: v.n,
            sd: v.sd,
            ci95: v.ci95,
          })),
        },
        runs: runs.map((r) => ({
          run: r.run,
          n: r.metrics.n,
          metrics: {
            srcc: r.metrics.srcc,
            krcc: r.metrics.krcc,
            plcc: r.metrics.plcc,
            plccLogistic: r.metrics.plccLogistic,
            rmseLogistic: r.metrics.rmseLogistic,
          },
          ci: r.metrics.ci,
          fit: {
            converged: r.metrics.fit.converged,
            iterations: r.metrics.fit.iterations,
            message: r.metrics.fit.message,
            params: r.metrics.fit.params,
          },
          bootstrap: r.metrics.bootstrap,
          points: r.points,
          curve: r.curve,
          subsets: r.subsets,
          calibration:
            latestCalibration(this.ctx.requireStore().connection, r.run.id, mos.source.id)?.info ??
            null,
        })),
      };
    } catch (e) {
      if (ctl.signal.aborted) throw new ApiError('CANCELLED', 'The evaluation was cancelled');
      return rethrow(e);
    } finally {
      if (this.computing === ctl) this.computing = null;
    }
  }

  private rated(s: StudySession): StudySession {
    this.ctx.emit('study.changed', { studyId: s.studyId, annotator: s.annotator });
    return s;
  }

  handlers(): HandlersFor<EvaluationCallName> {
    return {
      'eval.overview': async () => {
        const store = this.ctx.requireStore();
        return {
          sources: listMosSources(store),
          runs: listRuns(store.connection),
          studies: this.studies().list(),
        };
      },
      'eval.compute': (input) => this.compute(input),
      'eval.calibrate': async (input) => {
        try {
          const info = calibrateRun(this.ctx.requireStore(), input);
          // the library's Predicted MOS column changes
          this.ctx.emit('library.changed', { reason: 'score' });
          return info;
        } catch (e) {
          return rethrow(e);
        }
      },
      'eval.cancel': async () => {
        const running = this.computing;
        running?.abort();
        return { cancelled: !!running };
      },
      'study.create': async (input) => {
        try {
          return this.studies().create(input);
        } catch (e) {
          return rethrow(e);
        }
      },
      'study.session': async ({ studyId }) => {
        try {
          return this.studies().session(studyId, this.annotator());
        } catch (e) {
          return rethrow(e);
        }
      },
      'study.rate': async ({ studyId, position, rating }) => {
        try {
          const { state, videoId } = this.studies().rate(
            studyId,
            this.annotator(),
            position,
            rating,
          );
          this.ctx.emit('annotations.changed', { videoId });
          return this.rated(state);
        } catch (e) {
          return rethrow(e);
        }
      },
      'study.pause': async ({ studyId, paused }) => {
        try {
          return this.studies().setPaused(studyId, this.annotator(), paused);
        } catch (e) {
          return rethrow(e);
        }
      },
    };
  }
}
