// Schema migrations, applied in order by PRAGMA user_version. Append only: never edit a shipped one.
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { PAIRS_MIGRATION } from '../schema/pairs';
import { ASSISTANT_MIGRATION } from '../schema/assistant';
import { EVALUATION_MIGRATION } from '../schema/evaluation';
import { CALIBRATION_MIGRATION } from '../schema/calibration';
import { MODEL_RUN_KIND_MIGRATION } from '../schema/model-runs';
import { LIBRARY_SORT_MIGRATION } from '../schema/library-sort';
import type { Migration } from '../schema/migration';

export type { Migration };

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'videos',
    sql: `
      CREATE TABLE project_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE videos (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        error TEXT,
        duration_sec REAL,
        width INTEGER,
        height INTEGER,
        fps REAL,
        codec TEXT,
        bitrate_kbps REAL,
        size_bytes INTEGER NOT NULL,
        partial_hash TEXT,
        has_thumb INTEGER NOT NULL DEFAULT 0,
        probe_json TEXT,
        imported_at TEXT NOT NULL
      );
      CREATE INDEX videos_name ON videos(name COLLATE NOCASE);
      CREATE INDEX videos_duration ON videos(duration_sec);
      CREATE INDEX videos_size_hash ON videos(size_bytes, partial_hash);
    `,
  },
  {
    version: 2,
    name: 'jobs and sort indexes',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        params_json TEXT NOT NULL DEFAULT '{}',
        progress_done INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_status ON jobs(status);
      CREATE INDEX videos_width ON videos(width);
      CREATE INDEX videos_height ON videos(height);
      CREATE INDEX videos_fps ON videos(fps);
      CREATE INDEX videos_codec ON videos(codec);
      CREATE INDEX videos_bitrate ON videos(bitrate_kbps);
      CREATE INDEX videos_size ON videos(size_bytes);
      CREATE INDEX videos_status ON videos(status);
      CREATE INDEX videos_imported ON videos(imported_at);
      -- denormalised latest video score, so the library sorts by score with an index
      ALTER TABLE videos ADD COLUMN video_score REAL;
      CREATE INDEX videos_score ON videos(video_score);
    `,
  },
  {
    version: 3,
    name: 'scoring: model runs, segments, video scores, events, job items',
    sql: `
      CREATE TABLE model_runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('pack', 'streaming', 'engine')),
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        provider TEXT,
        provider_note TEXT,
        settings_json TEXT NOT NULL DEFAULT '{}',
        timings_json TEXT NOT NULL DEFAULT '{}',
        job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE segment_scores (
        run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start_sec REAL NOT NULL,
        end_sec REAL NOT NULL,
        score REAL NOT NULL,
        probs_json TEXT,
        features_json TEXT,
        PRIMARY KEY (run_id, video_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE video_scores (
        run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        score REAL NOT NULL,
        level TEXT NOT NULL,
        probs_json TEXT NOT NULL,
        features_json TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, video_id)
      ) WITHOUT ROWID;
      CREATE INDEX video_scores_video ON video_scores(video_id);
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        start_sec REAL NOT NULL,
        end_sec REAL NOT NULL,
        data_json TEXT,
        UNIQUE (run_id, video_id, kind, start_sec)
      );
      CREATE INDEX events_video ON events(video_id, start_sec);
      CREATE TABLE job_items (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
        error TEXT,
        progress_done INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, video_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'annotations: ratings, segment ratings, distortion spans, notes per annotator',
    sql: `
      CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        annotator TEXT NOT NULL CHECK (length(annotator) BETWEEN 1 AND 100),
        kind TEXT NOT NULL CHECK (kind IN ('mos', 'segment_rating', 'span', 'note')),
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        segment_idx INTEGER CHECK (segment_idx >= 0),
        start_sec REAL CHECK (start_sec >= 0),
        end_sec REAL,
        tag TEXT,
        text TEXT,
        -- NULL for free annotation; a later rating-study mode groups ratings by study
        study_id INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        -- soft delete, so a deletion can be undone
        deleted_at TEXT,
        CHECK (kind NOT IN ('mos', 'segment_rating') OR rating IS NOT NULL),
        CHECK (kind <> 'segment_rating' OR segment_idx IS NOT NULL),
        CHECK (kind <> 'span' OR (start_sec IS NOT NULL AND end_sec IS NOT NULL AND end_sec > start_sec))
      );
      CREATE INDEX annotations_video ON annotations(video_id, annotator) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX annotations_one_mos ON annotations(video_id, annotator)
        WHERE kind = 'mos' AND deleted_at IS NULL;
      CREATE UNIQUE INDEX annotations_one_segment_rating ON annotations(video_id, annotator, segment_idx)
        WHERE kind = 'segment_rating' AND deleted_at IS NULL;
    `,
  },
  // later versions live with their domains
  PAIRS_MIGRATION,
  ASSISTANT_MIGRATION,
  EVALUATION_MIGRATION,
  CALIBRATION_MIGRATION,
  MODEL_RUN_KIND_MIGRATION,
  LIBRARY_SORT_MIGRATION,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Apply migrations above the file's user_version, each in its own transaction. */
export function applyMigrations(db: Database.Database, upTo = LATEST_SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'PROJECT_TOO_NEW',
      `This project was written by a newer VQA² Studio (schema v${current}; this build knows up to v${LATEST_SCHEMA_VERSION}). Update the studio to open it.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    // The pragma is a no-op inside a transaction, so it is switched around it.
    const fkOn = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff && fkOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as { table: string }[];
          if (broken.length)
            throw new StoreError(
              'PROJECT_INVALID',
              `Migration ${m.version} (${m.name}) would leave ${broken.length} broken reference(s) in ${broken[0]!.table}; nothing was changed.`,
            );
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.foreignKeysOff && fkOn) db.pragma('foreign_keys = ON');
    }
  }
  return db.pragma('user_version', { simple: true }) as number;
}
