import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generatePairs,
  mergeRanges,
  previewTemplate,
} from '../../src-main/services/pairs/generate';
import { StudyStore } from '../../src-main/services/evaluation/study-store';
import { listPairs, updatePair } from '../../src-main/services/pairs/pair-queries';
import { putTemplate, resetTemplate, listTemplates } from '../../src-main/services/pairs/templates';
import { getPair, type PairRecord } from '../../src-main/services/pairs/pair-store';
import { AnnotationStore } from '../../src-main/services/annotations/annotation-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { levelOfScore } from '../../src-main/services/levels/level-score';
import { LLAVA_PREAMBLE, turnProblems } from '../../src-shared/contract-pairs';
import { makePairsProject, type PairsProject } from './pairs-fixture';

let dir: string;
let p: PairsProject;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-pairs-tpl-'));
  p = makePairsProject(dir);
});
afterEach(() => {
  p.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ALL = ['rating', 'distortion', 'temporal', 'qbench', 'comparison'];
const ACR = ['', 'low', 'poor', 'fair', 'good', 'high'];
const tenth = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/** Every statement a provenance ref supports: times, tags and level words, read back from the store. */
function supported(pair: PairRecord): { numbers: Set<string>; words: Set<string> } {
  const ann = new AnnotationStore(p.store);
  const scores = new ScoreStore(p.store.connection);
  const numbers = new Set<string>();
  const words = new Set<string>();
  const mosVotes: number[] = [];
  for (const ref of pair.provenance) {
    if (ref.kind === 'annotation') {
      const a = ann.get(Number(ref.id));
      expect(a, `annotation ${ref.id} exists`).toBeDefined();
      if (a!.kind === 'span') {
        numbers.add(tenth(a!.startSec!));
        numbers.add(tenth(a!.endSec!));
        words.add(a!.tag!);
      }
      if (a!.kind === 'mos') mosVotes.push(a!.rating!);
    } else if (ref.kind === 'video_score') {
      const vid = pair.provenance.length > 1 && pair.video2Id ? null : pair.videoId;
      for (const v of vid ? [vid] : [pair.videoId, pair.video2Id!]) {
        const s = scores.videoScore(Number(ref.id), v);
        if (s) words.add(levelOfScore(s.score));
      }
    } else if (ref.kind === 'event') {
      const [runId] = String(ref.id).split(':');
      for (const v of [pair.videoId, pair.video2Id].filter((x): x is number => x != null)) {
        for (const e of scores.events(Number(runId), v)) {
          if (String(ref.id) === `${runId}:${e.kind}@${e.startSec}`) {
            numbers.add(tenth(e.startSec));
            numbers.add(tenth(e.endSec));
            words.add(e.kind === 'stall' ? 'freeze' : e.kind);
          }
        }
      }
    } else throw new Error(`unexpected provenance ${ref.kind}`);
  }
  if (mosVotes.length)
    words.add(ACR[Math.round(mosVotes.reduce((s, r) => s + r, 0) / mosVotes.length)]!);
  return { numbers, words };
}

describe('pair templates', () => {
  it('never invent facts: every number, tag and level in a generated answer is in a stored record the pair cites', () => {
    const r = generatePairs(p.store, ALL);
    expect(r.created).toBeGreaterThan(5);
    const pairs = listPairs(p.store, undefined, 0, 1000).rows.map((row) =>
      getPair(p.store, row.id)!,
    );
    const levelWords = ['high', 'good', 'fair', 'poor', 'low'];
    const tagWords = [
      'blur',
      'noise',
      'blocking',
      'banding',
      'freeze',
      'flicker',
      'exposure',
      'colour',
      'shake',
    ];
    for (const pair of pairs) {
      expect(pair.provenance.length, pair.uid).toBeGreaterThan(0);
      const { numbers, words } = supported(pair);
      const text = [
        ...pair.conversations.filter((t) => t.from === 'gpt').map((t) => t.value),
        pair.conversations[0]!.value.replace(LLAVA_PREAMBLE, ''),
      ].join(' ');
      for (const n of text.match(/\d+(\.\d+)?/g) ?? [])
        expect(numbers, `${pair.uid}: "${n}" in "${text}"`).toContain(n);
      const said = text.toLowerCase().match(/[a-z]+/g) ?? [];
      // gpt answers state levels and tags only from cited records (question text names the asked tag too)
      const answer = pair.conversations
        .filter((t) => t.from === 'gpt')
        .map((t) => t.value.toLowerCase())
        .join(' ');
      for (const w of said.filter((x) => tagWords.includes(x) && answer.includes(x)))
        expect(words, `${pair.uid}: tag ${w}`).toContain(w);
      for (const w of (answer.match(/[a-z]+/g) ?? []).filter((x) => levelWords.includes(x)))
        expect(words, `${pair.uid}: level ${w}`).toContain(w);
      expect(
        turnProblems(pair.conversations, pair.video2Id ? 'qwen' : 'llava', pair.video2Id ? 2 : 1),
      ).toEqual([]);
    }
  });

  it('rates with the VQA² prompt, the level from MOS when present else the model score, and marks which', () => {
    generatePairs(p.store, ['rating']);
    const rows = listPairs(p.store, { templateId: 'rating' }, 0, 10).rows;
    const a = rows.find((r) => r.videoId === p.ids.a)!;
    const b = rows.find((r) => r.videoId === p.ids.b)!;
    expect(a.conversations[0]!.value).toBe(
      'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. How would you rate the quality of this video?',
    );
    // a: votes 4 and 5 (MOS 4.5 → 5 → high) win over its model score 0.31 (poor)
    expect(a.conversations[1]!.value).toBe('The quality of the video is high.');
    expect(a).toMatchObject({
      levelFrom: 'mos',
      gtScore: 4.5,
      status: 'draft',
      source: 'template',
    });
    expect(b.conversations[1]!.value).toBe('The quality of the video is fair.');
    expect(b).toMatchObject({ levelFrom: 'model', gtScore: 0.55 });
    // c has neither: no pair rather than a guess
    expect(rows.some((r) => r.videoId === p.ids.c)).toBe(false);
  });

  it('describes spans, localises freezes from spans and events, and builds Q-Bench questions with correct_choice', () => {
    generatePairs(p.store, ['distortion', 'temporal', 'qbench']);
    const rows = listPairs(p.store, undefined, 0, 100).rows;
    const desc = rows.find((r) => r.templateId === 'distortion' && r.videoId === p.ids.a)!;
    expect(desc.conversations[1]!.value).toBe(
      'The video shows blur from 1.3 s to 2.5 s and freeze from 6.0 s to 7.5 s.',
    );
    const freezeA = rows.find(
      (r) =>
        r.templateId === 'temporal' &&
        r.videoId === p.ids.a &&
        r.conversations[0]!.value.endsWith('When does the video freeze?'),
    )!;
    expect(freezeA.conversations[1]!.value).toBe('It happens from 6.0 s to 7.5 s.');
    const freezeB = rows.find((r) => r.templateId === 'temporal' && r.videoId === p.ids.b)!;
    expect(freezeB.conversations[1]!.value).toBe('It happens from 3.0 s to 4.0 s.');
    expect(freezeB.provenance[0]).toMatchObject({ kind: 'event', detail: 'freeze' });
    const mc = rows.find((r) => r.templateId === 'qbench' && r.videoId === p.ids.b)!;
    expect(mc.conversations[0]!.value).toContain(
      'How would you rate the overall quality of this video?\nA. High\nB. Good\nC. Fair\nD. Poor\nE. Low\n',
    );
    expect(mc.conversations[1]!.value).toBe('C.');
    const yes = rows.find(
      (r) =>
        r.templateId === 'qbench' &&
        r.conversations[0]!.value.includes('Is there blur in this video?'),
    )!;
    expect(yes.conversations[1]!.value).toBe('A.');
  });

  it('compares two videos of different levels as a two-video pair', () => {
    generatePairs(p.store, ['comparison']);
    const rows = listPairs(p.store, { templateId: 'comparison' }, 0, 10).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ videoId: p.ids.a, video2Id: p.ids.b, style: 'qwen' });
    expect(rows[0]!.conversations[1]!.value).toBe(
      'The first video has better quality: the quality of the first video is high, and the quality of the second video is fair.',
    );
  });

  it('replaces earlier drafts on regeneration but keeps approved pairs', () => {
    generatePairs(p.store, ['rating']);
    const first = listPairs(p.store, { templateId: 'rating' }, 0, 10).rows;
    updatePair(p.store, first[0]!.id, { status: 'approved' });
    const again = generatePairs(p.store, ['rating']);
    expect(again.replaced).toBe(1);
    const rows = listPairs(p.store, { templateId: 'rating' }, 0, 10).rows;
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.status === 'approved')).toHaveLength(1);
  });

  it('stores edited templates in the project, previews them live, and refuses unknown or missing placeholders', () => {
    expect(() =>
      putTemplate(p.store, 'rating', { question: 'Rate it {video}.', answer: 'It is good.' }),
    ).toThrow(/question: unknown placeholder \{video\}.*answer: needs the placeholder \{level\}/);
    expect(() =>
      putTemplate(p.store, 'rating', { question: '<image> rate', answer: '{level}' }),
    ).toThrow(/visual placeholders/);
    const bad = previewTemplate(p.store, 'temporal', p.ids.a, {
      question: 'When {nope}?',
      answer: 'At {ranges}.',
    });
    expect(bad.problems).toEqual([
      'question: unknown placeholder {nope} (allowed: {tag}, {tag_verb})',
    ]);
    const edited = putTemplate(p.store, 'rating', {
      question: 'How good is this video?',
      answer: 'Its quality is {level}.',
    });
    expect(edited.edited).toBe(true);
    const prev = previewTemplate(p.store, 'rating', p.ids.b);
    expect(prev.pairs[0]!.conversations[1]!.value).toBe('Its quality is fair.');
    expect(listTemplates(p.store).find((t) => t.id === 'rating')!.body.answer).toBe(
      'Its quality is {level}.',
    );
    expect(resetTemplate(p.store, 'rating').edited).toBe(false);
  });

  it('makes per-span time-range pairs that state only the tag', () => {
    putTemplate(p.store, 'distortion', {
      question: 'Describe the distortions in this video and when they occur.',
      answer: 'The video shows {spans}.',
      perSpan: true,
    });
    generatePairs(p.store, ['distortion'], [p.ids.a]);
    const ranged = listPairs(p.store, { templateId: 'distortion' }, 0, 10).rows.filter(
      (r) => r.startSec != null,
    );
    expect(ranged.map((r) => [r.startSec, r.endSec, r.conversations[1]!.value]).sort()).toEqual([
      [1.25, 2.5, 'The video shows blur.'],
      [6, 7.5, 'The video shows freeze.'],
    ]);
  });

  it('edits keep the turn order and the placeholders of the pair format', () => {
    generatePairs(p.store, ['rating'], [p.ids.b]);
    const row = listPairs(p.store, undefined, 0, 1).rows[0]!;
    expect(() =>
      updatePair(p.store, row.id, {
        conversations: [
          { from: 'gpt', value: 'x' },
          { from: 'human', value: 'y' },
        ],
      }),
    ).toThrow(/turn 1: expected "human", found "gpt"/);
    expect(() =>
      updatePair(p.store, row.id, {
        conversations: [
          { from: 'human', value: '<image> only one' },
          { from: 'gpt', value: 'ok' },
        ],
      }),
    ).toThrow(/turn 1: needs 2 <image> placeholders, found 1/);
    const ok = updatePair(p.store, row.id, {
      conversations: [
        row.conversations[0]!,
        { from: 'gpt', value: 'The quality of the video is fair, mostly.' },
      ],
    });
    expect(ok).toMatchObject({ source: 'manual' });
  });

  it("words equal or overlapping ranges of one tag once: a person's span over a detected freeze is not repeated", () => {
    const ann = new AnnotationStore(p.store);
    ann.put({ videoId: p.ids.b, kind: 'span', startSec: 3, endSec: 4, tag: 'freeze' }, 'ann1'); // same as the event
    ann.put({ videoId: p.ids.b, kind: 'span', startSec: 3.5, endSec: 5, tag: 'freeze' }, 'ann2'); // overlaps it
    ann.put({ videoId: p.ids.b, kind: 'span', startSec: 8, endSec: 9, tag: 'freeze' }, 'ann1'); // apart
    generatePairs(p.store, ['temporal'], [p.ids.b]);
    const row = listPairs(p.store, { templateId: 'temporal' }, 0, 10).rows.find(
      (r) => r.videoId === p.ids.b,
    )!;
    expect(row.conversations[1]!.value).toBe(
      'It happens from 3.0 s to 5.0 s and from 8.0 s to 9.0 s.',
    );
    // the pair still cites every fact behind the merged wording
    expect(row.provenance.map((r) => r.kind).sort()).toEqual([
      'annotation',
      'annotation',
      'annotation',
      'event',
    ]);
  });

  it('merges ranges that are equal, nested, overlapping or touching, and keeps apart ones apart', () => {
    const r = (startSec: number, endSec: number) => ({
      tag: 'blur' as const,
      startSec,
      endSec,
      ref: { kind: 'annotation' as const, id: `${startSec}`, detail: 'span' },
    });
    const merged = mergeRanges([r(5, 6), r(0, 2), r(0, 2), r(0.5, 1), r(2, 3), r(6.01, 7)]);
    expect(merged.map((m) => [m.startSec, m.endSec, m.sources.length])).toEqual([
      [0, 3, 4],
      [5, 6, 1],
      [6.01, 7, 1],
    ]);
  });

  it('counts ratings given in a rating study as MOS for the rating template, as Evaluation does', () => {
    const studies = new StudyStore(p.store);
    const study = studies.create({ name: 'panel', videoIds: [p.ids.b, p.ids.a], seed: 7 });
    // b has a model score of 0.55 (fair); two observers rate it 2 (poor) in the study
    for (const who of ['obs1', 'obs2']) {
      let st = studies.session(study.id, who);
      while (st.status !== 'done')
        st = studies.rate(
          study.id,
          who,
          st.position,
          st.items[st.position]!.videoId === p.ids.b ? 2 : 4,
        ).state;
    }
    generatePairs(p.store, ['rating'], [p.ids.b]);
    const b = listPairs(p.store, { templateId: 'rating' }, 0, 10).rows.find(
      (r) => r.videoId === p.ids.b,
    )!;
    expect(b).toMatchObject({ levelFrom: 'mos', gtScore: 2 });
    expect(b.conversations[1]!.value).toBe('The quality of the video is poor.');
    expect(b.provenance.every((r) => r.kind === 'annotation')).toBe(true);
  });
});
