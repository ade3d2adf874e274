// Pair templates: the five shipped kinds with their default text, the user's edits stored in the
// project (pair_templates), and the placeholder rules a template text must keep.
import type { TemplateBody, TemplateKind, TemplateRow } from '../../../src-shared/contract-pairs';
import { templatePlaceholders } from '../../../src-shared/contract-pairs';
import type { ProjectStore } from '../store/project-store';
import { PairError } from './pair-store';

interface TemplateDef {
  id: string;
  kind: TemplateKind;
  name: string;
  body: TemplateBody;
  /** Placeholders each text may use; `required` ones must appear. */
  question: { allowed: string[]; required: string[] };
  answer: { allowed: string[]; required: string[] };
}

/** VQA²'s UGC scorer question (docs/formats.md §1), after the two-placeholder preamble. */
export const RATING_QUESTION = 'How would you rate the quality of this video?';

export const BUILTIN_TEMPLATES: readonly TemplateDef[] = [
  {
    id: 'rating',
    kind: 'rating',
    name: 'Quality rating (seed scorer prompt)',
    body: { question: RATING_QUESTION, answer: 'The quality of the video is {level}.' },
    question: { allowed: [], required: [] },
    answer: { allowed: ['level'], required: ['level'] },
  },
  {
    id: 'distortion',
    kind: 'distortion',
    name: 'Distortion description (tagged spans)',
    body: {
      question: 'Describe the distortions in this video and when they occur.',
      answer: 'The video shows {spans}.',
      perSpan: false,
    },
    question: { allowed: [], required: [] },
    answer: { allowed: ['spans'], required: ['spans'] },
  },
  {
    id: 'temporal',
    kind: 'temporal',
    name: 'Temporal localisation (spans and events)',
    body: { question: 'When does the video {tag_verb}?', answer: 'It happens {ranges}.' },
    question: { allowed: ['tag', 'tag_verb'], required: [] },
    answer: { allowed: ['ranges', 'tag'], required: ['ranges'] },
  },
  {
    id: 'qbench',
    kind: 'qbench',
    name: 'Q-Bench-Video questions (yes/no, multiple choice)',
    body: { question: 'Is there {tag} in this video?', answer: '{letter}.' },
    question: { allowed: ['tag'], required: ['tag'] },
    answer: { allowed: ['letter'], required: ['letter'] },
  },
  {
    id: 'comparison',
    kind: 'comparison',
    name: 'Two-video comparison',
    body: {
      question: 'Which of the two videos has better quality, the first or the second?',
      answer:
        'The {better} video has better quality: the quality of the first video is {level1}, and the quality of the second video is {level2}.',
    },
    question: { allowed: [], required: [] },
    answer: { allowed: ['better', 'level1', 'level2'], required: ['better'] },
  },
];

export function templateDef(id: string): TemplateDef {
  const d = BUILTIN_TEMPLATES.find((t) => t.id === id);
  if (!d) throw new PairError('NOT_FOUND', `no template "${id}"`);
  return d;
}

/** Problems of a template body: unknown or missing placeholders, per text. */
export function templateBodyProblems(id: string, body: TemplateBody): string[] {
  const def = templateDef(id);
  const out: string[] = [];
  for (const field of ['question', 'answer'] as const) {
    const used = templatePlaceholders(body[field]);
    const rule = def[field];
    for (const u of used)
      if (!rule.allowed.includes(u))
        out.push(
          `${field}: unknown placeholder {${u}}${rule.allowed.length ? ` (allowed: ${rule.allowed.map((a) => `{${a}}`).join(', ')})` : ' (none allowed)'}`,
        );
    for (const r of rule.required)
      if (!used.includes(r)) out.push(`${field}: needs the placeholder {${r}}`);
    if (/[<](image|video)[>]/.test(body[field]))
      out.push(
        `${field}: visual placeholders are added by the export format; remove <image>/<video>`,
      );
  }
  return out;
}

function rowOf(def: TemplateDef, stored: TemplateBody | undefined): TemplateRow {
  const body = stored ?? def.body;
  return {
    id: def.id,
    kind: def.kind,
    name: def.name,
    body,
    builtin: true,
    edited: stored !== undefined && JSON.stringify(stored) !== JSON.stringify(def.body),
    placeholders: { question: def.question.allowed, answer: def.answer.allowed },
  };
}

function storedBodies(store: ProjectStore): Map<string, TemplateBody> {
  const rows = store.connection.prepare('SELECT id, body_json FROM pair_templates').all() as {
    id: string;
    body_json: string;
  }[];
  return new Map(rows.map((r) => [r.id, JSON.parse(r.body_json) as TemplateBody]));
}

export function listTemplates(store: ProjectStore): TemplateRow[] {
  const stored = storedBodies(store);
  return BUILTIN_TEMPLATES.map((d) => rowOf(d, stored.get(d.id)));
}

export function getTemplate(store: ProjectStore, id: string): TemplateRow {
  const def = templateDef(id);
  return rowOf(def, storedBodies(store).get(id));
}

export function putTemplate(store: ProjectStore, id: string, body: TemplateBody): TemplateRow {
  const def = templateDef(id);
  const problems = templateBodyProblems(id, body);
  if (problems.length) throw new PairError('BAD_INPUT', `template "${id}": ${problems.join('; ')}`);
  store.connection
    .prepare(
      `INSERT INTO pair_templates (id, kind, name, body_json, builtin, updated_at) VALUES (?, ?, ?, ?, 1, ?)
       ON CONFLICT(id) DO UPDATE SET body_json = excluded.body_json, updated_at = excluded.updated_at`,
    )
    .run(id, def.kind, def.name, JSON.stringify(body), new Date().toISOString());
  return getTemplate(store, id);
}

export function resetTemplate(store: ProjectStore, id: string): TemplateRow {
  templateDef(id);
  store.connection.prepare('DELETE FROM pair_templates WHERE id = ?').run(id);
  return getTemplate(store, id);
}

/** Fill `{name}` placeholders; every name must have a value (checked by templateBodyProblems). */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-zA-Z0-9_]*)\}/g, (m, name: string) => values[name] ?? m);
}
