// Assistant: chats, engines, LMM scoring, Q-Bench-Video runs. Only this (main) side
// talks to engine URLs; the renderer gets text through events. Keys stay in the secret store.
import { randomUUID } from 'node:crypto';
import { ApiError, StudioError, type CallInput, type CallOutput } from '../../src-shared/contract';
import type { ChatMessageView } from '../../src-shared/contract-assistant';
import { isNonAnswer } from '../../src-shared/contract-assistant';
import type { ProjectStore } from '../services/store/project-store';
import { ChatStore, type ChatMessageRecord } from '../services/assistant/chat-store';
import { isCancel } from '../services/engines/engine';
import { engineFor, engineKeyRef, newEngineId, toEngineView } from '../services/assistant/engines';
import { secretStore } from '../services/assistant/secrets';
import { OpenAiEngine } from '../services/engines/openai-engine';
import { LmmEngine } from '../services/engines/lmm-engine';
import {
  ANALYST_ANSWERER,
  listQbenchRuns,
  qbenchAnswers,
  runQbench,
  type QuestionAnswerer,
} from '../services/assistant/qbench';
import { insertPair, listQbenchSets } from '../services/pairs/pair-store';
import type { DomainApi, DomainContext, AssistantCallName, HandlersFor } from './domain';
import type { ModelsApi } from './models-api';

const toView = (m: ChatMessageRecord): ChatMessageView => ({ ...m });

/** Typed errors keep their code (ENGINE_HTTP…) so the UI can show them as such. */
function apiError(e: unknown): StudioError {
  return e instanceof StudioError ? e : new ApiError('INTERNAL', (e as Error).message);
}

export class AssistantApi implements DomainApi<AssistantCallName> {
  private store: ProjectStore | null = null;
  private readonly requests = new Map<
    string,
    { controller: AbortController; done: Promise<void> }
  >();
  private readonly qbench = new Map<number, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly ctx: DomainContext,
    /** Registered in-process models: a model id is also an engine id. */
    private readonly models?: ModelsApi,
  ) {}

  attach(store: ProjectStore): void {
    this.store = store;
  }

  detach(): void {
    for (const r of this.requests.values()) r.controller.abort();
    for (const r of this.qbench.values()) r.controller.abort();
    this.requests.clear();
    this.qbench.clear();
    this.store = null;
  }

  async idle(): Promise<void> {
    while (this.requests.size || this.qbench.size) {
      await Promise.all([...this.requests.values(), ...this.qbench.values()].map((r) => r.done));
    }
  }

  private chats(): { store: ProjectStore; chats: ChatStore } {
    const store = this.ctx.requireStore();
    return { store, chats: new ChatStore(store) };
  }

  private requireVideo(store: ProjectStore, videoId: number): void {
    if (!store.getVideo(videoId))
      throw new ApiError('NOT_FOUND', `No video ${videoId} in this project`);
  }

  engines(): CallOutput<'assistant.engines'> {
    return {
      engines: this.chats().chats.engines().map(toEngineView),
      secretStore: secretStore().kind,
    };
  }

  putEngine(input: CallInput<'assistant.putEngine'>): CallOutput<'assistant.putEngine'> {
    const { chats } = this.chats();
    const id = input.id ?? newEngineId();
    const prev = input.id ? chats.engine(input.id) : undefined;
    if (input.id && !prev) throw new ApiError('NOT_FOUND', `No engine "${input.id}"`);
    const ref = engineKeyRef(id);
    if (input.clearKey) secretStore().delete(ref);
    if (input.apiKey) secretStore().set(ref, input.apiKey);
    const keys = [
      'maxFrames',
      'maxSide',
      'timeoutSec',
      'videoMode',
      'prefill',
      'replicaUrls',
      'concurrency',
    ] as const;
    const keep = (k: (typeof keys)[number]) => input[k] ?? prev?.options[k];
    const options = Object.fromEntries(
      keys.map((k) => [k, keep(k)]).filter(([, v]) => v !== undefined),
    );
    return toEngineView(
      chats.putEngine({
        id,
        name: input.name,
        baseUrl: input.baseUrl,
        model: input.model,
        keyRef: ref,
        options,
      }),
    );
  }

  ask(input: CallInput<'assistant.ask'>): CallOutput<'assistant.ask'> {
    const { store, chats } = this.chats();
    this.requireVideo(store, input.videoId);
    let engine;
    try {
      engine = this.models?.engineFor(store, input.engineId) ?? engineFor(store, input.engineId);
    } catch (e) {
      throw apiError(e);
    }
    const chatId = chats.chatFor(input.videoId);
    const history = chats
      .messages(chatId)
      .filter((m) => m.status === 'done')
      .map((m) => ({ role: m.role, text: m.text }));
    const question = chats.addMessage(chatId, {
      role: 'user',
      text: input.question,
      engine: engine.id,
      attachment: input.attachment ?? null,
    });
    const requestId = randomUUID();
    const controller = new AbortController();
    let partial = '';
    const finish = (m: Parameters<ChatStore['addMessage']>[1]) => {
      if (this.store !== store) return;
      const msg = chats.addMessage(chatId, m);
      this.ctx.emit('assistant.done', { requestId, videoId: input.videoId, message: toView(msg) });
    };
    const done = engine
      .ask({
        videoId: input.videoId,
        question: input.question,
        attachment: input.attachment ?? null,
        history,
        signal: controller.signal,
        onQueue: (position) =>
          this.ctx.emit('assistant.queue', { requestId, videoId: input.videoId, position }),
        onChunk: (text) => {
          partial += text;
          this.ctx.emit('assistant.chunk', { requestId, videoId: input.videoId, text });
        },
      })
      .then(
        (r) =>
          finish({
            role: 'assistant',
            text: r.text,
            engine: r.engine,
            attachment: input.attachment ?? null,
            timings: r.timings,
          }),
        (e: unknown) => {
          const cancelled = isCancel(e, controller.signal);
          finish({
            role: 'assistant',
            text: partial,
            engine: engine.id,
            attachment: input.attachment ?? null,
            status: cancelled ? 'cancelled' : 'error',
            error: cancelled ? null : (e as Error).message,
          });
        },
      )
      .finally(() => this.requests.delete(requestId));
    this.requests.set(requestId, { controller, done });
    return { requestId, chatId, question: toView(question) };
  }

  savePair(messageId: number): CallOutput<'assistant.savePair'> {
    const { store, chats } = this.chats();
    const answer = chats.message(messageId);
    if (!answer || answer.role !== 'assistant')
      throw new ApiError('NOT_FOUND', `No assistant answer ${messageId}`);
    if (answer.status !== 'done' || !answer.text.trim())
      throw new ApiError('BAD_INPUT', 'Only a complete answer can be saved as a pair');
    if (isNonAnswer(answer.text))
      throw new ApiError(
        'BAD_INPUT',
        'This reply says the question cannot be answered; it is not saved as a pair',
      );
    const question = chats.questionOf(messageId);
    const videoId = chats.videoOfChat(answer.chatId);
    if (!question || videoId === undefined)
      throw new ApiError('NOT_FOUND', 'The question of this answer is gone');
    const a = question.attachment;
    const range =
      a && a.kind !== 'time' && a.endSec > a.startSec
        ? { startSec: a.startSec, endSec: a.endSec }
        : {};
    try {
      const p = insertPair(store, {
        videoId,
        ...range,
        conversations: [
          { from: 'human', value: question.text },
          { from: 'gpt', value: answer.text },
        ],
        source: 'assistant',
        status: 'draft',
        provenance: [
          {
            kind: 'chat',
            id: answer.id,
            detail: `engine ${answer.engine}; question message ${question.id}`,
          },
        ],
      });
      return { pairId: p.id, uid: p.uid };
    } catch (e) {
      throw apiError(e);
    }
  }

  async qbenchStart(
    input: CallInput<'assistant.qbenchStart'>,
  ): Promise<CallOutput<'assistant.qbenchStart'>> {
    const store = this.ctx.requireStore();
    let answerer: QuestionAnswerer;
    try {
      const engine =
        this.models?.engineFor(store, input.engineId) ?? engineFor(store, input.engineId);
      answerer =
        engine instanceof OpenAiEngine
          ? {
              id: engine.id,
              parallel: engine.pool.capacity,
              answer: async (q, signal) => ({ text: await engine.answerQuestion(q, signal) }),
            }
          : engine instanceof LmmEngine
            ? {
                id: engine.id,
                answer: async (q, signal) => ({ text: await engine.answerQuestion(q, signal) }),
              }
            : ANALYST_ANSWERER;
    } catch (e) {
      throw apiError(e);
    }
    const controller = new AbortController();
    let runId = 0;
    // runQbench creates its run and reports it before its first await (or rejects, e.g. no questions)
    const run = runQbench(store, answerer, {
      setName: input.setName,
      signal: controller.signal,
      onProgress: (p) => {
        runId = p.runId;
        this.ctx.emit('assistant.qbench', p);
      },
    });
    if (!runId) {
      await run.catch((e: unknown) => {
        throw apiError(e);
      });
      throw new ApiError('INTERNAL', 'The question-set run did not start');
    }
    const id = runId;
    const done = run
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.qbench.delete(id));
    this.qbench.set(id, { controller, done });
    return { runId: id };
  }

  handlers(): HandlersFor<AssistantCallName> {
    return {
      'assistant.engines': async () => this.engines(),
      'assistant.putEngine': async (input) => this.putEngine(input),
      'assistant.deleteEngine': async ({ id }) => {
        secretStore().delete(engineKeyRef(id));
        return { deleted: this.chats().chats.deleteEngine(id) };
      },
      'assistant.chat': async ({ videoId }) => {
        const { store, chats } = this.chats();
        this.requireVideo(store, videoId);
        const chatId = chats.chatFor(videoId);
        return { chatId, messages: chats.messages(chatId).map(toView) };
      },
      'assistant.newChat': async ({ videoId }) => {
        const { store, chats } = this.chats();
        this.requireVideo(store, videoId);
        return { chatId: chats.chatFor(videoId, true) };
      },
      'assistant.ask': async (input) => this.ask(input),
      'assistant.cancel': async ({ requestId }) => {
        const r = this.requests.get(requestId);
        r?.controller.abort();
        return { cancelled: !!r };
      },
      'assistant.savePair': async ({ messageId }) => this.savePair(messageId),
      'assistant.qbenchSets': async () => listQbenchSets(this.ctx.requireStore()),
      'assistant.qbenchStart': async (input) => this.qbenchStart(input),
      'assistant.qbenchCancel': async ({ runId }) => {
        const r = this.qbench.get(runId);
        r?.controller.abort();
        return { cancelled: !!r };
      },
      'assistant.qbenchRuns': async () => listQbenchRuns(this.ctx.requireStore()),
      'assistant.qbenchAnswers': async ({ runId }) => qbenchAnswers(this.ctx.requireStore(), runId),
    };
  }
}
