// Sorting the library by the chosen run's score or by a rating list's MOS reads the page from an
// index (value, then video id) and then the rows without a value by id. This checks that order
// against the one ORDER BY of the whole table that it replaces (orderSql), page by page, both
// directions, with and without status and codec filters, across the boundary between rows with a
// value and rows without, with tied values.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { putVideoMos } from '../../src-main/services/pairs/pair-store';
import { fromSql, orderSql, whereFor } from '../../src-main/services/store/video-rows';
import type { LibraryFilter, LibrarySort } from '../../src-shared/contract';
import { videoRow } from '../helpers/api';
import { addScoredRun } from '../helpers/runs';

let dir: string;
let store: ProjectStore;
let runId: number;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-sort-index-'));
  store = ProjectStore.create(path.join(dir, 'p.vqa2.sqlite'));
  const ids = store.insertVideos(
    Array.from({ length: 240 }, (_, i) =>
      videoRow(path.join(dir, `v${i}.mp4`), {
        codec: ['h264', 'hevc', 'vp9'][i % 3]!,
        status: i % 7 === 0 ? 'failed' : 'ok',
      }),
    ),
  );
  // two thirds scored, with ties (score in steps of 0.05)
  runId = addScoredRun(
    new ScoreStore(store.connection),
    ids
      .filter((id) => id % 3 !== 1)
      .map((id) => [id, Math.round(((id * 37) % 21) * 0.05 * 100) / 100] as const),
    { finished: true },
  );
  putVideoMos(
    store,
    'panel',
    '1-5',
    ids.filter((id) => id % 4 === 0).map((id) => ({ videoId: id, mos: 1 + ((id * 13) % 9) / 2 })),
  );
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function reference(sort: LibrarySort, filter: LibraryFilter | undefined): number[] {
  const view = store.libraryView(runId);
  const { sql: where, params } = whereFor(filter);
  return (
    store.connection
      .prepare(`SELECT videos.id FROM ${fromSql(view)} ${where} ORDER BY ${orderSql(sort, view)}`)
      .raw()
      .all(...params) as [number][]
  ).map((r) => r[0]);
}

describe('library pages sorted by a run score or a MOS list', () => {
  for (const column of ['videoScore', 'mos'] as const)
    for (const desc of [false, true])
      for (const filter of [undefined, { status: 'ok' as const }, { codec: 'hevc' }])
        it(`${column} ${desc ? 'desc' : 'asc'} ${filter ? JSON.stringify(filter) : 'all'}: the order of the full sort`, () => {
          const sort = { column, desc };
          const expected = reference(sort, filter);
          expect(expected.length).toBeGreaterThan(50);
          const got: number[] = [];
          for (let offset = 0; offset < expected.length + 30; offset += 23)
            got.push(
              ...store.listVideos({ offset, limit: 23, sort, filter, runId }).rows.map((r) => r.id),
            );
          expect(got).toEqual(expected);
          // a page that starts inside the rows without a value
          const late = store.listVideos({
            offset: expected.length - 5,
            limit: 10,
            sort,
            filter,
            runId,
          });
          expect(late.rows.map((r) => r.id)).toEqual(expected.slice(-5));
        });
});
