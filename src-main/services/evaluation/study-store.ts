// Rating studies (ITU-T P.910 ACR): a study lists test clips, optional training clips and how many
// clips are repeated; each annotator gets their own randomized order (seeded by the study's seed and
// the annotator's name, so it is stable across reloads), rates clip after clip, can pause and
// resume where they left. Ratings of test and repeated clips are stored as annotations of kind
// 'mos' with the study id; training ratings stay in study_items only. Every write is one transaction.
import { StudioError } from '../../../src-shared/contract-errors';
import type { ProjectStore } from '../store/project-store';
import type { StudyInfo, StudySession } from '../../../src-shared/contract-evaluation';
import { mulberry32 } from '../util/prng';

export type StudyItemKind = 'training' | 'test' | 'repeat';
export type SessionStatus = 'active' | 'paused' | 'done';

/** The shapes the contract returns. */
export type StudyRecord = StudyInfo;
export type StudySessionState = StudySession;

export class StudyError extends StudioError<'BAD_INPUT' | 'NOT_FOUND' | 'CONFLICT'> {}

/** FNV-1a of a string: the per-annotator seed offset. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** An annotator's order: shuffled training clips, then shuffled test clips with repeats placed at least two clips after their first showing. */
export function sessionOrder(
  study: Pick<StudyRecord, 'seed' | 'videoIds' | 'trainingIds' | 'repeats'>,
  annotator: string,
): { videoId: number; kind: StudyItemKind }[] {
  const rand = mulberry32((study.seed ^ hashString(annotator)) >>> 0);
  const training = shuffle(study.trainingIds, rand).map((videoId) => ({
    videoId,
    kind: 'training' as const,
  }));
  const tests: { videoId: number; kind: StudyItemKind }[] = shuffle(study.videoIds, rand).map(
    (videoId) => ({ videoId, kind: 'test' }),
  );
  const repeated = shuffle(study.videoIds, rand).slice(
    0,
    Math.min(study.repeats, study.videoIds.length),
  );
  for (const videoId of repeated) {
    const first = tests.findIndex((t) => t.videoId === videoId && t.kind === 'test');
    const from = first + 2;
    const at =
      from >= tests.length ? tests.length : from + Math.floor(rand() * (tests.length - from + 1));
    tests.splice(at, 0, { videoId, kind: 'repeat' });
  }
  return [...training, ...tests];
}

interface StudyRow {
  id: number;
  name: string;
  seed: number;
  video_ids_json: string;
  training_ids_json: string;
  repeats: number;
  created_at: string;
}

export class StudyStore {
  constructor(private readonly store: ProjectStore) {}

  private get db() {
    return this.store.connection;
  }

  create(input: {
    name: string;
    videoIds: number[];
    trainingIds?: number[];
    repeats?: number;
    seed?: number;
  }): StudyRecord {
    const name = input.name.trim();
    if (!name) throw new StudyError('BAD_INPUT', 'The study needs a name');
    const videoIds = [...new Set(input.videoIds)];
    const trainingIds = [...new Set(input.trainingIds ?? [])];
    if (videoIds.length < 2)
      throw new StudyError(
        'BAD_INPUT',
        `A study needs at least 2 test clips (got ${videoIds.length})`,
      );
    for (const id of [...videoIds, ...trainingIds]) {
      const v = this.store.getVideo(id);
      if (!v) throw new StudyError('NOT_FOUND', `No video ${id} in this project`);
      if (v.status !== 'ok')
        throw new StudyError(
          'BAD_INPUT',
          `Video ${id} (${v.name}) failed to import and cannot be shown`,
        );
    }
    const repeats = input.repeats ?? 0;
    if (!Number.isInteger(repeats) || repeats < 0 || repeats > videoIds.length) {
      throw new StudyError('BAD_INPUT', `repeats must be 0–${videoIds.length} (got ${repeats})`);
    }
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    const info = this.db
      .prepare(
        `INSERT INTO studies (name, seed, video_ids_json, training_ids_json, repeats, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        name,
        seed,
        JSON.stringify(videoIds),
        JSON.stringify(trainingIds),
        repeats,
        new Date().toISOString(),
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  private toRecord(r: StudyRow): StudyRecord {
    const sessions = this.db
      .prepare(
        `SELECT s.annotator, s.status, count(i.rating) AS rated, count(i.position) AS total
         FROM study_sessions s LEFT JOIN study_items i ON i.study_id = s.study_id AND i.annotator = s.annotator
         WHERE s.study_id = ? GROUP BY s.annotator ORDER BY s.annotator`,
      )
      .all(r.id) as Omit<StudyRecord['sessions'][number], 'repeatDiff'>[];
    const consistency = new Map(this.consistency(r.id).map((c) => [c.annotator, c.meanAbsDiff]));
    return {
      id: r.id,
      name: r.name,
      seed: r.seed,
      videoIds: JSON.parse(r.video_ids_json) as number[],
      trainingIds: JSON.parse(r.training_ids_json) as number[],
      repeats: r.repeats,
      createdAt: r.created_at,
      sessions: sessions.map((x) => ({ ...x, repeatDiff: consistency.get(x.annotator) ?? null })),
    };
  }

  get(id: number): StudyRecord | undefined {
    const r = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as StudyRow | undefined;
    return r && this.toRecord(r);
  }

  list(): StudyRecord[] {
    return (this.db.prepare('SELECT * FROM studies ORDER BY id DESC').all() as StudyRow[]).map(
      (r) => this.toRecord(r),
    );
  }

  /** The annotator's session, created (with its randomized order) on first call. */
  session(studyId: number, annotator: string): StudySessionState {
    const who = annotator.trim();
    if (!who) throw new StudyError('BAD_INPUT', 'Set an annotator name before starting a study');
    const study = this.get(studyId);
    if (!study) throw new StudyError('NOT_FOUND', `No study ${studyId}`);
    this.db.transaction(() => {
      const exists = this.db
        .prepare('SELECT 1 FROM study_sessions WHERE study_id = ? AND annotator = ?')
        .get(studyId, who);
      if (exists) return;
      const now = new Date().toISOString();
      this.db
        .prepare(
          `INSERT INTO study_sessions (study_id, annotator, status, started_at, updated_at) VALUES (?, ?, 'active', ?, ?)`,
        )
        .run(studyId, who, now, now);
      const ins = this.db.prepare(
        'INSERT INTO study_items (study_id, annotator, position, video_id, kind) VALUES (?, ?, ?, ?, ?)',
      );
      sessionOrder(study, who).forEach((it, i) => ins.run(studyId, who, i, it.videoId, it.kind));
    })();
    return this.state(study, who);
  }

  private state(study: StudyRecord, who: string): StudySessionState {
    const s = this.db
      .prepare('SELECT status FROM study_sessions WHERE study_id = ? AND annotator = ?')
      .get(study.id, who) as { status: SessionStatus } | undefined;
    if (!s) throw new StudyError('NOT_FOUND', `${who} has not started study ${study.id}`);
    const items = this.db
      .prepare(
        `SELECT i.position, i.video_id AS videoId, v.name, i.kind, i.rating FROM study_items i JOIN videos v ON v.id = i.video_id
         WHERE i.study_id = ? AND i.annotator = ? ORDER BY i.position`,
      )
      .all(study.id, who) as StudySessionState['items'];
    const next = items.findIndex((i) => i.rating === null);
    return {
      studyId: study.id,
      studyName: study.name,
      annotator: who,
      status: s.status,
      position: next < 0 ? items.length : next,
      items,
    };
  }

  /** Rate the clip at `position` (it must be the next unrated one); returns the new state. */
  rate(
    studyId: number,
    annotator: string,
    position: number,
    rating: number,
  ): { state: StudySessionState; videoId: number } {
    const who = annotator.trim();
    if (!Number.isInteger(rating) || rating < 1 || rating > 5)
      throw new StudyError('BAD_INPUT', 'An ACR rating is a whole value from 1 to 5');
    const study = this.get(studyId);
    if (!study) throw new StudyError('NOT_FOUND', `No study ${studyId}`);
    const videoId = this.db.transaction((): number => {
      const cur = this.state(study, who);
      if (cur.status === 'done')
        throw new StudyError('CONFLICT', `${who} has finished study "${study.name}"`);
      if (position !== cur.position) {
        throw new StudyError(
          'CONFLICT',
          `Clip ${position + 1} is not the next to rate (the session is at clip ${cur.position + 1})`,
        );
      }
      const item = cur.items[position]!;
      const now = new Date().toISOString();
      let annotationId: number | null = null;
      if (item.kind !== 'training') {
        const info = this.db
          .prepare(
            `INSERT INTO annotations (video_id, annotator, kind, rating, study_id, created_at, updated_at) VALUES (?, ?, 'mos', ?, ?, ?, ?)`,
          )
          .run(item.videoId, who, rating, studyId, now, now);
        annotationId = Number(info.lastInsertRowid);
      }
      this.db
        .prepare(
          'UPDATE study_items SET rating = ?, annotation_id = ?, rated_at = ? WHERE study_id = ? AND annotator = ? AND position = ?',
        )
        .run(rating, annotationId, now, studyId, who, position);
      const done = position + 1 >= cur.items.length;
      this.db
        .prepare(
          `UPDATE study_sessions SET status = ?, updated_at = ? WHERE study_id = ? AND annotator = ?`,
        )
        .run(done ? 'done' : 'active', now, studyId, who);
      return item.videoId;
    })();
    return { state: this.state(study, who), videoId };
  }

  setPaused(studyId: number, annotator: string, paused: boolean): StudySessionState {
    const who = annotator.trim();
    const study = this.get(studyId);
    if (!study) throw new StudyError('NOT_FOUND', `No study ${studyId}`);
    this.db
      .prepare(
        `UPDATE study_sessions SET status = ?, updated_at = ? WHERE study_id = ? AND annotator = ? AND status <> 'done'`,
      )
      .run(paused ? 'paused' : 'active', new Date().toISOString(), studyId, who);
    return this.state(study, who);
  }

  /** Per observer and video, the spread of repeated ratings: mean |first − repeat| over repeated clips. */
  consistency(
    studyId: number,
  ): { annotator: string; repeats: number; meanAbsDiff: number | null }[] {
    const rows = this.db
      .prepare(
        `SELECT annotator, video_id AS videoId, kind, rating FROM study_items
         WHERE study_id = ? AND kind IN ('test', 'repeat') AND rating IS NOT NULL ORDER BY annotator, position`,
      )
      .all(studyId) as {
      annotator: string;
      videoId: number;
      kind: StudyItemKind;
      rating: number;
    }[];
    const out = new Map<string, { diffs: number[]; first: Map<number, number> }>();
    for (const r of rows) {
      let e = out.get(r.annotator);
      if (!e) out.set(r.annotator, (e = { diffs: [], first: new Map() }));
      if (r.kind === 'test') e.first.set(r.videoId, r.rating);
      else if (e.first.has(r.videoId)) e.diffs.push(Math.abs(e.first.get(r.videoId)! - r.rating));
    }
    return [...out.entries()].map(([annotator, e]) => ({
      annotator,
      repeats: e.diffs.length,
      meanAbsDiff: e.diffs.length ? e.diffs.reduce((a, b) => a + b, 0) / e.diffs.length : null,
    }));
  }
}
