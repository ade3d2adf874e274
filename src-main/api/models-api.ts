// In-process model calls: the studio-wide registry (list, add by path, remove), the Score dialog's
// model scorers and score jobs (`lmm.<model id>`), and the assistant's model engines (a model id as
// engine id). The shared model pool keeps loaded models between calls and releases idle ones.
import { ApiError, StudioError, type CallInput, type ScorerInfo } from '../../src-shared/contract';
import type { ProjectStore } from '../services/store/project-store';
import { ModelRegistry } from '../services/settings/models';
import { LmmEngine } from '../services/engines/lmm-engine';
import { LMM_SCORER_ID, type LmmJobParams } from '../services/scoring/lmm-score';
import { modelPool } from '../services/lmm/model-pool';
import type { HandlersFor } from './domain';
import type { modelsCalls } from '../../src-shared/contract-models';

/** Score-job scorer id of a registered model: `lmm.<model id>`. */
export const MODEL_SCORER_PREFIX = 'lmm.';

type ModelsCallName = keyof typeof modelsCalls;

/** Registry and model errors keep their code (MODEL_INVALID…); anything else is INTERNAL. */
function apiError(e: unknown): StudioError {
  return e instanceof StudioError ? e : new ApiError('INTERNAL', (e as Error).message);
}

export class ModelsApi {
  readonly registry: ModelRegistry;

  constructor(home: string) {
    this.registry = new ModelRegistry(home);
  }

  private pool() {
    return modelPool(this.registry.settings().idleSec * 1000);
  }

  /** Registered models as Score-dialog scorers. */
  scorers(): ScorerInfo[] {
    const s = this.registry.settings();
    return this.registry.list().map((m) => ({
      id: `${MODEL_SCORER_PREFIX}${m.id}`,
      name: `Model: ${m.name}`,
      kind: 'model',
      version: m.arch,
      description: `In-process ${m.arch} model from ${m.dir}: the rating prompt, one prefill pass, the five level words' logits. Per ${s.segmentSec} s segment (key frames at 1 fps${m.arch === 'vqa2' ? ' and the motion frames' : ''}) and per video (at most ${s.videoKeyFrames} key${m.arch === 'vqa2' ? ` and ${s.videoMotionFrames} motion` : ''} frames).`,
      segmentSec: s.segmentSec,
      providers: m.providers,
    }));
  }

  /** Score-job params of a model scorer id, or null when the id is not a model's. */
  jobParams(
    scorer: string,
    input: Pick<CallInput<'score.start'>, 'providers' | 'segmentSec'>,
  ): LmmJobParams | null {
    if (!scorer.startsWith(MODEL_SCORER_PREFIX)) return null;
    const id = scorer.slice(MODEL_SCORER_PREFIX.length);
    const m = this.registry.get(id);
    if (!m)
      throw new ApiError('BAD_INPUT', `No model "${id}" is registered (add one under Models…)`);
    const s = this.registry.settings();
    this.pool();
    const ep = input.providers && input.providers.length === 1 ? input.providers[0]! : 'auto';
    return {
      scorer: LMM_SCORER_ID,
      model: { id: m.id, name: m.name, dir: m.dir },
      ep,
      segmentSec: input.segmentSec ?? s.segmentSec,
      budget: { keyFrames: s.videoKeyFrames, motionFrames: s.videoMotionFrames },
    };
  }

  /** The assistant engine of a registered model, or null when `engineId` is not a model id. */
  engineFor(store: ProjectStore, engineId: string | undefined): LmmEngine | null {
    const m = engineId ? this.registry.get(engineId) : undefined;
    if (!m) return null;
    return new LmmEngine(
      store,
      { id: m.id, name: m.name, dir: m.dir },
      { ep: 'auto', sessions: this.pool() },
    );
  }

  handlers(): HandlersFor<ModelsCallName> {
    return {
      'models.list': async () => this.registry.list(),
      'models.add': async ({ dir, name }) => {
        try {
          return await this.registry.add(dir, name);
        } catch (e) {
          throw apiError(e);
        }
      },
      'models.remove': async ({ id }) => ({ removed: this.registry.remove(id) }),
    };
  }
}
