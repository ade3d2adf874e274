// Turns stored facts into draft pairs with templates. Nothing is invented: every value written into
// a question or answer comes from a fact (facts.ts), whose provenance ref the pair records.
import type { DistortionTag } from '../../../src-shared/contract';
import type {
  GeneratedPairPreview,
  PairTurn,
  TemplateBody,
} from '../../../src-shared/contract-pairs';
import { LLAVA_PREAMBLE } from '../../../src-shared/contract-pairs';
import type { ProjectStore } from '../store/project-store';
import { FactReader, fmtSec, type LevelFact, type RangeFact, type VideoFacts } from './facts';
import { insertPairs, PairError, type PairInput, type ProvenanceRef } from './pair-store';
import { fill, getTemplate, templateBodyProblems } from './templates';
import { LEVELS } from '../levels/level-score';
import type { CalibratedPredictor } from '../levels/predictor';

export const TAG_VERBS: Record<DistortionTag, string> = {
  blur: 'look blurry',
  noise: 'look noisy',
  blocking: 'show blocking artefacts',
  banding: 'show colour banding',
  freeze: 'freeze',
  flicker: 'flicker',
  exposure: 'look badly exposed',
  colour: 'show colour distortion',
  shake: 'shake',
  other: 'show other distortions',
};

/** Q-Bench-Video choice-question suffix (docs/formats.md §5). */
export const QBENCH_SUFFIX =
  "Please answer the question in the following format: the uppercase letter of the correct answer option itself +'.'. Please do not add any other answers beyond this.";
export const QBENCH_LEVEL_QUESTION = 'How would you rate the overall quality of this video?';
const LETTERS = 'ABCDEFGH';

export interface GeneratedPair extends GeneratedPairPreview {
  provenance: ProvenanceRef[];
  taskMark: string;
  gtScore: number | null;
  extra: Record<string, unknown>;
}

function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const rangeText = (r: { startSec: number; endSec: number }) =>
  `from ${fmtSec(r.startSec)} s to ${fmtSec(r.endSec)} s`;

/**
 * Ranges of one tag merged where they are equal, overlap or touch, so that a detected event and a
 * person's span over the same time are worded once. Each merged range keeps every source range,
 * so the pair still cites all the facts behind it.
 */
export function mergeRanges(
  ranges: readonly RangeFact[],
): { startSec: number; endSec: number; sources: RangeFact[] }[] {
  const sorted = [...ranges].sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
  const out: { startSec: number; endSec: number; sources: RangeFact[] }[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.startSec <= last.endSec) {
      last.endSec = Math.max(last.endSec, r.endSec);
      last.sources.push(r);
    } else out.push({ startSec: r.startSec, endSec: r.endSec, sources: [r] });
  }
  return out;
}

function conv(question: string, answer: string): PairTurn[] {
  return [
    { from: 'human', value: LLAVA_PREAMBLE + question },
    { from: 'gpt', value: answer },
  ];
}

function choicePrompt(question: string, options: string[]): string {
  return `${question}\n${options.map((o, i) => `${LETTERS[i]}. ${o}\n`).join('')}${QBENCH_SUFFIX}`;
}

function pair(
  f: VideoFacts,
  taskMark: string,
  conversations: PairTurn[],
  provenance: ProvenanceRef[],
  opts: {
    level?: LevelFact | null;
    range?: RangeFact;
    video2Id?: number;
    extra?: Record<string, unknown>;
  } = {},
): GeneratedPair {
  return {
    videoId: f.videoId,
    video2Id: opts.video2Id ?? null,
    startSec: opts.range?.startSec ?? null,
    endSec: opts.range?.endSec ?? null,
    conversations,
    levelFrom: opts.level?.from ?? null,
    provenance,
    taskMark,
    gtScore: opts.level?.value ?? null,
    extra: { style: 'llava', ...(opts.level ? { levelFrom: opts.level.from } : {}), ...opts.extra },
  };
}

/** Pairs of one template kind for one video (comparison needs `partner`, the other video's facts). */
export function renderTemplate(
  id: string,
  body: TemplateBody,
  f: VideoFacts,
  partner?: VideoFacts,
): GeneratedPair[] {
  switch (id) {
    case 'rating':
      return f.level
        ? [
            pair(
              f,
              'rating',
              conv(body.question, fill(body.answer, { level: f.level.level })),
              f.level.refs,
              { level: f.level },
            ),
          ]
        : [];
    case 'distortion': {
      if (!f.spans.length) return [];
      const whole = pair(
        f,
        'description',
        conv(
          body.question,
          fill(body.answer, { spans: joinAnd(f.spans.map((s) => `${s.tag} ${rangeText(s)}`)) }),
        ),
        f.spans.map((s) => s.ref),
      );
      // a span's own pair states only its tag: the time range is the pair's (a clip, or said in the prompt)
      const per = body.perSpan
        ? f.spans.map((s) =>
            pair(
              f,
              'description',
              conv(body.question, fill(body.answer, { spans: s.tag })),
              [s.ref],
              { range: s },
            ),
          )
        : [];
      return [whole, ...per];
    }
    case 'temporal': {
      const byTag = new Map<DistortionTag, RangeFact[]>();
      for (const r of f.ranges) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);
      return [...byTag].map(([tag, rs]) =>
        pair(
          f,
          'temporal',
          conv(
            fill(body.question, { tag, tag_verb: TAG_VERBS[tag] }),
            fill(body.answer, { tag, ranges: joinAnd(mergeRanges(rs).map(rangeText)) }),
          ),
          rs.map((r) => r.ref),
        ),
      );
    }
    case 'qbench': {
      const out: GeneratedPair[] = [];
      for (const tag of [...new Set(f.spans.map((s) => s.tag))]) {
        const answers = ['Yes', 'No'];
        out.push(
          pair(
            f,
            'qbench',
            conv(
              choicePrompt(fill(body.question, { tag }), answers),
              fill(body.answer, { letter: 'A' }),
            ),
            f.spans.filter((s) => s.tag === tag).map((s) => s.ref),
            {
              extra: {
                qbench: {
                  question_type: 'yes-or-no',
                  question: fill(body.question, { tag }),
                  answers,
                  correct_choice: 'A',
                },
              },
            },
          ),
        );
      }
      if (f.level) {
        const answers = LEVELS.map((l) => l[0]!.toUpperCase() + l.slice(1));
        const letter = LETTERS[LEVELS.indexOf(f.level.level)]!;
        out.push(
          pair(
            f,
            'qbench',
            conv(choicePrompt(QBENCH_LEVEL_QUESTION, answers), fill(body.answer, { letter })),
            f.level.refs,
            {
              level: f.level,
              extra: {
                qbench: {
                  question_type: 'what/how',
                  question: QBENCH_LEVEL_QUESTION,
                  answers,
                  correct_choice: letter,
                },
              },
            },
          ),
        );
      }
      return out;
    }
    case 'comparison': {
      if (!f.level || !partner?.level || f.level.level === partner.level.level) return [];
      const better =
        LEVELS.indexOf(f.level.level) < LEVELS.indexOf(partner.level.level) ? 'first' : 'second';
      const answer = fill(body.answer, {
        better,
        level1: f.level.level,
        level2: partner.level.level,
      });
      return [
        {
          ...pair(
            f,
            'comparison',
            [
              { from: 'human', value: `<video>\n<video>\n${body.question}` },
              { from: 'gpt', value: answer },
            ],
            [...f.level.refs, ...partner.level.refs],
            {
              video2Id: partner.videoId,
            },
          ),
          extra: { style: 'qwen' },
          gtScore: null,
        },
      ];
    }
    default:
      throw new PairError('NOT_FOUND', `no template "${id}"`);
  }
}

/** The comparison partner of each video: the next video (by id, wrapping) whose level differs. */
function partners(ids: number[], facts: Map<number, VideoFacts>): Map<number, VideoFacts> {
  const out = new Map<number, VideoFacts>();
  ids.forEach((id, i) => {
    const own = facts.get(id)?.level?.level;
    if (!own) return;
    for (let k = 1; k < ids.length; k++) {
      const other = facts.get(ids[(i + k) % ids.length]!);
      if (other?.level && other.level.level !== own) {
        out.set(id, other);
        return;
      }
    }
  });
  return out;
}

export function previewTemplate(
  store: ProjectStore,
  templateId: string,
  videoId: number,
  body?: TemplateBody,
): { pairs: GeneratedPair[]; problems: string[] } {
  const b = body ?? getTemplate(store, templateId).body;
  const problems = templateBodyProblems(templateId, b);
  if (problems.length) return { pairs: [], problems };
  if (!store.getVideo(videoId))
    throw new PairError('NOT_FOUND', `video ${videoId} is not in the project`);
  const reader = new FactReader(store);
  const ids = templateId === 'comparison' ? store.videoIds() : [videoId];
  const facts = new Map(ids.map((id) => [id, reader.facts(id)]));
  if (!facts.has(videoId)) facts.set(videoId, reader.facts(videoId));
  const partner = templateId === 'comparison' ? partners(ids, facts).get(videoId) : undefined;
  return { pairs: renderTemplate(templateId, b, facts.get(videoId)!, partner), problems: [] };
}

/** Generate and store draft pairs; the same template's earlier drafts of those videos are replaced (one transaction). */
export function generatePairs(
  store: ProjectStore,
  templateIds: string[],
  videoIds?: number[],
  opts: { calibrated?: CalibratedPredictor } = {},
): { created: number; replaced: number; videos: number } {
  const ids = videoIds?.length ? videoIds : store.videoIds({ status: 'ok' });
  const reader = new FactReader(store, opts.calibrated);
  const facts = new Map(ids.map((id) => [id, reader.facts(id)]));
  const bodies = new Map(templateIds.map((t) => [t, getTemplate(store, t).body]));
  const comparisonPartners = templateIds.includes('comparison')
    ? partners(ids, facts)
    : new Map<number, VideoFacts>();
  const inputs: PairInput[] = [];
  const seenComparisons = new Set<string>();
  for (const id of ids) {
    for (const t of templateIds) {
      for (const g of renderTemplate(
        t,
        bodies.get(t)!,
        facts.get(id)!,
        comparisonPartners.get(id),
      )) {
        if (g.video2Id) {
          const key = [g.videoId, g.video2Id].sort((a, b) => a - b).join('-');
          if (seenComparisons.has(key)) continue;
          seenComparisons.add(key);
        }
        inputs.push({ ...g, source: 'template', status: 'draft', templateId: t });
      }
    }
  }
  const db = store.connection;
  const del = db.prepare(
    `DELETE FROM pairs WHERE template_id = ? AND video_id = ? AND status = 'draft' AND source = 'template'`,
  );
  return db.transaction(() => {
    let replaced = 0;
    for (const id of ids) for (const t of templateIds) replaced += del.run(t, id).changes;
    insertPairs(store, inputs);
    return { created: inputs.length, replaced, videos: ids.length };
  })();
}
