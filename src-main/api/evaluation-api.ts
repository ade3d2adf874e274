// Evaluation: correlations against MOS, study statistics, rating studies (issue 8).
import type { ProjectStore } from '../services/store/project-store';
import type { DomainApi, DomainContext, EvaluationCallName, HandlersFor } from './domain';

export class EvaluationApi implements DomainApi<EvaluationCallName> {
  private store: ProjectStore | null = null;

  constructor(private readonly ctx: DomainContext) {}

  attach(store: ProjectStore): void {
    this.store = store;
  }

  detach(): void {
    this.store = null;
  }

  async idle(): Promise<void> {}

  handlers(): HandlersFor<EvaluationCallName> {
    void this.ctx;
    return {};
  }
}
