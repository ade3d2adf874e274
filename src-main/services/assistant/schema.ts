// Schema v6: assistant chats and Q-Bench-Video runs (issue 7). Append-only once shipped.
import type { Migration } from '../store/migrations';

export const ASSISTANT_MIGRATION: Migration = {
  version: 6,
  name: 'assistant chats and question-set runs',
  sql: ``,
};
