// Model runs of in-process model folders get their own kind, 'model', with the model's id as the
// run's pack id (its name, dir and files are in the settings). Older projects stored them as kind
// 'engine' with pack id 'lmm:<id>'; they are converted here. SQLite cannot change a CHECK
// constraint in place, so model_runs is rebuilt with the same columns: this migration runs with
// foreign keys off (the tables that reference model_runs keep their rows and ids) and the
// migration runner checks every foreign key before it commits. Append-only like every migration.
import type { Migration } from './migration';

export const MODEL_RUN_KIND_MIGRATION: Migration = {
  version: 9,
  name: "model runs: kind 'model' for in-process model folders",
  foreignKeysOff: true,
  sql: `
    CREATE TABLE model_runs_v9 (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('pack', 'streaming', 'engine', 'model')),
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
    INSERT INTO model_runs_v9 (id, kind, pack_id, pack_version, provider, provider_note,
                               settings_json, timings_json, job_id, created_at, finished_at)
      SELECT id,
             CASE WHEN kind = 'engine' AND pack_id LIKE 'lmm:%' THEN 'model' ELSE kind END,
             CASE WHEN kind = 'engine' AND pack_id LIKE 'lmm:%' THEN substr(pack_id, 5) ELSE pack_id END,
             pack_version, provider, provider_note, settings_json, timings_json, job_id,
             created_at, finished_at
        FROM model_runs;
    DROP TABLE model_runs;
    ALTER TABLE model_runs_v9 RENAME TO model_runs;
  `,
};
