// Schema v5: instruction pairs, pair templates, imported MOS (rating lists) and Q-Bench-Video
// question sets. Append-only like every migration: never edit once shipped.
import type { Migration } from './migration';

export const PAIRS_MIGRATION: Migration = {
  version: 5,
  name: 'instruction pairs, templates, imported MOS, question sets',
  sql: `
    CREATE TABLE pairs (
      id INTEGER PRIMARY KEY,
      -- the sample id written to datasets ("id"); unique within the project
      uid TEXT NOT NULL UNIQUE,
      video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
      -- second video of a comparison pair
      video2_id INTEGER REFERENCES videos(id) ON DELETE CASCADE,
      -- a time range of the video; both NULL for the whole video
      start_sec REAL CHECK (start_sec >= 0),
      end_sec REAL,
      -- [{"from":"human"|"gpt","value":"..."}], alternating, human first, gpt last
      conversations_json TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('template', 'assistant', 'manual', 'import')),
      status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'rejected')),
      template_id TEXT,
      task_mark TEXT,
      gt_score REAL,
      -- what produced it: [{"kind":"annotation"|"score"|"video_score"|"chat"|"import", "id":..., ...}]
      provenance_json TEXT NOT NULL DEFAULT '[]',
      -- keys of an imported sample the studio does not model, kept for a verbatim round trip
      extra_json TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK ((start_sec IS NULL) = (end_sec IS NULL)),
      CHECK (end_sec IS NULL OR end_sec > start_sec)
    );
    CREATE INDEX pairs_video ON pairs(video_id);
    CREATE INDEX pairs_status ON pairs(status, source);
    CREATE INDEX pairs_template ON pairs(template_id);

    CREATE TABLE pair_templates (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      -- the template's editable text and options
      body_json TEXT NOT NULL,
      builtin INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL
    );

    -- MOS from an imported rating list (docs/formats.md §2): one per video and list, scale as given
    CREATE TABLE video_mos (
      video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
      list_name TEXT NOT NULL,
      mos REAL NOT NULL,
      -- '0-1' | '1-5' | '0-100' | 'other'
      scale TEXT NOT NULL,
      level INTEGER CHECK (level BETWEEN 1 AND 5),
      imported_at TEXT NOT NULL,
      PRIMARY KEY (video_id, list_name)
    ) WITHOUT ROWID;

    -- Q-Bench-Video-style questions (docs/formats.md §5), stored for evaluation runs
    CREATE TABLE qbench_questions (
      id INTEGER PRIMARY KEY,
      set_name TEXT NOT NULL,
      item_index INTEGER NOT NULL,
      video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
      video2_id INTEGER REFERENCES videos(id) ON DELETE CASCADE,
      video_name TEXT NOT NULL,
      question_type TEXT NOT NULL,
      question TEXT NOT NULL,
      answers_json TEXT NOT NULL,
      correct_choice TEXT,
      context TEXT NOT NULL DEFAULT '',
      -- other fields of the item (e.g. a concern/category), kept verbatim
      extra_json TEXT,
      imported_at TEXT NOT NULL,
      UNIQUE (set_name, item_index)
    );
    CREATE INDEX qbench_questions_video ON qbench_questions(video_id);
  `,
};
