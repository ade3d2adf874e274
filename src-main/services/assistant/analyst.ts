// The built-in analyst: the offline default engine. It answers only from the store (scores, level
// probabilities, measurements, events, annotations), with timestamps, and says plainly when it
// cannot answer. Every number it prints is a stored value passed through facts.ts's formatters.
import type { ProjectStore } from '../store/project-store';
import { LEVELS, levelOfScore } from '../levels/level-score';
import type { SegmentScore } from '../scoring/score-store';
import type { AskRequest, AskResult, Attachment, Engine } from '../engines/engine';
import { EngineError } from '../engines/engine';
import { abnormalMeasures, MEASURE_THRESHOLDS } from '../scoring/abnormal';
import { fmtMeasure, fmtPct, fmtScore, fmtTime, loadVideoFacts, type VideoFacts } from './facts';

export const ANALYST_ID = 'analyst';
export const ANALYST_LABEL = 'Built-in analyst (not an LMM)';

/** Measurements where a higher value means a worse picture, with how to name them. */
const EVENT_NAMES: Record<string, string> = {
  freeze: 'frozen picture',
  stall: 'stall (rebuffering)',
  switch: 'quality switch',
  quality_drop: 'quality drop',
  flicker: 'flicker',
  dark: 'dark picture',
};

type Intent = 'compare' | 'events' | 'distortions' | 'overall' | 'range' | 'unknown';

export function classify(question: string, attachment?: Attachment | null): Intent {
  const q = question.toLowerCase();
  if (/compar|versus|\bvs\.?\b|(first|start|beginning).*(last|end)|difference between/.test(q))
    return 'compare';
  if (/\bwhen\b|freez|stall|stutter|rebuffer|event|\bdrop|switch|flicker|\bhang/.test(q))
    return 'events';
  if (
    /distort|blur|nois|block|artifact|artefact|\bwhere\b|which part|worst|problem|issue|sharp|exposure|dark|grain/.test(
      q,
    )
  )
    return 'distortions';
  if (
    /qualit|overall|score|\bgood\b|\bbad\b|poor|\bwhy\b|\brate|rating|how (is|does)|look|summar|describe/.test(
      q,
    )
  ) {
    return attachment && attachment.kind !== 'time' ? 'range' : 'overall';
  }
  if (attachment) return 'range';
  return 'unknown';
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const segLabel = (s: SegmentScore) => `${fmtTime(s.startSec)}–${fmtTime(s.endSec)}`;

function levelWord(score: number): string {
  return levelOfScore(score);
}

/** The level most segments of a list fall in. */
function typicalLevel(segs: SegmentScore[]): string {
  const counts = new Map<string, number>();
  for (const s of segs) counts.set(levelWord(s.score), (counts.get(levelWord(s.score)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function overall(f: VideoFacts): string[] {
  const out: string[] = [];
  // the score is the probability-weighted mean of the levels, so its band can differ from the
  // single most likely level: say so instead of leaving "fair 53.7" next to "good 51 %" unexplained
  const top = f.probs ? [...LEVELS].sort((a, b) => f.probs![b] - f.probs![a])[0]! : null;
  out.push(
    `The video's quality score is ${fmtScore(f.score!)} (${f.level}).` +
      (top && top !== f.level
        ? ` It is the probability-weighted mean over the five levels, so it can sit in another band than the single most likely level, ${top} (${fmtPct(f.probs![top])}).`
        : ''),
  );
  if (f.probs) {
    const ranked = [...LEVELS].sort((a, b) => f.probs![b] - f.probs![a]);
    out.push(
      `Level probabilities: ${ranked.map((l) => `${l} ${fmtPct(f.probs![l])}`).join(', ')}.`,
    );
  }
  if (f.segments.length > 1) {
    const lo = f.segments.reduce((a, b) => (b.score < a.score ? b : a));
    const hi = f.segments.reduce((a, b) => (b.score > a.score ? b : a));
    out.push(
      `The weakest part is ${segLabel(lo)} (score ${fmtScore(lo.score)}, ${levelWord(lo.score)}); the best is ${segLabel(hi)} (${fmtScore(hi.score)}, ${levelWord(hi.score)}).`,
    );
    out.push(whyAt(lo));
  } else if (f.segments.length === 1) {
    out.push(whyAt(f.segments[0]!));
  }
  out.push(...eventLines(f, 3));
  out.push(...annotationLines(f));
  return out;
}

/**
 * Why a segment scores as it does: the measurements beyond their documented thresholds (never "the
 * highest of the video", which can be negligible), or a plain statement that none is abnormal.
 */
function whyAt(seg: SegmentScore): string {
  const ab = abnormalMeasures(seg.features);
  if (!ab.length)
    return `At ${fmtTime(seg.startSec)} no measurement is beyond its threshold: nothing abnormal was measured there.`;
  const parts = ab.map(
    (a) => `${a.label} ${fmtMeasure(a.value)} (threshold ${fmtMeasure(a.threshold)}: ${a.problem})`,
  );
  return `At ${fmtTime(seg.startSec)} these measurements are beyond their thresholds: ${parts.join('; ')}.`;
}

function distortions(f: VideoFacts): string[] {
  const out: string[] = [];
  if (f.segments.length) {
    out.push(
      'Measured distortion indicators (higher means worse) against their documented thresholds:',
    );
    let abnormal = 0;
    for (const m of MEASURE_THRESHOLDS) {
      const segs = f.segments.filter((s) => s.features[m.key] !== undefined);
      if (!segs.length) continue;
      const worst = segs.reduce((a, b) =>
        (b.features[m.key] ?? 0) > (a.features[m.key] ?? 0) ? b : a,
      );
      const wv = worst.features[m.key]!;
      const over = segs.filter((s) => s.features[m.key]! > m.above);
      if (!over.length) {
        out.push(`- ${m.label}: within normal everywhere (threshold ${fmtMeasure(m.above)}).`);
        continue;
      }
      abnormal++;
      out.push(
        `- ${m.label}: beyond its threshold ${fmtMeasure(m.above)} (${m.problem}), strongest at ${segLabel(worst)} (${fmtMeasure(wv)}).`,
      );
    }
    if (!abnormal) out.push('No measurement is beyond its threshold anywhere in this video.');
    const lo = f.segments.reduce((a, b) => (b.score < a.score ? b : a));
    out.push(
      `The lowest-scoring segment is ${segLabel(lo)} (${fmtScore(lo.score)}, ${levelWord(lo.score)}).`,
    );
  }
  const spans = f.annotations.filter((a) => a.kind === 'span' && a.tag);
  if (spans.length) {
    out.push('Distortions marked by annotators:');
    for (const a of spans)
      out.push(
        `- ${a.tag} at ${fmtTime(a.startSec!)}–${fmtTime(a.endSec!)}${a.text ? ` ("${a.text}")` : ''} (${a.annotator})`,
      );
  }
  if (out.length === 0)
    out.push('No measurements or marked distortions are stored for this video.');
  return out;
}

function eventLines(f: VideoFacts, limit = Infinity): string[] {
  if (!f.events.length) return [];
  const shown = f.events.slice(0, limit);
  const lines = shown.map(
    (e) => `- ${EVENT_NAMES[e.kind] ?? e.kind} from ${fmtTime(e.startSec)} to ${fmtTime(e.endSec)}`,
  );
  const more = f.events.length > shown.length ? ' (more in the timeline)' : '';
  return ['Detected events' + more + ':', ...lines];
}

function events(f: VideoFacts, question: string): string[] {
  const q = question.toLowerCase();
  const wanted = Object.keys(EVENT_NAMES).filter(
    (k) => q.includes(k.slice(0, 5)) || (k === 'stall' && /rebuffer|stutter/.test(q)),
  );
  const list = wanted.length ? f.events.filter((e) => wanted.includes(e.kind)) : f.events;
  const spans = f.annotations.filter(
    (a) => a.kind === 'span' && (a.tag === 'freeze' || a.tag === 'flicker' || !wanted.length),
  );
  const out: string[] = [];
  if (!list.length)
    out.push(
      wanted.length
        ? `No ${wanted.map((k) => EVENT_NAMES[k]).join(' or ')} event is stored for this video.`
        : 'No events were detected in this video.',
    );
  else out.push(...eventLines({ ...f, events: list }));
  if (spans.length) {
    out.push('Spans marked by annotators:');
    for (const a of spans)
      out.push(
        `- ${a.tag ?? 'span'} at ${fmtTime(a.startSec!)}–${fmtTime(a.endSec!)} (${a.annotator})`,
      );
  }
  return out;
}

function describeRange(f: VideoFacts, label: string, segs: SegmentScore[]): string {
  if (!segs.length) return `${label}: no scored segment.`;
  const lo = segs.reduce((a, b) => (b.score < a.score ? b : a));
  const hi = segs.reduce((a, b) => (b.score > a.score ? b : a));
  const span = `${fmtTime(segs[0]!.startSec)}–${fmtTime(segs[segs.length - 1]!.endSec)}`;
  const evs = f.events.filter(
    (e) => e.startSec < segs[segs.length - 1]!.endSec && e.endSec > segs[0]!.startSec,
  );
  return (
    `${label} (${span}): mostly ${typicalLevel(segs)}; segment scores from ${fmtScore(lo.score)} at ${fmtTime(lo.startSec)} to ${fmtScore(hi.score)} at ${fmtTime(hi.startSec)}` +
    (evs.length
      ? `; events: ${evs.map((e) => `${EVENT_NAMES[e.kind] ?? e.kind} at ${fmtTime(e.startSec)}`).join(', ')}.`
      : '; no events.')
  );
}

function compare(f: VideoFacts, question: string): string[] {
  const segs = f.segments;
  if (segs.length < 2)
    return [
      'The video has fewer than two scored segments, so there is nothing to compare within it.',
    ];
  const q = question.toLowerCase();
  const end = segs[segs.length - 1]!.endSec;
  let first: SegmentScore[];
  let last: SegmentScore[];
  let note = '';
  const minutes = /minute/.test(q);
  if (minutes && end > 120) {
    first = segs.filter((s) => s.startSec < 60);
    last = segs.filter((s) => s.endSec > end - 60);
  } else {
    const mid = Math.floor(segs.length / 2);
    first = segs.slice(0, mid);
    last = segs.slice(mid);
    if (minutes)
      note = `The video is only ${fmtTime(end)} long, so I compare its first half with its second half.`;
  }
  const out = note ? [note] : [];
  out.push(describeRange(f, 'First part', first), describeRange(f, 'Last part', last));
  const a = mean(first.map((s) => s.score));
  const b = mean(last.map((s) => s.score));
  const la = levelWord(a);
  const lb = levelWord(b);
  if (Math.abs(a - b) < 0.02)
    out.push(
      'On average the two parts score about the same' + (la === lb ? ` (both ${la}).` : '.'),
    );
  else if (la === lb)
    out.push(
      `On average the ${a > b ? 'first' : 'last'} part is slightly better, though both average ${la}.`,
    );
  else
    out.push(
      `On average the ${a > b ? 'first' : 'last'} part is better (${a > b ? la : lb} against ${a > b ? lb : la}).`,
    );
  return out;
}

function rangeOf(f: VideoFacts, att: Attachment): SegmentScore[] {
  if (att.kind === 'time')
    return f.segments.filter((s) => s.startSec <= att.sec && att.sec < s.endSec).slice(0, 1);
  return f.segments.filter((s) => s.startSec < att.endSec && s.endSec > att.startSec);
}

function attachedRange(f: VideoFacts, att: Attachment): string[] {
  const segs = rangeOf(f, att);
  if (!segs.length) return ['No scored segment covers the attached time.'];
  const out = [
    describeRange(
      f,
      att.kind === 'time'
        ? 'At the playhead'
        : att.kind === 'segment'
          ? 'The attached segment'
          : 'The attached span',
      segs,
    ),
  ];
  if (f.score != null)
    out.push(`For reference, the whole video scores ${fmtScore(f.score)} (${f.level}).`);
  const worst = segs.reduce((a, b) => (b.score < a.score ? b : a));
  out.push(whyAt(worst));
  return out;
}

function annotationLines(f: VideoFacts): string[] {
  const mos = f.annotations.filter((a) => a.kind === 'mos' && a.rating != null);
  if (!mos.length) return [];
  return [`Annotator ratings (ACR): ${mos.map((a) => `${a.annotator} ${a.rating}`).join(', ')}.`];
}

export const CANNOT_ANSWER =
  "I can't answer that from this video's measurements. I can tell you about its overall quality, which distortions were measured and where, when events happen, or compare parts of the video.";

/** The analyst's answer to a question, from facts alone (pure; used by the engine and tests). */
export function analystAnswer(
  f: VideoFacts,
  question: string,
  attachment?: Attachment | null,
): string {
  const intent = classify(question, attachment);
  if (intent === 'unknown') return CANNOT_ANSWER;
  if (f.score == null) {
    const ann = [
      ...annotationLines(f),
      ...(intent === 'distortions' || intent === 'events'
        ? events(f, question).filter((l) => l.startsWith('-'))
        : []),
    ];
    return [
      'This video has not been scored yet, so I have no measurements to answer from. Score it and ask again.',
      ...ann,
    ].join('\n');
  }
  let lines: string[];
  if (attachment && (intent === 'range' || intent === 'overall'))
    lines = attachedRange(f, attachment);
  else if (intent === 'compare') lines = compare(f, question);
  else if (intent === 'events') lines = events(f, question);
  else if (intent === 'distortions') lines = distortions(f);
  else lines = overall(f);
  return lines.join('\n');
}

export class AnalystEngine implements Engine {
  readonly id = ANALYST_ID;
  readonly label = ANALYST_LABEL;

  constructor(private readonly store: ProjectStore) {}

  async ask(req: AskRequest): Promise<AskResult> {
    const t0 = performance.now();
    const facts = loadVideoFacts(this.store, req.videoId);
    if (!facts) throw new EngineError('BAD_INPUT', `No video ${req.videoId} in this project`);
    const text = analystAnswer(facts, req.question, req.attachment);
    // stream line by line, like an engine would
    const lines = text.split(/(?<=\n)/);
    let first: number | null = null;
    for (const l of lines) {
      if (req.signal?.aborted) throw new EngineError('ENGINE_CANCELLED', 'Cancelled.');
      req.onChunk?.(l);
      first ??= performance.now() - t0;
      await new Promise((r) => setImmediate(r));
    }
    return {
      text,
      engine: this.id,
      timings: { firstTokenMs: first, totalMs: performance.now() - t0 },
    };
  }
}
