// Q-Bench-Video-style evaluation (docs/formats.md §5): a question set against an engine, with progress
// and cancel; each answer is stored as it comes, so a cancelled run keeps what it had.
import { StudioError } from '../../../src-shared/contract-errors';
import type {
  QbenchAccuracy,
  QbenchAnswerView,
  QbenchRunView,
} from '../../../src-shared/contract-assistant';
import type { ProjectStore } from '../store/project-store';
import { listQbenchQuestions, type QbenchQuestion } from '../pairs/pair-store';
import { isChoiceQuestion, parseChoice } from '../engines/prompts';
import { isCancel } from '../engines/engine';

export interface QuestionAnswerer {
  /** 'analyst' or 'openai:<model>'. */
  readonly id: string;
  /** The answer text, or null with a note when this engine cannot answer. */
  answer(q: QbenchQuestion, signal?: AbortSignal): Promise<{ text: string | null; note?: string }>;
  /** Questions it can answer at once (an engine's replicas × requests per replica); default 1. */
  readonly parallel?: number;
}

export interface QbenchProgress {
  runId: number;
  done: number;
  total: number;
  etaSec: number | null;
  status: 'running' | 'done' | 'cancelled' | 'failed';
}

/** The shapes the contract returns: a run's accuracy (choice questions; unanswered count as wrong) and its answers. */
export type Accuracy = QbenchAccuracy;
export type QbenchSummary = QbenchRunView;
export type QbenchAnswerRow = QbenchAnswerView;

/** The analyst answers from measurements only; it cannot pick among options, so it says so. */
export const ANALYST_ANSWERER: QuestionAnswerer = {
  id: 'analyst',
  async answer() {
    return {
      text: null,
      note: 'The built-in analyst cannot answer multiple-choice or open questions about what a video shows; run the set against an LMM engine.',
    };
  },
};

const CATEGORY_KEYS = ['concern', 'category', 'dimension', 'aspect'];

function categoryOf(q: QbenchQuestion): string | null {
  for (const k of CATEGORY_KEYS) {
    const v = q.extra?.[k];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

export async function runQbench(
  store: ProjectStore,
  answerer: QuestionAnswerer,
  opts: { setName?: string; signal?: AbortSignal; onProgress?: (p: QbenchProgress) => void } = {},
): Promise<QbenchSummary> {
  const questions = listQbenchQuestions(store, opts.setName);
  if (!questions.length)
    throw new StudioError(
      'BAD_INPUT',
      opts.setName
        ? `No question set named "${opts.setName}" in this project`
        : 'This project has no question set; import one with vqa2 import-pairs --kind qbench',
    );
  const db = store.connection;
  const runId = Number(
    db
      .prepare(
        `INSERT INTO qbench_runs (set_name, engine, status, total, created_at) VALUES (?, ?, 'running', ?, ?)`,
      )
      .run(opts.setName ?? null, answerer.id, questions.length, new Date().toISOString())
      .lastInsertRowid,
  );
  const ins = db.prepare(
    `INSERT OR REPLACE INTO qbench_answers (run_id, question_id, answer, choice, correct, note, ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const t0 = performance.now();
  let done = 0;
  let status: QbenchProgress['status'] = 'running';
  const report = () => {
    const rate = done / ((performance.now() - t0) / 1000);
    opts.onProgress?.({
      runId,
      done,
      total: questions.length,
      etaSec: rate > 0 ? (questions.length - done) / rate : null,
      status,
    });
  };
  report();
  try {
    // Answers are stored as they come; with several replicas, several questions are in flight.
    const answerOne = async (q: QbenchQuestion): Promise<'stop' | void> => {
      const q0 = performance.now();
      let text: string | null = null;
      let note: string | null = null;
      try {
        const a = await answerer.answer(q, opts.signal);
        text = a.text;
        note = a.note ?? null;
      } catch (e) {
        if (isCancel(e, opts.signal)) return 'stop';
        note = (e as Error).message;
      }
      const choice = text != null && isChoiceQuestion(q) ? parseChoice(text) : null;
      const correct =
        choice != null && q.correctChoice != null ? (choice === q.correctChoice ? 1 : 0) : null;
      ins.run(runId, q.id, text, choice, correct, note, performance.now() - q0);
      done++;
      report();
    };
    let next = 0;
    const worker = async () => {
      while (!opts.signal?.aborted) {
        const q = questions[next++];
        if (!q || (await answerOne(q)) === 'stop') return;
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.max(1, Math.min(answerer.parallel ?? 1, questions.length)) },
        worker,
      ),
    );
    status = opts.signal?.aborted && done < questions.length ? 'cancelled' : 'done';
  } catch (e) {
    status = 'failed';
    db.prepare(
      `UPDATE qbench_runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`,
    ).run((e as Error).message, new Date().toISOString(), runId);
    report();
    throw e;
  }
  db.prepare(`UPDATE qbench_runs SET status = ?, finished_at = ? WHERE id = ?`).run(
    status,
    new Date().toISOString(),
    runId,
  );
  report();
  return qbenchSummary(store, runId)!;
}

export function qbenchAnswers(store: ProjectStore, runId: number): QbenchAnswerRow[] {
  const rows = store.connection
    .prepare(
      `SELECT a.question_id, a.answer, a.choice, a.correct, a.note, q.video_name, q.question_type, q.question, q.correct_choice
       FROM qbench_answers a JOIN qbench_questions q ON q.id = a.question_id WHERE a.run_id = ? ORDER BY q.set_name, q.item_index`,
    )
    .all(runId) as {
    question_id: number;
    answer: string | null;
    choice: string | null;
    correct: number | null;
    note: string | null;
    video_name: string;
    question_type: string;
    question: string;
    correct_choice: string | null;
  }[];
  return rows.map((r) => ({
    questionId: r.question_id,
    videoName: r.video_name,
    questionType: r.question_type,
    question: r.question,
    correctChoice: r.correct_choice,
    answer: r.answer,
    choice: r.choice,
    correct: r.correct == null ? null : r.correct === 1,
    note: r.note,
  }));
}

export function qbenchSummary(store: ProjectStore, runId: number): QbenchSummary | null {
  const run = store.connection.prepare('SELECT * FROM qbench_runs WHERE id = ?').get(runId) as
    | {
        id: number;
        set_name: string | null;
        engine: string;
        status: QbenchProgress['status'];
        created_at: string;
      }
    | undefined;
  if (!run) return null;
  const questions = new Map(
    listQbenchQuestions(store, run.set_name ?? undefined).map((q) => [q.id, q]),
  );
  const byType: Record<string, Accuracy> = {};
  const byCategory: Record<string, Accuracy> = {};
  const all: Accuracy = { correct: 0, n: 0, accuracy: null };
  let unanswered = 0;
  let openEnded = 0;
  const add = (acc: Accuracy, ok: boolean) => {
    acc.n++;
    if (ok) acc.correct++;
    acc.accuracy = acc.correct / acc.n;
  };
  for (const a of qbenchAnswers(store, runId)) {
    const q = questions.get(a.questionId);
    if (!q) continue;
    if (!isChoiceQuestion(q)) {
      openEnded++;
      continue;
    }
    if (q.correctChoice == null) continue;
    if (a.answer == null) unanswered++;
    const ok = a.correct === true;
    add(all, ok);
    add((byType[q.questionType] ??= { correct: 0, n: 0, accuracy: null }), ok);
    const cat = categoryOf(q);
    if (cat) add((byCategory[cat] ??= { correct: 0, n: 0, accuracy: null }), ok);
  }
  return {
    runId,
    setName: run.set_name,
    engine: run.engine,
    status: run.status,
    createdAt: run.created_at,
    accuracy: all.accuracy,
    n: all.n,
    correct: all.correct,
    unanswered,
    openEnded,
    byType,
    byCategory,
  };
}

export function listQbenchRuns(store: ProjectStore): QbenchSummary[] {
  const ids = store.connection
    .prepare('SELECT id FROM qbench_runs ORDER BY id DESC LIMIT 50')
    .all() as { id: number }[];
  return ids.map((r) => qbenchSummary(store, r.id)!).filter(Boolean);
}
