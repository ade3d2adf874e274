// vqa2 ask, qbench, and the engine flags shared with `vqa2 score`:
// --engine-url URL (once per replica) --engine-model M [--engine-concurrency N] [--api-key-env VAR]
// [--timeout SEC] [--max-frames N].
// The key is read from the named environment variable and sent only in the Authorization header.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ProjectStore } from '../../services/store/project-store';
import type { VideoRow } from '../../../src-shared/contract';
import { StudioError } from '../../../src-shared/contract';
import { AnalystEngine } from '../../services/assistant/analyst';
import { OpenAiEngine, type EngineConfig } from '../../services/engines/openai-engine';
import { keyFromEnv } from '../../services/assistant/secrets';
import { normalizeBaseUrl } from '../../services/engines/openai-client';
import type { Attachment, Engine } from '../../services/engines/engine';
import { ChatStore } from '../../services/assistant/chat-store';
import {
  ANALYST_ANSWERER,
  runQbench,
  type QuestionAnswerer,
} from '../../services/assistant/qbench';
import { EXIT, UsageError, renderTable } from './output';
import { LmmEngine } from '../../services/engines/lmm-engine';
import { modelPool } from '../../services/lmm/model-pool';
import { MODEL_OPTIONS, epFromFlag, modelFromFlag, releaseModels } from './models';
import { throttle } from '../../services/util/throttle';

/** The in-process model engine --model names (with --ep), or null; waiting for the model is reported on stderr. */
async function modelEngine(
  store: ProjectStore,
  v: { model?: string; ep?: string; 'engine-url'?: string[] },
): Promise<LmmEngine | null> {
  if (!v.model) {
    if (v.ep) throw new UsageError('--ep goes with --model');
    return null;
  }
  if (v['engine-url']?.length)
    throw new UsageError('--model and --engine-url are alternatives: give one');
  const model = await modelFromFlag(v.model);
  return new LmmEngine(store, model, {
    ep: epFromFlag(v.ep),
    sessions: modelPool(),
    onQueue: (pos) => {
      if (pos > 0) process.stderr.write(`Waiting for the model (queue position ${pos})\n`);
    },
  });
}

export const ENGINE_OPTIONS = {
  'engine-url': { type: 'string', multiple: true },
  'engine-concurrency': { type: 'string' },
  'engine-model': { type: 'string' },
  'api-key-env': { type: 'string' },
  timeout: { type: 'string' },
  'max-frames': { type: 'string' },
} as const;

export interface EngineFlags {
  /** Given once per replica of the model. */
  'engine-url'?: string[];
  'engine-concurrency'?: string;
  'engine-model'?: string;
  'api-key-env'?: string;
  timeout?: string;
  'max-frames'?: string;
}

/** The engine the flags name, or null for the built-in analyst (no --engine-url). */
export function engineConfigFromFlags(
  v: EngineFlags,
): (EngineConfig & { keyRef: string | null }) | null {
  const given = v['engine-url'] ?? [];
  if (!given.length) {
    if (v['engine-model'] || v['api-key-env'] || v['engine-concurrency'])
      throw new UsageError(
        '--engine-model, --engine-concurrency and --api-key-env need --engine-url',
      );
    return null;
  }
  if (!v['engine-model'])
    throw new UsageError('--engine-url needs --engine-model (the model name the server serves)');
  let urls: string[];
  try {
    urls = [...new Set(given.map((u) => normalizeBaseUrl(u)))];
  } catch (e) {
    throw new UsageError(`--engine-url: ${(e as Error).message}`);
  }
  const [baseUrl, ...replicaUrls] = urls as [string, ...string[]];
  const concurrency = v['engine-concurrency'] !== undefined ? Number(v['engine-concurrency']) : 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64))
    throw new UsageError(
      '--engine-concurrency must be an integer from 1 to 64 (requests in flight per server)',
    );
  const timeout = v.timeout !== undefined ? Number(v.timeout) : 120;
  if (!(timeout > 0 && timeout <= 3600))
    throw new UsageError('--timeout must be seconds from 1 to 3600');
  const maxFrames = v['max-frames'] !== undefined ? Number(v['max-frames']) : undefined;
  if (
    maxFrames !== undefined &&
    !(Number.isInteger(maxFrames) && maxFrames >= 1 && maxFrames <= 64)
  )
    throw new UsageError('--max-frames must be an integer from 1 to 64');
  return {
    baseUrl,
    ...(replicaUrls.length ? { replicaUrls } : {}),
    concurrency,
    model: v['engine-model'],
    apiKey: keyFromEnv(v['api-key-env']),
    keyRef: v['api-key-env'] ? `env:${v['api-key-env']}` : null,
    timeoutMs: timeout * 1000,
    ...(maxFrames ? { frames: { maxFrames } } : {}),
  };
}

/** A video of the project by id, path or file name. */
export function findVideo(store: ProjectStore, ref: string): VideoRow {
  if (/^\d+$/.test(ref)) {
    const v = store.getVideo(Number(ref));
    if (v) return v;
  }
  const abs = path.resolve(ref);
  const all = store.listVideos({
    offset: 0,
    limit: 1000,
    filter: { text: path.basename(ref) },
  }).rows;
  const hit =
    all.find((v) => store.toAbsPath(v.path) === abs) ??
    all.filter((v) => v.name === path.basename(ref));
  if (!Array.isArray(hit)) return hit;
  if (hit.length === 1) return hit[0]!;
  if (hit.length > 1)
    throw new StudioError('BAD_INPUT', `Several videos are named "${ref}"; give its id or path`);
  throw new StudioError(
    'BAD_INPUT',
    `No video "${ref}" in this project (give an id, path or file name; see vqa2 list)`,
  );
}

function parseAttachment(v: { at?: string; from?: string; to?: string }): Attachment | null {
  const num = (s: string, flag: string) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be seconds ≥ 0`);
    return n;
  };
  if (v.at !== undefined) return { kind: 'time', sec: num(v.at, '--at') };
  if (v.from !== undefined || v.to !== undefined) {
    if (v.from === undefined || v.to === undefined)
      throw new UsageError('--from and --to go together');
    const a = num(v.from, '--from');
    const b = num(v.to, '--to');
    if (!(b > a)) throw new UsageError('--to must be after --from');
    return { kind: 'span', startSec: a, endSec: b };
  }
  return null;
}

export async function cmdAsk(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...ENGINE_OPTIONS,
      ...MODEL_OPTIONS,
      ep: { type: 'string' },
      at: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [project, videoRef, ...rest] = positionals;
  const question = rest.join(' ').trim();
  if (!project || !videoRef || !question)
    throw new UsageError(
      'usage: vqa2 ask <project> <video> "<question>" [--at SEC | --from SEC --to SEC] [--model ID|DIR [--ep cuda|cpu] | --engine-url URL --engine-model M [--api-key-env VAR]]',
    );
  const cfg = engineConfigFromFlags(values);
  const attachment = parseAttachment(values);
  const store = ProjectStore.open(project);
  let lmm: LmmEngine | null;
  try {
    lmm = await modelEngine(store, values);
  } catch (e) {
    store.close();
    throw e;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const video = findVideo(store, videoRef);
    const engine: Engine = lmm ?? (cfg ? new OpenAiEngine(store, cfg) : new AnalystEngine(store));
    if (!cfg && !lmm)
      process.stderr.write(
        "Answering with the built-in analyst (not an LMM): it reads this video's stored measurements.\n",
      );
    const chats = new ChatStore(store);
    const chatId = chats.chatFor(video.id);
    // a model holds the conversation: earlier answered turns of this chat go with the question
    const history = lmm
      ? chats
          .messages(chatId)
          .filter((m) => m.status === 'done')
          .map((m) => ({ role: m.role, text: m.text }))
      : undefined;
    chats.addMessage(chatId, { role: 'user', text: question, engine: engine.id, attachment });
    let wroteNewline = true;
    try {
      const r = await engine.ask({
        videoId: video.id,
        question,
        attachment,
        history,
        signal: controller.signal,
        onChunk: (t) => {
          if (!values.json) process.stdout.write(t);
          wroteNewline = t.endsWith('\n');
        },
      });
      if (!values.json && !wroteNewline) process.stdout.write('\n');
      chats.addMessage(chatId, {
        role: 'assistant',
        text: r.text,
        engine: r.engine,
        attachment,
        timings: r.timings,
      });
      if (values.json)
        process.stdout.write(
          JSON.stringify(
            { videoId: video.id, engine: r.engine, answer: r.text, timings: r.timings },
            null,
            2,
          ) + '\n',
        );
      return EXIT.OK;
    } catch (e) {
      if (!wroteNewline && !values.json) process.stdout.write('\n');
      chats.addMessage(chatId, {
        role: 'assistant',
        text: '',
        engine: engine.id,
        attachment,
        status: controller.signal.aborted ? 'cancelled' : 'error',
        error: (e as Error).message,
      });
      throw e;
    }
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
    await releaseModels();
  }
}

const pct = (a: number | null) => (a == null ? '—' : `${(a * 100).toFixed(1)}%`);

export async function cmdQbench(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...ENGINE_OPTIONS,
      ...MODEL_OPTIONS,
      ep: { type: 'string' },
      set: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [project] = positionals;
  if (!project || positionals.length > 1)
    throw new UsageError(
      'usage: vqa2 qbench <project> [--set NAME] [--model ID|DIR [--ep cuda|cpu] | --engine-url URL --engine-model M [--api-key-env VAR]] [--json]',
    );
  const cfg = engineConfigFromFlags(values);
  const store = ProjectStore.open(project);
  let lmm: LmmEngine | null;
  try {
    lmm = await modelEngine(store, values);
  } catch (e) {
    store.close();
    throw e;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    let answerer: QuestionAnswerer = ANALYST_ANSWERER;
    if (lmm) {
      const engine = lmm;
      answerer = {
        id: engine.id,
        answer: async (q, signal) => ({ text: await engine.answerQuestion(q, signal) }),
      };
    } else if (cfg) {
      const engine = new OpenAiEngine(store, cfg);
      answerer = {
        id: engine.id,
        parallel: engine.pool.capacity,
        answer: async (q, signal) => ({ text: await engine.answerQuestion(q, signal) }),
      };
    } else
      process.stderr.write(
        'No --engine-url: the built-in analyst cannot answer question sets; every question is reported unanswered.\n',
      );
    const gate = throttle(process.stderr.isTTY ? 200 : 2000);
    const s = await runQbench(store, answerer, {
      setName: values.set,
      signal: controller.signal,
      onProgress: (p) => {
        if (!gate.pass(p.status !== 'running')) return;
        const eta =
          p.etaSec != null && p.status === 'running' ? `, ~${Math.ceil(p.etaSec)} s left` : '';
        process.stderr.write(`${p.status} ${p.done}/${p.total} questions${eta}\n`);
      },
    });
    const byType = Object.fromEntries(
      Object.entries(s.byType).map(([k, v]) => [k, { accuracy: v.accuracy, n: v.n }]),
    );
    if (values.json) {
      process.stdout.write(
        JSON.stringify(
          {
            accuracy: s.accuracy,
            n: s.n,
            byType,
            byCategory: s.byCategory,
            correct: s.correct,
            unanswered: s.unanswered,
            openEnded: s.openEnded,
            runId: s.runId,
            engine: s.engine,
            status: s.status,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const rows = [
        ['all', String(s.n), String(s.correct), pct(s.accuracy)],
        ...Object.entries(s.byType).map(([k, v]) => [
          k,
          String(v.n),
          String(v.correct),
          pct(v.accuracy),
        ]),
        ...Object.entries(s.byCategory).map(([k, v]) => [
          `category: ${k}`,
          String(v.n),
          String(v.correct),
          pct(v.accuracy),
        ]),
      ];
      process.stdout.write(
        renderTable(['questions', 'n', 'correct', 'accuracy'], rows, new Set([1, 2, 3])) + '\n',
      );
      if (s.unanswered) process.stdout.write(`${s.unanswered} unanswered (counted as wrong)\n`);
      if (s.openEnded) process.stdout.write(`${s.openEnded} open-ended answers kept, not scored\n`);
    }
    return s.status === 'cancelled' ? EXIT.RUNTIME : EXIT.OK;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
    await releaseModels();
  }
}
