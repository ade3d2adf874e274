// Assistant: chats, engines, LMM scoring, Q-Bench-Video runs (issue 7).
import type { ProjectStore } from '../services/store/project-store';
import type { DomainApi, DomainContext, AssistantCallName, HandlersFor } from './domain';

export class AssistantApi implements DomainApi<AssistantCallName> {
  private store: ProjectStore | null = null;

  constructor(private readonly ctx: DomainContext) {}

  attach(store: ProjectStore): void {
    this.store = store;
  }

  detach(): void {
    this.store = null;
  }

  async idle(): Promise<void> {}

  handlers(): HandlersFor<AssistantCallName> {
    void this.ctx;
    return {};
  }
}
