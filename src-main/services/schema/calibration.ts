// Schema v8: calibrations of model runs to MOS. Append-only once shipped.
import type { Migration } from './migration';

export const CALIBRATION_MIGRATION: Migration = {
  version: 8,
  name: 'calibrations of model runs to MOS',
  sql: `
    CREATE TABLE calibrations (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
      -- 'annotations' or 'list:<name>', with its label and scale at the time
      mos_source TEXT NOT NULL,
      source_json TEXT NOT NULL,
      -- the model the library predicts with, and every fitted model with its CV figures
      method TEXT NOT NULL CHECK (method IN ('logistic', 'ridge')),
      models_json TEXT NOT NULL,
      n INTEGER NOT NULL,
      folds INTEGER NOT NULL,
      seed INTEGER NOT NULL,
      raw_srcc REAL,
      -- [{videoId, mos}] the calibration was fitted on
      ratings_json TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX calibrations_run ON calibrations(run_id, id);
  `,
};
