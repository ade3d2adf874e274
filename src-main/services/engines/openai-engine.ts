// The OpenAI-compatible engine: sends VQA²'s prompt structure (docs/formats.md §1, §5, §6) with the
// clip's key frames as image_url parts (or the clip as a video_url part where the server takes
// one), streams the answer, scores by level-token log-probabilities and answers question sets.
import fs from 'node:fs';
import type { ProjectStore } from '../store/project-store';
import {
  scoreFromLogprobs,
  type LevelScore,
  type LevelWeights,
  DEFAULT_LEVEL_WEIGHTS,
} from '../levels/level-score';
import {
  EngineError,
  type AskRequest,
  type AskResult,
  type Attachment,
  type Engine,
  type QbenchQuestion,
} from './engine';
import type { ChatMessage, ContentPart } from './openai-client';
import { ReplicaPool } from './replica-pool';
import { keyFrameDataUrls, DEFAULT_FRAME_SETTINGS, type FrameSettings } from './key-frames';
import {
  fmtTime,
  CHAT_MAX_TOKENS,
  CHAT_TEMPERATURE,
  KEY_FRAMES_INTRO,
  RATING_PREFILL,
  RATING_QUESTION,
  SYSTEM_PROMPT,
  qbenchPrefix,
  qbenchQuestionText,
} from './prompts';

export interface EngineConfig {
  baseUrl: string;
  /** Further replicas of the same model (e.g. more vLLM instances); requests are spread over all. */
  replicaUrls?: string[];
  /** Requests in flight per replica (default 1). */
  concurrency?: number;
  model: string;
  /** Resolved key (from the secret store or an env var); never stored in plain tables. */
  apiKey?: string | null;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  frames?: Partial<FrameSettings>;
  /** 'frames' (default): key frames as image_url parts; 'video_url': the clip file as a data URL. */
  videoMode?: 'frames' | 'video_url';
  /**
   * How the scoring prefill "The quality of the video is" is sent: as a final assistant message
   * with `continue_final_message: true, add_generation_prompt: false` (vLLM; the default), or as a
   * final assistant message alone ('assistant') for servers that continue it without the flags.
   */
  prefill?: 'continue_final_message' | 'assistant';
}

const MAX_VIDEO_URL_BYTES = 20 * 1024 * 1024;

export class OpenAiEngine implements Engine {
  readonly id: string;
  readonly label: string;
  readonly pool: ReplicaPool;
  private readonly frames: FrameSettings;

  constructor(
    private readonly store: ProjectStore,
    readonly config: EngineConfig,
  ) {
    if (!config.model.trim()) throw new EngineError('BAD_INPUT', 'Engine model is empty');
    this.pool = new ReplicaPool([config.baseUrl, ...(config.replicaUrls ?? [])], {
      apiKey: config.apiKey,
      timeoutMs: config.timeoutMs,
      retries: config.retries,
      backoffMs: config.backoffMs,
      retryBackoffMs: config.backoffMs,
      concurrency: config.concurrency,
    });
    this.id = `openai:${config.model}`;
    this.label = `${config.model} (OpenAI-compatible engine)`;
    this.frames = { ...DEFAULT_FRAME_SETTINGS, ...config.frames };
  }

  private video(videoId: number) {
    const v = this.store.getVideo(videoId);
    if (!v) throw new EngineError('BAD_INPUT', `No video ${videoId} in this project`);
    return { ...v, absPath: this.store.toAbsPath(v.path) };
  }

  /** The visual parts of one video (or of a time range of it). */
  async visualParts(
    videoId: number,
    range: { startSec: number; endSec: number } | null,
    signal?: AbortSignal,
  ): Promise<ContentPart[]> {
    const v = this.video(videoId);
    if (this.config.videoMode === 'video_url') {
      const size = fs.statSync(v.absPath).size;
      if (size > MAX_VIDEO_URL_BYTES)
        throw new EngineError(
          'BAD_INPUT',
          `The video is ${Math.round(size / 1e6)} MB; video_url mode sends at most ${MAX_VIDEO_URL_BYTES / 1e6} MB. Use key frames instead.`,
        );
      const mime = v.absPath.toLowerCase().endsWith('.webm') ? 'video/webm' : 'video/mp4';
      return [
        {
          type: 'video_url',
          video_url: {
            url: `data:${mime};base64,${fs.readFileSync(v.absPath).toString('base64')}`,
          },
        },
      ];
    }
    const urls = await keyFrameDataUrls(v.absPath, v.durationSec, {
      ...this.frames,
      ...(range ?? {}),
      signal,
    });
    return urls.map((url) => ({ type: 'image_url', image_url: { url } }));
  }

  async ask(req: AskRequest): Promise<AskResult> {
    const t0 = performance.now();
    const range = attachmentRange(req.attachment);
    const visual = await this.visualParts(req.videoId, range, req.signal);
    const messages: ChatMessage[] = [{ role: 'system', content: SYSTEM_PROMPT }];
    const history = req.history ?? [];
    // the frames go with the first user turn, as in VQA²'s chat (model_conv.py)
    const firstUser = history.findIndex((h) => h.role === 'user');
    const withFrames = (text: string): ContentPart[] => [
      { type: 'text', text: KEY_FRAMES_INTRO },
      ...visual,
      { type: 'text', text },
    ];
    history.forEach((h, i) =>
      messages.push(
        h.role === 'user'
          ? { role: 'user', content: i === firstUser ? withFrames(h.text) : h.text }
          : { role: 'assistant', content: h.text },
      ),
    );
    const q = req.question + attachmentNote(req.attachment);
    messages.push({ role: 'user', content: firstUser < 0 ? withFrames(q) : q });
    let first: number | null = null;
    const body = {
      model: this.config.model,
      messages,
      temperature: CHAT_TEMPERATURE,
      max_tokens: CHAT_MAX_TOKENS,
    };
    // Once part of the answer is shown, a retry elsewhere would repeat it: only retry before that.
    let shown = false;
    const r = await this.pool.run(
      (client) =>
        client.stream(
          body,
          (d) => {
            shown = true;
            first ??= performance.now() - t0;
            req.onChunk?.(d);
          },
          req.signal,
        ),
      { signal: req.signal, retry: () => !shown },
    );
    return {
      text: r.text,
      engine: this.id,
      timings: { firstTokenMs: first, totalMs: performance.now() - t0, frames: visual.length },
    };
  }

  /** The request body for level-token scoring (exported for documentation and tests). */
  scoringBody(
    visual: ContentPart[],
  ): Record<string, unknown> & { model: string; messages: ChatMessage[] } {
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      {
        role: 'user',
        content: [
          { type: 'text', text: KEY_FRAMES_INTRO },
          ...visual,
          { type: 'text', text: RATING_QUESTION },
        ],
      },
      { role: 'assistant', content: RATING_PREFILL },
    ];
    const cont = (this.config.prefill ?? 'continue_final_message') === 'continue_final_message';
    return {
      model: this.config.model,
      messages,
      max_tokens: 1,
      temperature: 0,
      logprobs: true,
      top_logprobs: 20,
      ...(cont ? { continue_final_message: true, add_generation_prompt: false } : {}),
    };
  }

  /** Level-token score of a video (or range) from the next token's top log-probabilities. */
  async scoreVideo(
    videoId: number,
    opts: {
      range?: { startSec: number; endSec: number } | null;
      weights?: LevelWeights;
      signal?: AbortSignal;
    } = {},
  ): Promise<LevelScore & { tokens: Record<string, number> }> {
    const visual = await this.visualParts(videoId, opts.range ?? null, opts.signal);
    const body = this.scoringBody(visual);
    const res = await this.pool.run((client) => client.complete(body, opts.signal), {
      signal: opts.signal,
    });
    const tokens = topLogprobsOf(res);
    return { ...scoreFromLogprobs(tokens, opts.weights ?? DEFAULT_LEVEL_WEIGHTS), tokens };
  }

  /** One question of a set, §5 prompt; the answer text (not streamed). */
  async answerQuestion(q: QbenchQuestion, signal?: AbortSignal): Promise<string> {
    const parts: ContentPart[] = [];
    for (const vid of q.video2Id ? [q.videoId, q.video2Id] : [q.videoId]) {
      const v = this.video(vid);
      const visual = await this.visualParts(vid, null, signal);
      const frameNum = v.durationSec && v.fps ? Math.round(v.durationSec * v.fps) : visual.length;
      parts.push({ type: 'text', text: qbenchPrefix(visual.length, frameNum) }, ...visual);
    }
    parts.push({ type: 'text', text: qbenchQuestionText(q) });
    const body = {
      model: this.config.model,
      messages: [
        { role: 'system' as const, content: SYSTEM_PROMPT },
        { role: 'user' as const, content: parts },
      ],
      temperature: CHAT_TEMPERATURE,
      max_tokens: CHAT_MAX_TOKENS,
    };
    const res = await this.pool.run((client) => client.complete(body, signal), { signal });
    const content = (res.choices as { message?: { content?: string | null } }[] | undefined)?.[0]
      ?.message?.content;
    if (typeof content !== 'string')
      throw new EngineError('ENGINE_PROTOCOL', 'The engine answered without message content');
    return content;
  }
}

/** The first generated token's top log-probabilities; a clear error when the server sent none. */
export function topLogprobsOf(res: Record<string, unknown>): Record<string, number> {
  const choice = (
    res.choices as
      | {
          logprobs?: {
            content?: {
              token: string;
              logprob: number;
              top_logprobs?: { token: string; logprob: number }[];
            }[];
          } | null;
        }[]
      | undefined
  )?.[0];
  const first = choice?.logprobs?.content?.[0];
  const top = first?.top_logprobs?.length
    ? first.top_logprobs
    : first
      ? [{ token: first.token, logprob: first.logprob }]
      : [];
  if (!top.length) {
    throw new EngineError(
      'NO_LOGPROBS',
      'The engine returned no log-probabilities (it may not support `logprobs`/`top_logprobs`), so no score was computed or stored.',
    );
  }
  const out: Record<string, number> = {};
  for (const t of top) {
    if (typeof t.token !== 'string' || typeof t.logprob !== 'number')
      throw new EngineError('ENGINE_PROTOCOL', 'The engine sent malformed log-probabilities');
    // the same token twice: its probability mass adds up
    out[t.token] =
      t.token in out ? Math.log(Math.exp(out[t.token]!) + Math.exp(t.logprob)) : t.logprob;
  }
  return out;
}

export function attachmentRange(
  a: Attachment | null | undefined,
): { startSec: number; endSec: number } | null {
  if (!a || a.kind === 'time') return null;
  return { startSec: a.startSec, endSec: a.endSec };
}

function attachmentNote(a: Attachment | null | undefined): string {
  if (!a) return '';
  if (a.kind === 'time') return `\n(Asked at ${fmtTime(a.sec)} of the video.)`;
  return `\n(About ${fmtTime(a.startSec)}–${fmtTime(a.endSec)} of the video; the frames above are from that part.)`;
}
