// The built-in analyst's grounding: every number in its answers is found in the store for that
// video. The allowed numbers are read here straight from the SQLite tables (not through the
// analyst's own loader), and each number or timestamp in an answer must match one of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore, type NewVideo } from '../../src-main/services/store/project-store';
import { ScoreStore, type SegmentScore } from '../../src-main/services/scoring/score-store';
import { AnnotationStore } from '../../src-main/services/annotations/annotation-store';
import { scoreFromLogits } from '../../src-main/services/levels/level-score';
import {
  AnalystEngine,
  CANNOT_ANSWER,
  analystAnswer,
  classify,
} from '../../src-main/services/assistant/analyst';
import { isNonAnswer } from '../../src-shared/contract-assistant';
import { loadVideoFacts } from '../../src-main/services/assistant/facts';
import type { Attachment } from '../../src-main/services/engines/engine';
import { MEASURE_THRESHOLDS } from '../../src-main/services/scoring/abnormal';

let dir: string;
let store: ProjectStore;
let longId: number;
let shortId: number;
let unscoredId: number;

const video = (name: string, durationSec: number): NewVideo => ({
  absPath: path.join(dir, name),
  status: 'ok',
  error: null,
  durationSec,
  width: 640,
  height: 360,
  fps: 25,
  codec: 'h264',
  bitrateKbps: 800,
  sizeBytes: 1,
  partialHash: null,
  probeJson: null,
});

/** Deterministic, irregular values so a made-up number is unlikely to match by chance. */
function segmentsFor(n: number, seed: number, segSec: number, duration: number): SegmentScore[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, idx) => {
    const ls = scoreFromLogits([
      rnd() * 4 - 2,
      rnd() * 4 - 1,
      rnd() * 3,
      rnd() * 2 - (idx > n / 2 ? 2 : 0),
      rnd() * 2 - 1,
    ]);
    return {
      idx,
      startSec: idx * segSec,
      endSec: Math.min(duration, (idx + 1) * segSec),
      score: ls.score,
      probs: ls.probs,
      features: {
        quality: ls.score,
        brisque: 20 + rnd() * 50,
        blur: 0.2 + rnd() * 0.5,
        noise: rnd() * 3,
        flicker: rnd() * 0.04,
        freeze: idx === 3 ? 0.6 + rnd() * 0.3 : 0,
        motion: rnd() * 10,
        luma: 90 + rnd() * 40,
        contrast: 30 + rnd() * 20,
      },
    };
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-analyst-'));
  store = ProjectStore.create(path.join(dir, 'p'));
  [longId, shortId, unscoredId] = store.insertVideos([
    video('long.mp4', 130.4),
    video('short.mp4', 11.52),
    video('none.mp4', 9),
  ]) as [number, number, number];
  const scores = new ScoreStore(store.connection);
  const run = scores.createRun({
    kind: 'pack',
    packId: 'builtin-nr',
    packVersion: '1.0.0',
    provider: 'cpu',
    providerNote: null,
    settings: {},
    jobId: null,
  });
  for (const [id, dur, seed] of [
    [longId, 130.4, 7],
    [shortId, 11.52, 99],
  ] as const) {
    const segs = segmentsFor(Math.ceil(dur / 2), seed, 2, dur);
    scores.insertSegments(run.id, id, segs);
    const mean = segs.reduce((a, s) => a + s.score, 0) / segs.length;
    const probs = scoreFromLogits([0.3, 1.2, 0.7, -0.4, -1.1]).probs;
    scores.writeVideoResult(
      {
        runId: run.id,
        videoId: id,
        score: mean,
        level: 'fair',
        probs,
        features: { brisque: 41.37, blur: 0.4412 },
      },
      [
        { kind: 'freeze', startSec: 6.04, endSec: 7.48 },
        { kind: 'quality_drop', startSec: 88, endSec: 94, data: { median: 0.61 } },
      ],
    );
  }
  const ann = new AnnotationStore(store);
  ann.put({ videoId: longId, kind: 'mos', rating: 4 }, 'alice');
  ann.put(
    {
      videoId: longId,
      kind: 'span',
      startSec: 12.5,
      endSec: 15.25,
      tag: 'blur',
      text: 'soft focus',
    },
    'bob',
  );
});
afterAll(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every number stored for a video, read from the tables directly. */
function storedNumbers(videoId: number) {
  const db = store.connection;
  const scores: number[] = [];
  const probs: number[] = [];
  const measures: number[] = [];
  const times: number[] = [];
  const ints: number[] = [];
  const addJson = (json: string | null, into: number[]) => {
    for (const v of Object.values(JSON.parse(json ?? '{}') as Record<string, unknown>))
      if (typeof v === 'number') into.push(v);
  };
  for (const r of db
    .prepare('SELECT score, probs_json, features_json FROM video_scores WHERE video_id = ?')
    .all(videoId) as { score: number; probs_json: string; features_json: string }[]) {
    scores.push(r.score);
    addJson(r.probs_json, probs);
    addJson(r.features_json, measures);
  }
  for (const r of db
    .prepare(
      'SELECT start_sec, end_sec, score, probs_json, features_json FROM segment_scores WHERE video_id = ?',
    )
    .all(videoId) as {
    start_sec: number;
    end_sec: number;
    score: number;
    probs_json: string;
    features_json: string;
  }[]) {
    scores.push(r.score);
    times.push(r.start_sec, r.end_sec);
    addJson(r.probs_json, probs);
    addJson(r.features_json, measures);
  }
  for (const r of db
    .prepare('SELECT start_sec, end_sec FROM events WHERE video_id = ?')
    .all(videoId) as { start_sec: number; end_sec: number }[])
    times.push(r.start_sec, r.end_sec);
  for (const r of db
    .prepare(
      'SELECT rating, start_sec, end_sec FROM annotations WHERE video_id = ? AND deleted_at IS NULL',
    )
    .all(videoId) as {
    rating: number | null;
    start_sec: number | null;
    end_sec: number | null;
  }[]) {
    if (r.rating != null) ints.push(r.rating);
    if (r.start_sec != null) times.push(r.start_sec, r.end_sec!);
  }
  const d = db.prepare('SELECT duration_sec FROM videos WHERE id = ?').get(videoId) as {
    duration_sec: number | null;
  };
  if (d.duration_sec != null) times.push(d.duration_sec);
  // the documented thresholds the analyst compares measurements with are grounded numbers too
  const thresholds = MEASURE_THRESHOLDS.map((t) => t.above);
  return { scores, probs, measures: [...measures, ...scores, ...thresholds], times, ints };
}

const TIME_RE = /\b(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d)?)\b/g;
const NUM_RE = /-?\d+(?:\.\d+)?%?/g;

/** The numbers of `text` that match nothing stored for the video (empty = grounded). */
function ungrounded(videoId: number, text: string): string[] {
  const s = storedNumbers(videoId);
  const bad: string[] = [];
  const rest = text.replace(TIME_RE, (m, h: string | undefined, mm: string, ss: string) => {
    const sec = (h ? Number(h) * 3600 : 0) + Number(mm) * 60 + Number(ss);
    if (!s.times.some((t) => Math.abs(t - sec) <= 0.051)) bad.push(m);
    return ' ';
  });
  for (const m of rest.match(NUM_RE) ?? []) {
    if (m.endsWith('%')) {
      const p = Number(m.slice(0, -1));
      if (!s.probs.some((x) => Math.round(x * 100) === p)) bad.push(m);
      continue;
    }
    const v = Number(m);
    const decimals = m.split('.')[1]?.length ?? 0;
    const okScore = s.scores.some(
      (x) => Math.abs(x * 100 - v) <= 0.5 * 10 ** -Math.max(1, decimals) + 1e-9,
    );
    const okMeasure = s.measures.some(
      (x) =>
        x !== 0 &&
        Math.abs(x - v) <= Math.abs(x) * 0.006 + 0.5 * 10 ** -decimals * (decimals ? 1 : 0),
    );
    const okInt = Number.isInteger(v) && s.ints.includes(v);
    if (!okScore && !okMeasure && !okInt) bad.push(m);
  }
  return bad;
}

const QUESTIONS = [
  'Why is the quality poor?',
  'How good is this video overall?',
  'When does it freeze?',
  'Are there any stalls?',
  'Which distortions are there and where?',
  'Where is it blurry?',
  'Compare the first and last minute',
  'Compare the beginning with the end',
  'Summarize the quality',
  'What is the score?',
  'Is there a quality drop?',
];

const ATTACHMENTS: (Attachment | null)[] = [
  null,
  { kind: 'time', sec: 13 },
  { kind: 'segment', idx: 4, startSec: 8, endSec: 10 },
  { kind: 'span', startSec: 60, endSec: 90 },
];

describe('grounding check', () => {
  it('catches a made-up number and an invented time', () => {
    expect(ungrounded(longId, 'The score is 12.3 at 0:17.')).toEqual(
      expect.arrayContaining(['0:17']),
    );
    expect(ungrounded(longId, 'The score is 12.3.')).toEqual(['12.3']);
    expect(ungrounded(longId, 'Probability 101%')).toEqual(['101%']);
  });
});

describe('built-in analyst', () => {
  it('states only numbers and times the store holds, for every question and attachment', () => {
    for (const id of [longId, shortId, unscoredId]) {
      const facts = loadVideoFacts(store, id)!;
      for (const q of QUESTIONS) {
        for (const a of ATTACHMENTS) {
          const text = analystAnswer(facts, q, a);
          expect(text.length, `${q}`).toBeGreaterThan(20);
          expect(
            ungrounded(id, text),
            `video ${id}, "${q}", ${JSON.stringify(a)}:\n${text}`,
          ).toEqual([]);
        }
      }
    }
  });

  it('answers overall quality with the stored score, level and probabilities', () => {
    const f = loadVideoFacts(store, longId)!;
    const text = analystAnswer(f, 'Why is the quality poor?');
    expect(text).toContain(`quality score is ${(f.score! * 100).toFixed(1)} (${f.level})`);
    expect(text).toMatch(/Level probabilities: good \d+%/);
    // the score (a weighted mean) is in the fair band while good is the most likely level: said why
    expect(text).toMatch(
      /It is the probability-weighted mean over the five levels, so it can sit in another band than the single most likely level, good \(\d+%\)\./,
    );
    expect(analystAnswer({ ...f, level: 'good' }, 'Why is the quality poor?')).not.toContain(
      'probability-weighted mean',
    );
    expect(text).toMatch(/weakest part is \d+:\d{2}–\d+:\d{2}/);
    expect(text).toContain('alice 4');
  });

  it('says when events happen, with timestamps', () => {
    const text = analystAnswer(loadVideoFacts(store, longId)!, 'When does it freeze?');
    expect(text).toContain('frozen picture from 0:06 to 0:07.5');
    expect(text).not.toContain('quality drop');
    expect(analystAnswer(loadVideoFacts(store, longId)!, 'Any stalls?')).toMatch(
      /No stall \(rebuffering\) event is stored/,
    );
  });

  it('names distortions and where they are strongest, including annotator spans', () => {
    const text = analystAnswer(
      loadVideoFacts(store, longId)!,
      'Which distortions are there and where?',
    );
    expect(text).toMatch(
      /- Blur: beyond its threshold 0\.45 \(lost fine detail \(blur\)\), strongest at \d+:\d{2}–\d+:\d{2} \(0\.\d+\)/,
    );
    expect(text).toMatch(/- Repeated frames: beyond its threshold 0\.05 .*strongest at 0:06–0:08/);
    expect(text).toContain('blur at 0:12.5–0:15.3 ("soft focus") (bob)');
  });

  it('compares the first and last minute of a long video, and halves of a short one', () => {
    const long = analystAnswer(loadVideoFacts(store, longId)!, 'Compare the first and last minute');
    expect(long).toMatch(/^First part \(0:00–1:00\): mostly \w+/m);
    expect(long).toMatch(/^Last part \(1:10–2:10\.4\)/m);
    expect(long).toMatch(/On average the (first|last) part is (slightly )?better|about the same/);
    const short = analystAnswer(
      loadVideoFacts(store, shortId)!,
      'Compare the first and last minute',
    );
    expect(short).toMatch(/only 0:11\.5 long, so I compare its first half with its second half/);
  });

  it('describes an attached time or span', () => {
    const f = loadVideoFacts(store, longId)!;
    expect(analystAnswer(f, 'How does it look here?', { kind: 'time', sec: 13 })).toMatch(
      /^At the playhead \(0:12–0:14\)/,
    );
    expect(
      analystAnswer(f, 'How is the quality?', { kind: 'span', startSec: 60, endSec: 90 }),
    ).toMatch(/^The attached span \(1:00–1:30\)/);
  });

  it('says plainly when it cannot answer, and when there is nothing scored', () => {
    expect(analystAnswer(loadVideoFacts(store, longId)!, 'What colour is the car?')).toBe(
      CANNOT_ANSWER,
    );
    expect(classify('what is the weather')).toBe('unknown');
    expect(analystAnswer(loadVideoFacts(store, unscoredId)!, 'How good is it?')).toMatch(
      /has not been scored yet/,
    );
    // both are non-answers the UI does not offer to save as pairs; a real answer is not
    expect(isNonAnswer(CANNOT_ANSWER)).toBe(true);
    expect(isNonAnswer(analystAnswer(loadVideoFacts(store, unscoredId)!, 'How good is it?'))).toBe(
      true,
    );
    expect(isNonAnswer(analystAnswer(loadVideoFacts(store, longId)!, 'How good is it?'))).toBe(
      false,
    );
    // an empty reply (a model that ends at once) is no answer either
    expect(isNonAnswer('')).toBe(true);
    expect(isNonAnswer(' \n')).toBe(true);
  });

  it('streams its answer in chunks that add up to the text', async () => {
    const chunks: string[] = [];
    const r = await new AnalystEngine(store).ask({
      videoId: longId,
      question: 'Which distortions are there?',
      onChunk: (c) => chunks.push(c),
    });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toBe(r.text);
    expect(r.engine).toBe('analyst');
  });
});
