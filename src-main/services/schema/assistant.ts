// Schema v6: assistant chats and Q-Bench-Video runs. Append-only once shipped.
// No table holds an API key: engine configs keep only the name of where the key lives
// (a secret-store entry or an environment variable), never the key itself.
import type { Migration } from './migration';

export const ASSISTANT_MIGRATION: Migration = {
  version: 6,
  name: 'assistant chats and question-set runs',
  sql: `
    -- OpenAI-compatible engines the user configured (no secrets: key_ref names the secret entry)
    CREATE TABLE engine_configs (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      base_url TEXT NOT NULL,
      model TEXT NOT NULL,
      key_ref TEXT,
      options_json TEXT NOT NULL DEFAULT '{}',
      updated_at TEXT NOT NULL
    );

    -- one chat per video (a new chat may be started; the newest is shown)
    CREATE TABLE chats (
      id INTEGER PRIMARY KEY,
      video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
      title TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL
    );
    CREATE INDEX chats_video ON chats(video_id);

    CREATE TABLE chat_messages (
      id INTEGER PRIMARY KEY,
      chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      text TEXT NOT NULL,
      -- 'analyst' or 'openai:<model>'
      engine TEXT NOT NULL,
      -- what the question was attached to: a time, a segment or a span (NULL: the whole video)
      attach_kind TEXT CHECK (attach_kind IN ('time', 'segment', 'span')),
      start_sec REAL,
      end_sec REAL,
      segment_idx INTEGER,
      -- 'done' | 'error' | 'cancelled' (assistant messages)
      status TEXT NOT NULL DEFAULT 'done',
      error TEXT,
      -- {"firstTokenMs":..,"totalMs":..,"frames":..}
      timings_json TEXT NOT NULL DEFAULT '{}',
      created_at TEXT NOT NULL
    );
    CREATE INDEX chat_messages_chat ON chat_messages(chat_id, id);

    CREATE TABLE qbench_runs (
      id INTEGER PRIMARY KEY,
      set_name TEXT,
      engine TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
      error TEXT,
      total INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      finished_at TEXT
    );

    CREATE TABLE qbench_answers (
      run_id INTEGER NOT NULL REFERENCES qbench_runs(id) ON DELETE CASCADE,
      question_id INTEGER NOT NULL REFERENCES qbench_questions(id) ON DELETE CASCADE,
      answer TEXT,
      -- the parsed choice letter; NULL for open-ended or unanswered
      choice TEXT,
      -- 1 correct, 0 wrong, NULL not scored (open-ended, unanswered)
      correct INTEGER,
      -- why there is no answer (the analyst cannot answer MCQs, a server error)
      note TEXT,
      ms REAL,
      PRIMARY KEY (run_id, question_id)
    ) WITHOUT ROWID;
  `,
};
