// The library as the table shows it: one model run's scores (the chosen run, default by
// defaultRunId's rule), the project's MOS, and MOS predicted by that run's calibration.
import type { LibraryQuery, LibraryRuns, VideoRow } from '../../../src-shared/contract';
import type { ProjectStore } from '../store/project-store';
import { defaultRunId } from '../store/video-rows';
import { listRuns } from '../scoring/run-list';
import { latestCalibration, withPredictedMos } from '../evaluation/calibration-store';
import { listMosSources, defaultMosSource } from '../evaluation/evaluation';

export function listLibrary(
  store: ProjectStore,
  q: LibraryQuery,
): { total: number; rows: VideoRow[]; runId: number | null } {
  const page = store.listVideos(q);
  return { ...page, rows: withPredictedMos(store, page.runId, page.rows) };
}

export function libraryRuns(store: ProjectStore): LibraryRuns {
  const db = store.connection;
  const calibrations: LibraryRuns['calibrations'] = {};
  const runs = listRuns(db).map((r) => {
    const cal = latestCalibration(db, r.id);
    if (cal) calibrations[r.id] = cal.info;
    return { ...r, calibrated: !!cal };
  });
  const sourceId = defaultMosSource(store);
  const source = listMosSources(store).find((s) => s.id === sourceId);
  return {
    runs,
    defaultRunId: defaultRunId(db),
    mosSource: source ? { id: source.id, label: source.label, scale: source.scale } : null,
    calibrations,
  };
}
