// Human annotations in the project file: an overall ACR rating (MOS vote, ITU-T P.910) and
// per-segment ratings — one of each per annotator, enforced by partial unique indexes — plus
// distortion spans and notes. Every write is one transaction (autosave); deletes are soft so
// they can be undone. Ratings given in a rating study (study_id set, schema v7) are the study's:
// they are not listed or replaced here.
import { StudioError } from '../../../src-shared/contract-errors';
import type Database from 'better-sqlite3';
import { DISTORTION_TAGS, type Annotation, type DistortionTag } from '../../../src-shared/contract';
import type { ProjectStore } from '../store/project-store';

export type AnnotationKind = Annotation['kind'];

export interface AnnotationInput {
  id?: number;
  videoId: number;
  kind: AnnotationKind;
  rating?: number | null;
  segmentIdx?: number | null;
  startSec?: number | null;
  endSec?: number | null;
  tag?: DistortionTag | null;
  text?: string | null;
}

export class AnnotationError extends StudioError<
  'BAD_INPUT' | 'NOT_FOUND' | 'NOT_YOURS' | 'CONFLICT'
> {
  constructor(code: 'BAD_INPUT' | 'NOT_FOUND' | 'NOT_YOURS' | 'CONFLICT', message: string) {
    super(code, message);
    this.name = 'AnnotationError';
  }
}

interface AnnotationDbRow {
  id: number;
  video_id: number;
  annotator: string;
  kind: AnnotationKind;
  rating: number | null;
  segment_idx: number | null;
  start_sec: number | null;
  end_sec: number | null;
  tag: string | null;
  text: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

function toAnnotation(r: AnnotationDbRow): Annotation {
  return {
    id: r.id,
    videoId: r.video_id,
    annotator: r.annotator,
    kind: r.kind,
    rating: r.rating,
    segmentIdx: r.segment_idx,
    startSec: r.start_sec,
    endSec: r.end_sec,
    tag: (DISTORTION_TAGS as readonly string[]).includes(r.tag ?? '')
      ? (r.tag as DistortionTag)
      : null,
    text: r.text,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The stored fields of an annotation: only those its kind uses, validated. */
interface Fields {
  rating: number | null;
  segment_idx: number | null;
  start_sec: number | null;
  end_sec: number | null;
  tag: DistortionTag | null;
  text: string | null;
}

// A span may end a little past the probed duration (a click on the timeline's last pixel, a
// container duration that is a frame short); such ends are clamped to the duration.
const END_SLACK_SEC = 1;

function bad(message: string): never {
  throw new AnnotationError('BAD_INPUT', message);
}

function fieldsFor(a: AnnotationInput, durationSec: number | null): Fields {
  const text = a.text == null ? null : a.text.trim() ? a.text : null;
  if (text !== null && text.length > 20_000) bad('The text is longer than 20 000 characters');
  const rating = a.rating ?? null;
  const checkRating = () => {
    if (rating === null || !Number.isInteger(rating) || rating < 1 || rating > 5)
      bad('A rating needs a whole value from 1 to 5');
  };
  const tag = a.tag ?? null;
  if (tag !== null && !(DISTORTION_TAGS as readonly string[]).includes(tag))
    bad(`Unknown distortion tag "${tag}"`);
  const time = (v: number | null | undefined, what: string): number | null => {
    if (v == null) return null;
    if (!Number.isFinite(v) || v < 0) bad(`${what} must be a time of 0 s or more`);
    return v;
  };
  const start = time(a.startSec, 'startSec');
  let end = time(a.endSec, 'endSec');
  switch (a.kind) {
    case 'mos':
      checkRating();
      return { rating, segment_idx: null, start_sec: null, end_sec: null, tag: null, text };
    case 'segment_rating': {
      checkRating();
      const idx = a.segmentIdx;
      if (idx == null || !Number.isInteger(idx) || idx < 0)
        bad('A segment rating needs segmentIdx (0 or more)');
      if (start !== null && end !== null && end <= start)
        bad('The segment must end after it starts');
      return { rating, segment_idx: idx, start_sec: start, end_sec: end, tag: null, text };
    }
    case 'span': {
      if (start === null || end === null || end <= start) bad('A span needs startSec < endSec');
      if (durationSec !== null) {
        if (start >= durationSec)
          bad(`The span starts at ${start} s, at or after the end of the video (${durationSec} s)`);
        if (end > durationSec + END_SLACK_SEC)
          bad(`The span ends at ${end} s, after the end of the video (${durationSec} s)`);
        end = Math.min(end, durationSec);
      }
      return { rating: null, segment_idx: null, start_sec: start, end_sec: end, tag, text };
    }
    case 'note':
      if (text === null) bad('A note needs some text');
      if (start !== null && end !== null && end < start)
        bad('A note must not end before it starts');
      if (start === null) end = null;
      return { rating: null, segment_idx: null, start_sec: start, end_sec: end, tag, text };
    default:
      return bad(`Unknown annotation kind "${String(a.kind)}"`);
  }
}

const COLUMNS = `id, video_id, annotator, kind, rating, segment_idx, start_sec, end_sec, tag, text,
  created_at, updated_at, deleted_at`;

export class AnnotationStore {
  private readonly db: Database.Database;

  constructor(private readonly store: ProjectStore) {
    this.db = store.connection;
  }

  private row(id: number): AnnotationDbRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM annotations WHERE id = ?`).get(id) as
      AnnotationDbRow | undefined;
  }

  get(id: number): Annotation | undefined {
    const r = this.row(id);
    return r && !r.deleted_at ? toAnnotation(r) : undefined;
  }

  /** Live annotations of a video (all annotators, or one): rating, segment ratings, spans, notes. */
  list(videoId: number, annotator?: string): Annotation[] {
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM annotations
         WHERE video_id = ? AND deleted_at IS NULL AND study_id IS NULL ${annotator !== undefined ? 'AND annotator = ?' : ''}
         ORDER BY CASE kind WHEN 'mos' THEN 0 WHEN 'segment_rating' THEN 1 WHEN 'span' THEN 2 ELSE 3 END,
           segment_idx, start_sec IS NULL, start_sec, annotator, id`,
      )
      .all(...(annotator !== undefined ? [videoId, annotator] : [videoId])) as AnnotationDbRow[];
    return rows.map(toAnnotation);
  }

  /**
   * Create or replace one annotation by `annotator`, in one transaction. With an id, that
   * annotation is replaced (it must be the annotator's own and keep its kind). Without one, a
   * rating (mos, or segment_rating for the same segment) the annotator already gave is updated;
   * spans and notes are added.
   */
  put(input: AnnotationInput, annotator: string): Annotation {
    const who = annotator.trim();
    if (!who) bad('The annotator name is empty');
    const video = this.store.getVideo(input.videoId);
    if (!video) throw new AnnotationError('NOT_FOUND', `No video ${input.videoId} in this project`);
    const f = fieldsFor(input, video.durationSec);
    const now = new Date().toISOString();
    const id = this.db.transaction((): number => {
      let targetId: number | undefined;
      if (input.id !== undefined) {
        const cur = this.row(input.id);
        if (!cur || cur.deleted_at)
          throw new AnnotationError('NOT_FOUND', `No annotation ${input.id}`);
        if (cur.video_id !== input.videoId)
          bad(`Annotation ${input.id} belongs to video ${cur.video_id}, not ${input.videoId}`);
        if (cur.annotator !== who) {
          throw new AnnotationError(
            'NOT_YOURS',
            `Annotation ${input.id} was made by ${cur.annotator}; switch the annotator to ${cur.annotator} to change it`,
          );
        }
        if (cur.kind !== input.kind)
          bad(`Annotation ${input.id} is a ${cur.kind}; its kind cannot change to ${input.kind}`);
        targetId = cur.id;
      } else if (input.kind === 'mos' || input.kind === 'segment_rating') {
        const existing = this.db
          .prepare(
            `SELECT id FROM annotations WHERE video_id = ? AND annotator = ? AND kind = ? AND deleted_at IS NULL AND study_id IS NULL
               AND (kind = 'mos' OR segment_idx = ?)`,
          )
          .get(input.videoId, who, input.kind, f.segment_idx) as { id: number } | undefined;
        targetId = existing?.id;
      }
      try {
        if (targetId !== undefined) {
          this.db
            .prepare(
              `UPDATE annotations SET rating = @rating, segment_idx = @segment_idx, start_sec = @start_sec,
                 end_sec = @end_sec, tag = @tag, text = @text, updated_at = @now WHERE id = @id`,
            )
            .run({ ...f, now, id: targetId });
          return targetId;
        }
        const info = this.db
          .prepare(
            `INSERT INTO annotations (video_id, annotator, kind, rating, segment_idx, start_sec, end_sec, tag, text,
               created_at, updated_at)
             VALUES (@video_id, @annotator, @kind, @rating, @segment_idx, @start_sec, @end_sec, @tag, @text, @now, @now)`,
          )
          .run({ ...f, video_id: input.videoId, annotator: who, kind: input.kind, now });
        return Number(info.lastInsertRowid);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new AnnotationError(
            'CONFLICT',
            `${who} already rated segment ${f.segment_idx} of this video`,
          );
        }
        throw e;
      }
    })();
    return toAnnotation(this.row(id)!);
  }

  /** Soft-delete; returns the annotation as it was, or undefined when there was nothing live to delete. */
  delete(id: number, annotator: string): Annotation | undefined {
    return this.db.transaction(() => {
      const cur = this.row(id);
      if (!cur || cur.deleted_at) return undefined;
      if (cur.annotator !== annotator.trim()) {
        throw new AnnotationError(
          'NOT_YOURS',
          `Annotation ${id} was made by ${cur.annotator}; switch the annotator to ${cur.annotator} to delete it`,
        );
      }
      this.db
        .prepare('UPDATE annotations SET deleted_at = ? WHERE id = ?')
        .run(new Date().toISOString(), id);
      return toAnnotation(cur);
    })();
  }

  /**
   * Undo a delete. A rating given since the delete for the same video (and segment) is replaced:
   * it is soft-deleted in the same transaction, so restoring it in turn is possible.
   */
  restore(id: number, annotator: string): Annotation {
    const restored = this.db.transaction(() => {
      const cur = this.row(id);
      if (!cur) throw new AnnotationError('NOT_FOUND', `No annotation ${id}`);
      if (cur.annotator !== annotator.trim()) {
        throw new AnnotationError(
          'NOT_YOURS',
          `Annotation ${id} was made by ${cur.annotator}; switch the annotator to ${cur.annotator} to restore it`,
        );
      }
      if (!cur.deleted_at) return cur.id;
      const now = new Date().toISOString();
      if (cur.kind === 'mos' || cur.kind === 'segment_rating') {
        this.db
          .prepare(
            `UPDATE annotations SET deleted_at = ? WHERE video_id = ? AND annotator = ? AND kind = ? AND deleted_at IS NULL AND study_id IS NULL
               AND (kind = 'mos' OR segment_idx = ?)`,
          )
          .run(now, cur.video_id, cur.annotator, cur.kind, cur.segment_idx);
      }
      this.db
        .prepare('UPDATE annotations SET deleted_at = NULL, updated_at = ? WHERE id = ?')
        .run(now, id);
      return cur.id;
    })();
    return toAnnotation(this.row(restored)!);
  }

  /** Video id of an annotation, deleted or not (for change events). */
  videoOf(id: number): number | undefined {
    return (
      this.db.prepare('SELECT video_id FROM annotations WHERE id = ?').get(id) as
        { video_id: number } | undefined
    )?.video_id;
  }
}
