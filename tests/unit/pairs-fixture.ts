// A small real project for the pairs tests: three video files (bytes only; clip tests use real
// clips), ACR votes, tagged spans, a model run with scores and a freeze event.
import fs from 'node:fs';
import path from 'node:path';
import { ProjectStore, type NewVideo } from '../../src-main/services/store/project-store';
import { AnnotationStore } from '../../src-main/services/annotations/annotation-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';

export interface PairsProject {
  store: ProjectStore;
  ids: { a: number; b: number; c: number };
  runId: number;
}

export function video(dir: string, name: string): NewVideo {
  const abs = path.join(dir, 'videos', name);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  if (!fs.existsSync(abs)) fs.writeFileSync(abs, `bytes of ${name}\n`);
  return {
    absPath: abs,
    status: 'ok',
    error: null,
    durationSec: 10,
    width: 320,
    height: 240,
    fps: 25,
    codec: 'h264',
    bitrateKbps: 500,
    sizeBytes: 20,
    partialHash: null,
    probeJson: null,
  };
}

const probs = (high: number) => ({ high, good: 1 - high, fair: 0, poor: 0, low: 0 });

/** a.mp4: two ACR votes (4, 5 → MOS 4.5 → high), spans blur 1.25–2.5 s and freeze 6–7.5 s, model 0.31;
 *  b.mp4: model score 0.55 (fair) with a freeze event 3–4 s; c.mp4: nothing. */
export function makePairsProject(dir: string): PairsProject {
  const store = ProjectStore.create(path.join(dir, 'p'));
  const [a, b, c] = store.insertVideos([
    video(dir, 'a.mp4'),
    video(dir, 'b.mp4'),
    video(dir, 'sub/c.mp4'),
  ]);
  const ann = new AnnotationStore(store);
  ann.put({ videoId: a!, kind: 'mos', rating: 4 }, 'ann1');
  ann.put({ videoId: a!, kind: 'mos', rating: 5 }, 'ann2');
  ann.put({ videoId: a!, kind: 'span', startSec: 1.25, endSec: 2.5, tag: 'blur' }, 'ann1');
  ann.put({ videoId: a!, kind: 'span', startSec: 6, endSec: 7.5, tag: 'freeze' }, 'ann1');
  const scores = new ScoreStore(store.connection);
  const run = scores.createRun({
    kind: 'pack',
    packId: 'builtin-nr',
    packVersion: '1',
    provider: 'cpu',
    providerNote: null,
    settings: {},
    jobId: null,
  });
  scores.insertSegments(run.id, b!, [
    { idx: 0, startSec: 0, endSec: 2, score: 0.5, probs: probs(0.5), features: {} },
    { idx: 1, startSec: 2, endSec: 4, score: 0.6, probs: probs(0.6), features: {} },
  ]);
  scores.writeVideoResult(
    { runId: run.id, videoId: a!, score: 0.31, level: 'poor', probs: probs(0.31), features: {} },
    [],
  );
  scores.writeVideoResult(
    { runId: run.id, videoId: b!, score: 0.55, level: 'fair', probs: probs(0.55), features: {} },
    [{ kind: 'freeze', startSec: 3, endSec: 4 }],
  );
  return { store, ids: { a: a!, b: b!, c: c! }, runId: run.id };
}
