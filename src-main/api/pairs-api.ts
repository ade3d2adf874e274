// Instruction pairs: templates, pairs, dataset export and import (issue 6).
import type { ProjectStore } from '../services/store/project-store';
import type { DomainApi, DomainContext, PairsCallName, HandlersFor } from './domain';

export class PairsApi implements DomainApi<PairsCallName> {
  private store: ProjectStore | null = null;

  constructor(private readonly ctx: DomainContext) {}

  attach(store: ProjectStore): void {
    this.store = store;
  }

  detach(): void {
    this.store = null;
  }

  async idle(): Promise<void> {}

  handlers(): HandlersFor<PairsCallName> {
    void this.ctx;
    return {};
  }
}
