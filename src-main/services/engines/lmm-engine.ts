// The assistant engine of an in-process model: the question and earlier turns go to the model's own
// chat template with key frames of the attached range (a span or segment: that range; a time: the
// seconds around it; nothing: the whole clip), tokens stream as they are generated, and a cancel
// stops generation within one token. Question sets use the same model without streaming.
import type { ProjectStore } from '../store/project-store';
import {
  EngineError,
  type AskRequest,
  type AskResult,
  type Attachment,
  type Engine,
  type QbenchQuestion,
} from './engine';
import {
  fmtTime,
  CHAT_MAX_TOKENS,
  CHAT_TEMPERATURE,
  isChoiceQuestion,
  qbenchPrefix,
  qbenchQuestionText,
} from './prompts';
import type { RgbFrame } from '../lmm/runtime';
import type { LmmEp, ModelPool } from '../lmm/model-pool';
import { frameSizesFor, keyFramesRgb } from '../lmm/lmm-frames';

/** Seconds either side of an attached time whose key frames go with the question. */
const TIME_WINDOW_SEC = 2;
/** A choice answer is a letter and a period; the first character decides it. */
const CHOICE_MAX_TOKENS = 32;

export interface LmmModelRef {
  id: string | null;
  name: string;
  dir: string;
}

export interface LmmEngineOptions {
  ep: LmmEp;
  sessions: ModelPool;
  /** Key frames sent with a question at most (default 8). */
  maxFrames?: number;
  /** Told the queue position while another pass holds the model (0: its turn). */
  onQueue?: (position: number) => void;
}

/** The time range whose frames go with a question. */
export function frameRange(
  a: Attachment | null | undefined,
  durationSec: number | null,
): { startSec: number; endSec: number } | null {
  if (!a) return null;
  if (a.kind === 'time') {
    const end = durationSec ?? a.sec + TIME_WINDOW_SEC;
    return {
      startSec: Math.max(0, a.sec - TIME_WINDOW_SEC),
      endSec: Math.min(end, a.sec + TIME_WINDOW_SEC),
    };
  }
  return { startSec: a.startSec, endSec: a.endSec };
}

function attachmentNote(a: Attachment | null | undefined): string {
  if (!a) return '';
  if (a.kind === 'time')
    return `\n(Asked at ${fmtTime(a.sec)} of the video; the frames are from around that time.)`;
  return `\n(About ${fmtTime(a.startSec)}–${fmtTime(a.endSec)} of the video; the frames are from that part.)`;
}

export class LmmEngine implements Engine {
  readonly id: string;
  readonly label: string;
  private readonly maxFrames: number;

  constructor(
    private readonly store: ProjectStore,
    readonly model: LmmModelRef,
    private readonly opts: LmmEngineOptions,
  ) {
    this.id = `lmm:${model.name}`;
    this.label = `${model.name} (in-process model)`;
    this.maxFrames = opts.maxFrames ?? 8;
  }

  private async frames(
    videoId: number,
    range: { startSec: number; endSec: number } | null,
    signal?: AbortSignal,
  ): Promise<{ frames: RgbFrame[]; frameNum: number }> {
    const v = this.store.getVideo(videoId);
    if (!v) throw new EngineError('BAD_INPUT', `No video ${videoId} in this project`);
    if (v.status !== 'ok')
      throw new EngineError(
        'BAD_INPUT',
        `${v.name} could not be read at import (${v.error ?? 'no metadata'})`,
      );
    const frames = await keyFramesRgb(this.store.toAbsPath(v.path), v.durationSec, {
      ...(range ?? {}),
      maxFrames: this.maxFrames,
      size: frameSizesFor(this.model.dir).key,
      signal,
    });
    return {
      frames,
      frameNum: v.durationSec && v.fps ? Math.round(v.durationSec * v.fps) : frames.length,
    };
  }

  async ask(req: AskRequest): Promise<AskResult> {
    const t0 = performance.now();
    const v = this.store.getVideo(req.videoId);
    const { frames } = await this.frames(
      req.videoId,
      frameRange(req.attachment, v?.durationSec ?? null),
      req.signal,
    );
    let first: number | null = null;
    const r = await this.opts.sessions.use(
      this.model.dir,
      this.opts.ep,
      (m) =>
        m.generate({
          history: req.history ?? [],
          question: req.question + attachmentNote(req.attachment),
          frames,
          maxNewTokens: CHAT_MAX_TOKENS,
          temperature: CHAT_TEMPERATURE,
          signal: req.signal,
          onToken: (t) => {
            first ??= performance.now() - t0;
            req.onChunk?.(t);
          },
        }),
      { signal: req.signal, onQueue: req.onQueue ?? this.opts.onQueue },
    );
    if (req.signal?.aborted) throw new EngineError('ENGINE_CANCELLED', 'Cancelled.');
    return {
      text: r.text,
      engine: this.id,
      timings: { firstTokenMs: first, totalMs: performance.now() - t0, frames: frames.length },
    };
  }

  /** One question of a set with the question-set prefix per video; the answer text. */
  async answerQuestion(q: QbenchQuestion, signal?: AbortSignal): Promise<string> {
    const frames: RgbFrame[] = [];
    const parts: string[] = [];
    for (const vid of q.video2Id ? [q.videoId, q.video2Id] : [q.videoId]) {
      const f = await this.frames(vid, null, signal);
      frames.push(...f.frames);
      parts.push(qbenchPrefix(f.frames.length, f.frameNum));
    }
    parts.push(qbenchQuestionText(q));
    const r = await this.opts.sessions.use(
      this.model.dir,
      this.opts.ep,
      (m) =>
        m.generate({
          history: [],
          question: parts.join('\n'),
          frames,
          maxNewTokens: isChoiceQuestion(q) ? CHOICE_MAX_TOKENS : CHAT_MAX_TOKENS,
          temperature: 0,
          signal,
        }),
      { signal, onQueue: this.opts.onQueue },
    );
    return r.text;
  }
}
