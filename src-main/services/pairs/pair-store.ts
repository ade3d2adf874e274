// Instruction pairs, imported MOS and question sets in the project file (schema v5). This module
// holds the shared core (validation, insert, read) used by pairs, the assistant and evaluation.
import { StudioError } from '../../../src-shared/contract-errors';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ProjectStore } from '../store/project-store';
import type { QbenchQuestion } from '../engines/engine';
import { turnProblems } from '../../../src-shared/contract-pairs';

export const PAIR_SOURCES = ['template', 'assistant', 'manual', 'import'] as const;
export const PAIR_STATUSES = ['draft', 'approved', 'rejected'] as const;
export type PairSource = (typeof PAIR_SOURCES)[number];
export type PairStatus = (typeof PAIR_STATUSES)[number];

export interface Turn {
  from: 'human' | 'gpt';
  value: string;
}

export interface ProvenanceRef {
  kind: 'annotation' | 'segment_score' | 'video_score' | 'event' | 'chat' | 'import' | 'mos';
  id?: number | string;
  /** Free detail, e.g. which field of the record a statement used. */
  detail?: string;
}

export interface PairInput {
  uid?: string;
  videoId: number;
  video2Id?: number | null;
  startSec?: number | null;
  endSec?: number | null;
  conversations: Turn[];
  source: PairSource;
  status?: PairStatus;
  templateId?: string | null;
  taskMark?: string | null;
  gtScore?: number | null;
  provenance?: ProvenanceRef[];
  extra?: Record<string, unknown> | null;
}

export interface PairRecord {
  id: number;
  uid: string;
  videoId: number;
  video2Id: number | null;
  startSec: number | null;
  endSec: number | null;
  conversations: Turn[];
  source: PairSource;
  status: PairStatus;
  templateId: string | null;
  taskMark: string | null;
  gtScore: number | null;
  provenance: ProvenanceRef[];
  extra: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export class PairError extends StudioError<'BAD_INPUT' | 'NOT_FOUND' | 'CONFLICT'> {
  constructor(code: 'BAD_INPUT' | 'NOT_FOUND' | 'CONFLICT', message: string) {
    super(code, message);
    this.name = 'PairError';
  }
}

/**
 * Problems with a conversation's shape, each naming the turn: turns alternate human/gpt, start
 * with human, end with gpt, and no value is empty. Placeholder rules are per format (turnProblems
 * with a style, in the contract, which the editor shares).
 */
export function conversationProblems(turns: readonly Turn[]): string[] {
  return turnProblems(turns);
}

export interface PairDbRow {
  id: number;
  uid: string;
  video_id: number;
  video2_id: number | null;
  start_sec: number | null;
  end_sec: number | null;
  conversations_json: string;
  source: PairSource;
  status: PairStatus;
  template_id: string | null;
  task_mark: string | null;
  gt_score: number | null;
  provenance_json: string;
  extra_json: string | null;
  created_at: string;
  updated_at: string;
}

export const PAIR_COLUMNS = `id, uid, video_id, video2_id, start_sec, end_sec, conversations_json, source,
  status, template_id, task_mark, gt_score, provenance_json, extra_json, created_at, updated_at`;

export function toPairRecord(r: PairDbRow): PairRecord {
  return {
    id: r.id,
    uid: r.uid,
    videoId: r.video_id,
    video2Id: r.video2_id,
    startSec: r.start_sec,
    endSec: r.end_sec,
    conversations: JSON.parse(r.conversations_json) as Turn[],
    source: r.source,
    status: r.status,
    templateId: r.template_id,
    taskMark: r.task_mark,
    gtScore: r.gt_score,
    provenance: JSON.parse(r.provenance_json) as ProvenanceRef[],
    extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function getPair(store: ProjectStore, id: number): PairRecord | null {
  const r = store.connection.prepare(`SELECT ${PAIR_COLUMNS} FROM pairs WHERE id = ?`).get(id) as
    PairDbRow | undefined;
  return r ? toPairRecord(r) : null;
}

function insertStatement(db: Database.Database) {
  return db.prepare(
    `INSERT INTO pairs (uid, video_id, video2_id, start_sec, end_sec, conversations_json, source, status,
       template_id, task_mark, gt_score, provenance_json, extra_json, created_at, updated_at)
     VALUES (@uid, @videoId, @video2Id, @startSec, @endSec, @conv, @source, @status, @templateId,
       @taskMark, @gtScore, @prov, @extra, @now, @now)`,
  );
}

/** Insert pairs in one transaction (all or nothing); returns their ids in input order. */
export function insertPairs(store: ProjectStore, inputs: readonly PairInput[]): number[] {
  const db = store.connection;
  const stmt = insertStatement(db);
  const now = new Date().toISOString();
  return db.transaction(() =>
    inputs.map((p, i) => {
      const problems = conversationProblems(p.conversations);
      if (problems.length) throw new PairError('BAD_INPUT', `pair ${i + 1}: ${problems[0]}`);
      if (
        (p.startSec == null) !== (p.endSec == null) ||
        (p.startSec != null && !(p.endSec! > p.startSec))
      ) {
        throw new PairError('BAD_INPUT', `pair ${i + 1}: a time range needs startSec < endSec`);
      }
      try {
        const r = stmt.run({
          uid: p.uid ?? `pair-${randomUUID().slice(0, 8)}`,
          videoId: p.videoId,
          video2Id: p.video2Id ?? null,
          startSec: p.startSec ?? null,
          endSec: p.endSec ?? null,
          conv: JSON.stringify(p.conversations.map((t) => ({ from: t.from, value: t.value }))),
          source: p.source,
          status: p.status ?? 'draft',
          templateId: p.templateId ?? null,
          taskMark: p.taskMark ?? null,
          gtScore: p.gtScore ?? null,
          prov: JSON.stringify(p.provenance ?? []),
          extra: p.extra ? JSON.stringify(p.extra) : null,
          now,
        });
        return Number(r.lastInsertRowid);
      } catch (e) {
        const msg = (e as Error).message;
        if (msg.includes('UNIQUE') && msg.includes('pairs.uid')) {
          throw new PairError(
            'CONFLICT',
            `pair ${i + 1}: id "${p.uid}" is already used in this project`,
          );
        }
        if (msg.includes('FOREIGN KEY'))
          throw new PairError('NOT_FOUND', `pair ${i + 1}: video not in the project`);
        throw e;
      }
    }),
  )();
}

export function insertPair(store: ProjectStore, input: PairInput): PairRecord {
  const [id] = insertPairs(store, [input]);
  return getPair(store, id!)!;
}

// ---------- imported MOS (rating lists) ----------

export interface VideoMosRecord {
  videoId: number;
  listName: string;
  mos: number;
  scale: string;
  level: number | null;
  importedAt: string;
}

/** Imported MOS values, optionally of one list; ordered by video id. */
export function listVideoMos(store: ProjectStore, listName?: string): VideoMosRecord[] {
  const rows = store.connection
    .prepare(
      `SELECT video_id AS videoId, list_name AS listName, mos, scale, level, imported_at AS importedAt
       FROM video_mos ${listName ? 'WHERE list_name = ?' : ''} ORDER BY video_id, list_name`,
    )
    .all(...(listName ? [listName] : [])) as VideoMosRecord[];
  return rows;
}

// ---------- question sets ----------

// The question's shape is declared by the engines that answer it.
export type { QbenchQuestion };

export function listQbenchSets(store: ProjectStore): { setName: string; count: number }[] {
  return store.connection
    .prepare(
      `SELECT set_name AS setName, count(*) AS count FROM qbench_questions GROUP BY set_name ORDER BY set_name`,
    )
    .all() as { setName: string; count: number }[];
}

export function listQbenchQuestions(store: ProjectStore, setName?: string): QbenchQuestion[] {
  const rows = store.connection
    .prepare(
      `SELECT id, set_name, item_index, video_id, video2_id, video_name, question_type, question,
         answers_json, correct_choice, context, extra_json
       FROM qbench_questions ${setName ? 'WHERE set_name = ?' : ''} ORDER BY set_name, item_index`,
    )
    .all(...(setName ? [setName] : [])) as {
    id: number;
    set_name: string;
    item_index: number;
    video_id: number;
    video2_id: number | null;
    video_name: string;
    question_type: string;
    question: string;
    answers_json: string;
    correct_choice: string | null;
    context: string;
    extra_json: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    setName: r.set_name,
    itemIndex: r.item_index,
    videoId: r.video_id,
    video2Id: r.video2_id,
    videoName: r.video_name,
    questionType: r.question_type,
    question: r.question,
    answers: JSON.parse(r.answers_json) as string[],
    correctChoice: r.correct_choice,
    context: r.context,
    extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : null,
  }));
}

export interface QbenchQuestionInput {
  videoId: number;
  video2Id?: number | null;
  videoName: string;
  questionType: string;
  question: string;
  answers: string[];
  correctChoice: string | null;
  context?: string;
  extra?: Record<string, unknown> | null;
}

/** Store a question set (replacing a set of the same name) in one transaction; returns the count. */
export function putQbenchSet(
  store: ProjectStore,
  setName: string,
  items: readonly QbenchQuestionInput[],
): number {
  const db = store.connection;
  const del = db.prepare(`DELETE FROM qbench_questions WHERE set_name = ?`);
  const ins = db.prepare(
    `INSERT INTO qbench_questions (set_name, item_index, video_id, video2_id, video_name, question_type,
       question, answers_json, correct_choice, context, extra_json, imported_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    del.run(setName);
    items.forEach((q, i) =>
      ins.run(
        setName,
        i,
        q.videoId,
        q.video2Id ?? null,
        q.videoName,
        q.questionType,
        q.question,
        JSON.stringify(q.answers),
        q.correctChoice,
        q.context ?? '',
        q.extra ? JSON.stringify(q.extra) : null,
        now,
      ),
    );
  })();
  return items.length;
}

/** Attach MOS values of a rating list (replacing that list's earlier values) in one transaction. */
export function putVideoMos(
  store: ProjectStore,
  listName: string,
  scale: string,
  rows: readonly { videoId: number; mos: number; level?: number | null }[],
): number {
  const db = store.connection;
  const ins = db.prepare(
    `INSERT OR REPLACE INTO video_mos (video_id, list_name, mos, scale, level, imported_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    db.prepare(`DELETE FROM video_mos WHERE list_name = ?`).run(listName);
    for (const r of rows) ins.run(r.videoId, listName, r.mos, scale, r.level ?? null, now);
  })();
  return rows.length;
}
