// One scorer per column: the library shows and sorts by one model run's scores; a video that run
// did not score shows no score (never another run's); the default run is the latest finished run
// that scored most videos; runs are named with date and scope, and empty runs are not offered.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { libraryRuns, listLibrary } from '../../src-main/services/library/library-view';
import { makeCalibrationProject, type CalibrationProject } from '../helpers/calibration-project';

let dir: string;
let p: CalibrationProject;
let store: ProjectStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-runs-'));
  p = makeCalibrationProject(dir, { videos: 12, rated: 8 });
  store = ProjectStore.open(p.file);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const page = (q: Partial<Parameters<typeof listLibrary>[1]> = {}) =>
  listLibrary(store, { offset: 0, limit: 100, ...q });

describe('library run choice', () => {
  it('defaults to the finished run that scored most videos, not the newest one', () => {
    expect(libraryRuns(store).defaultRunId).toBe(p.builtinRun);
    const { rows, runId } = page();
    expect(runId).toBe(p.builtinRun);
    for (const r of rows) expect(r.videoScore).toBeCloseTo(p.score.get(r.id)!, 12);
  });

  it('shows only the chosen run’s scores: videos it skipped have none', () => {
    const { rows, runId } = page({ runId: p.partialRun });
    expect(runId).toBe(p.partialRun);
    for (const r of rows) {
      if (p.partialVideos.includes(r.id)) {
        expect(r.videoScore).toBeCloseTo(1 - p.score.get(r.id)!, 12);
        expect(r.level).toEqual(expect.any(String));
      } else {
        expect(r.videoScore).toBeNull();
        expect(r.level).toBeNull();
      }
    }
  });

  it('sorts by the chosen run only, its unscored videos last both ways', () => {
    for (const desc of [false, true]) {
      const ids = page({ runId: p.partialRun, sort: { column: 'videoScore', desc } }).rows.map(
        (r) => r.id,
      );
      const scored = ids.slice(0, p.partialVideos.length);
      expect(new Set(scored)).toEqual(new Set(p.partialVideos));
      const s = scored.map((id) => 1 - p.score.get(id)!);
      expect(s).toEqual([...s].sort((a, b) => (desc ? b - a : a - b)));
      // next/previous in review follow the same order
      const mid = store.neighbors(
        ids[3]!,
        { column: 'videoScore', desc },
        undefined,
        p.partialRun,
      )!;
      expect([mid.prev, mid.next]).toEqual([ids[2], ids[4]]);
    }
    const builtinOrder = page({
      runId: p.builtinRun,
      sort: { column: 'videoScore', desc: false },
    }).rows.map((r) => p.score.get(r.id)!);
    expect(builtinOrder).toEqual([...builtinOrder].sort((a, b) => a - b));
  });

  it('shows the MOS column from the project’s ratings and sorts by it', () => {
    const rows = page({ sort: { column: 'mos', desc: true } }).rows;
    const rated = rows.slice(0, p.rated.length);
    expect(rated.map((r) => r.mos)).toEqual(
      p.rated.map((id) => p.mos.get(id)!).sort((a, b) => b - a),
    );
    expect(rows.slice(p.rated.length).every((r) => r.mos === null)).toBe(true);
    expect(libraryRuns(store).mosSource).toMatchObject({ id: 'list:lab', scale: '1-5' });
  });

  it('names runs with date and scope and leaves out runs that scored nothing', () => {
    const scores = new ScoreStore(store.connection);
    const empty = scores.createRun({
      kind: 'pack',
      packId: 'builtin-nr',
      packVersion: '1.0.0',
      provider: 'cpu',
      providerNote: null,
      settings: {},
      jobId: null,
    });
    const runs = libraryRuns(store).runs;
    expect(runs.map((r) => r.id)).toEqual([p.partialRun, p.builtinRun]);
    expect(runs.some((r) => r.id === empty.id)).toBe(false);
    expect(runs[0]!.label).toMatch(
      /^#\d+ p1203-mode0 1\.0\.0 · \d{4}-\d\d-\d\d \d\d:\d\d UTC · 8 of 12 videos$/,
    );
    expect(runs[1]).toMatchObject({ scoredVideos: 12, finished: true, calibrated: false });
  });
});
