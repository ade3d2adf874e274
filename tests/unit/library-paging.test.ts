// Library pages come from two index-served queries (set values, then NULLs); every page must be
// exactly the page of the single reference ORDER BY (NULLs last, id breaking ties).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { fromSql, orderSql, whereFor } from '../../src-main/services/store/video-rows';
import { SORTABLE_COLUMNS, type LibraryFilter } from '../../src-shared/contract';
import { mulberry32 } from '../../src-main/services/util/prng';
import { videoRow } from '../helpers/api';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-paging-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('library paging', () => {
  it('matches the reference order for every column, direction, filter and offset, NULLs included', () => {
    const store = ProjectStore.create(path.join(dir, 'p'));
    const r = mulberry32(5);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
    const ids = store.insertVideos(
      Array.from({ length: 240 }, (_, i) => {
        const failed = r() < 0.2;
        return videoRow(path.join(dir, `cat${i % 4}`, `Clip_${pick(['a', 'B', 'c'])}${i}.mp4`), {
          status: failed ? 'failed' : 'ok',
          error: failed ? 'broken' : null,
          durationSec: failed ? null : pick([1, 2, 2, 5.5, 10]),
          width: failed ? null : pick([320, 640]),
          height: failed ? null : pick([240, 480]),
          fps: failed ? null : pick([25, 30]),
          codec: failed ? null : pick(['h264', 'vp9']),
          bitrateKbps: failed ? null : pick([100, 500]),
          sizeBytes: pick([10, 20, 30]),
        });
      }),
    );
    for (const id of ids) if (r() < 0.5) store.setVideoScore(id, pick([0.1, 0.5, 0.9]));
    const filters: (LibraryFilter | undefined)[] = [
      undefined,
      { text: 'cat1' },
      { status: 'ok' },
      { text: 'clip_b' },
    ];
    // the reference order is the library's view (its run's scores and MOS joined), as one ORDER BY
    const view = store.libraryView();
    let pages = 0;
    for (const column of SORTABLE_COLUMNS) {
      for (const desc of [false, true]) {
        for (const filter of filters) {
          const { sql, params } = whereFor(filter);
          for (const offset of [0, 37, 100, 150, 190, 230, 260]) {
            const expected = (
              store.connection
                .prepare(
                  `SELECT videos.id AS id FROM ${fromSql(view)} ${sql} ORDER BY ${orderSql({ column, desc }, view)} LIMIT 50 OFFSET ?`,
                )
                .all(...params, offset) as { id: number }[]
            ).map((x) => x.id);
            const got = store
              .listVideos({ offset, limit: 50, sort: { column, desc }, filter })
              .rows.map((x) => x.id);
            expect(
              got,
              `${column} ${desc ? 'desc' : 'asc'} ${JSON.stringify(filter)} @${offset}`,
            ).toEqual(expected);
            pages++;
          }
        }
      }
    }
    expect(pages).toBe(SORTABLE_COLUMNS.length * 2 * filters.length * 7);
    store.close();
  });
});
