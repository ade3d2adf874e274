// Schema v7: rating studies and evaluation results (issue 8). Append-only once shipped.
import type { Migration } from '../store/migrations';

export const EVALUATION_MIGRATION: Migration = {
  version: 7,
  name: 'rating studies',
  sql: ``,
};
