// Indexes that let the library sort 100,000 videos by a model run's score or by a rating list's
// MOS one page at a time: the page is read in index order (score or MOS, then video id) instead of
// sorting every row for every page. Append-only like every migration.
import type { Migration } from './migration';

export const LIBRARY_SORT_MIGRATION: Migration = {
  version: 10,
  name: 'library: indexes for sorting by a run score or a MOS list',
  sql: `
    CREATE INDEX video_scores_run_score ON video_scores(run_id, score, video_id);
    CREATE INDEX video_mos_list_mos ON video_mos(list_name, mos, video_id);
  `,
};
