// Engine configs → engines: the built-in analyst, or an OpenAI-compatible engine whose key is
// fetched from the secret store at the moment it is used (never stored in plain tables).
import { randomBytes } from 'node:crypto';
import type { ProjectStore } from '../store/project-store';
import type { EngineView } from '../../../src-shared/contract-assistant';
import { AnalystEngine } from './analyst';
import { ChatStore, type EngineConfigRecord } from './chat-store';
import { EngineError, type Engine } from '../engines/engine';
import { OpenAiEngine, type EngineConfig } from '../engines/openai-engine';
import { engineKeyRef, secretStore } from './secrets';
import { DEFAULT_FRAME_SETTINGS } from '../engines/key-frames';
import { normalizeBaseUrl } from '../engines/openai-client';

export function toEngineView(r: EngineConfigRecord): EngineView {
  const o = r.options;
  return {
    id: r.id,
    name: r.name,
    baseUrl: r.baseUrl,
    model: r.model,
    hasKey: r.keyRef ? secretStore().has(r.keyRef) : false,
    maxFrames: typeof o.maxFrames === 'number' ? o.maxFrames : DEFAULT_FRAME_SETTINGS.maxFrames,
    maxSide: typeof o.maxSide === 'number' ? o.maxSide : DEFAULT_FRAME_SETTINGS.maxSide,
    timeoutSec: typeof o.timeoutSec === 'number' ? o.timeoutSec : 120,
    videoMode: o.videoMode === 'video_url' ? 'video_url' : 'frames',
    prefill: o.prefill === 'assistant' ? 'assistant' : 'continue_final_message',
    replicaUrls: Array.isArray(o.replicaUrls)
      ? o.replicaUrls.filter((u): u is string => typeof u === 'string')
      : [],
    concurrency: typeof o.concurrency === 'number' ? o.concurrency : 1,
  };
}

export function newEngineId(): string {
  return `e${randomBytes(5).toString('hex')}`;
}

/** The engine config (with its key, resolved now) of a stored engine. */
export function engineConfigOf(r: EngineConfigRecord): EngineConfig {
  const v = toEngineView(r);
  return {
    baseUrl: normalizeBaseUrl(r.baseUrl),
    model: r.model,
    apiKey: r.keyRef ? secretStore().get(r.keyRef) : null,
    timeoutMs: v.timeoutSec * 1000,
    frames: { maxFrames: v.maxFrames, maxSide: v.maxSide },
    videoMode: v.videoMode,
    prefill: v.prefill,
    replicaUrls: v.replicaUrls.map(normalizeBaseUrl),
    concurrency: v.concurrency,
  };
}

export function engineFor(store: ProjectStore, engineId: string | undefined): Engine {
  if (!engineId || engineId === 'analyst') return new AnalystEngine(store);
  const r = new ChatStore(store).engine(engineId);
  if (!r)
    throw new EngineError('BAD_INPUT', `No engine "${engineId}" is configured in this project`);
  return new OpenAiEngine(store, engineConfigOf(r));
}

export { engineKeyRef };
