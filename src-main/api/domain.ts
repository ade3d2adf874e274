// What the domain APIs (pairs, assistant, evaluation) get from StudioApi, and what they give it:
// each owns its calls' handlers and follows the open project through attach/detach.
import type { CallInput, CallName, CallOutput, EventName, Events } from '../../src-shared/contract';
import type { assistantCalls } from '../../src-shared/contract-assistant';
import type { evaluationCalls } from '../../src-shared/contract-evaluation';
import type { pairsCalls } from '../../src-shared/contract-pairs';
import type { ProjectStore } from '../services/store/project-store';
import type { StudioSettings } from '../services/settings/settings';

export type Handlers = { [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>> };
export type HandlersFor<N extends CallName> = Pick<Handlers, N>;

export type Emit = <E extends EventName>(name: E, payload: Events[E]) => void;

export interface DomainContext {
  emit: Emit;
  /** Studio home folder (settings, recent projects, secrets). */
  home: string;
  /** Folder holding resources/ (model packs). */
  appRoot: string;
  settings: StudioSettings;
  /** The open project; throws NO_PROJECT when none is open. */
  requireStore(): ProjectStore;
}

export interface DomainApi<N extends CallName> {
  /** A project was opened (also after a switch: detach came first). */
  attach(store: ProjectStore): void;
  /** The project is closing: cancel running work, forget state. */
  detach(): void;
  /** Resolves when background work has finished (tests, CLI). */
  idle(): Promise<void>;
  handlers(): HandlersFor<N>;
}

export type PairsCallName = keyof typeof pairsCalls;
export type AssistantCallName = keyof typeof assistantCalls;
export type EvaluationCallName = keyof typeof evaluationCalls;
