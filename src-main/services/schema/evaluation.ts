// Schema v7: rating studies. Append-only once shipped.
// A study's ratings are annotations of kind 'mos' carrying the study id; a repeated clip gives a
// second row for the same video and annotator, so the one-rating-per-annotator indexes of v4 now
// cover free annotations only (study_id IS NULL). study_items holds each annotator's randomized
// order (training clips first, repeats spread through the session).
import type { Migration } from './migration';

export const EVALUATION_MIGRATION: Migration = {
  version: 7,
  name: 'rating studies',
  sql: `
    DROP INDEX annotations_one_mos;
    CREATE UNIQUE INDEX annotations_one_mos ON annotations(video_id, annotator)
      WHERE kind = 'mos' AND deleted_at IS NULL AND study_id IS NULL;
    DROP INDEX annotations_one_segment_rating;
    CREATE UNIQUE INDEX annotations_one_segment_rating ON annotations(video_id, annotator, segment_idx)
      WHERE kind = 'segment_rating' AND deleted_at IS NULL AND study_id IS NULL;
    CREATE INDEX annotations_study ON annotations(study_id) WHERE study_id IS NOT NULL;

    CREATE TABLE studies (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      -- seed of the per-annotator orders (each annotator's order is seeded by seed + annotator name)
      seed INTEGER NOT NULL,
      -- test clips, training clips (rated first, not counted) as JSON arrays of video ids
      video_ids_json TEXT NOT NULL,
      training_ids_json TEXT NOT NULL DEFAULT '[]',
      -- how many test clips are shown a second time, for each observer's consistency
      repeats INTEGER NOT NULL DEFAULT 0 CHECK (repeats >= 0),
      created_at TEXT NOT NULL
    );

    CREATE TABLE study_sessions (
      study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      annotator TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'done')),
      started_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (study_id, annotator)
    ) WITHOUT ROWID;

    CREATE TABLE study_items (
      study_id INTEGER NOT NULL,
      annotator TEXT NOT NULL,
      position INTEGER NOT NULL CHECK (position >= 0),
      video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('training', 'test', 'repeat')),
      rating INTEGER CHECK (rating BETWEEN 1 AND 5),
      -- the annotation holding the rating (test and repeat items)
      annotation_id INTEGER REFERENCES annotations(id) ON DELETE SET NULL,
      rated_at TEXT,
      PRIMARY KEY (study_id, annotator, position),
      FOREIGN KEY (study_id, annotator) REFERENCES study_sessions(study_id, annotator) ON DELETE CASCADE
    ) WITHOUT ROWID;
  `,
};
