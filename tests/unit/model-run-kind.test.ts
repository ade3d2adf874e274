// Runs of in-process model folders are model runs of kind 'model' named by the model: a project
// written when they were stored as engine runs ('lmm:<id>') is upgraded in place, its scores,
// segments and calibrations kept and still tied to their run, other runs untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { applyMigrations } from '../../src-main/services/store/migrations';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { listRuns } from '../../src-main/services/scoring/run-list';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-run-kind-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A schema-v8 project with an in-process model run (as then stored) and an engine run. */
function oldProject(): string {
  const f = path.join(dir, 'old.vqa2.sqlite');
  const db = new Database(f);
  db.pragma('foreign_keys = ON');
  expect(applyMigrations(db, 8)).toBe(8);
  db.prepare(
    `INSERT INTO videos (id, path, name, status, size_bytes, imported_at) VALUES (1, 'a.mp4', 'a.mp4', 'ok', 10, 'then')`,
  ).run();
  const settings = JSON.stringify({ model: { id: 'm1', name: 'Tiny VQA² scorer', dir: '/m' } });
  db.prepare(
    `INSERT INTO model_runs (id, kind, pack_id, pack_version, settings_json, created_at) VALUES (3, 'engine', 'lmm:m1', 'vqa2', ?, '2026-11-30T10:00:00Z')`,
  ).run(settings);
  db.prepare(
    `INSERT INTO model_runs (id, kind, pack_id, pack_version, created_at) VALUES (4, 'engine', 'openai:gpt', '1', '2026-11-30T11:00:00Z')`,
  ).run();
  for (const run of [3, 4]) {
    db.prepare(
      `INSERT INTO video_scores (run_id, video_id, score, level, probs_json, created_at) VALUES (?, 1, 0.5, 'fair', '[0,0,1,0,0]', 'then')`,
    ).run(run);
    db.prepare(
      `INSERT INTO segment_scores (run_id, video_id, idx, start_sec, end_sec, score) VALUES (?, 1, 0, 0, 1, 0.5)`,
    ).run(run);
  }
  db.close();
  return f;
}

describe("model runs of kind 'model'", () => {
  it('upgrades engine-stored model runs in place, keeping their scores and ids', () => {
    const s = ProjectStore.open(oldProject());
    try {
      const db = s.connection;
      const scores = new ScoreStore(db);
      const model = scores.getRun(3)!;
      expect(model).toMatchObject({ kind: 'model', packId: 'm1', name: 'Tiny VQA² scorer' });
      expect(scores.getRun(4)).toMatchObject({
        kind: 'engine',
        packId: 'openai:gpt',
        name: 'openai:gpt',
      });
      expect(scores.videoScore(3, 1)?.score).toBe(0.5);
      expect(listRuns(db).map((r) => [r.id, r.kind, r.label.split(' · ')[0]])).toEqual([
        [4, 'engine', '#4 openai:gpt 1'],
        [3, 'model', '#3 Tiny VQA² scorer vqa2'],
      ]);
      // foreign keys are on again and still reach the rebuilt table: deleting a run cascades
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.prepare('DELETE FROM model_runs WHERE id = 3').run();
      expect(db.prepare('SELECT run_id FROM segment_scores ORDER BY run_id').all()).toEqual([
        { run_id: 4 },
      ]);
      // the kind is still constrained
      expect(() =>
        db
          .prepare(
            `INSERT INTO model_runs (kind, pack_id, pack_version, created_at) VALUES ('bogus', 'x', '1', 'now')`,
          )
          .run(),
      ).toThrow(/CHECK constraint/);
    } finally {
      s.close();
    }
  });

  it("new model runs are stored as kind 'model' and named by the model", () => {
    const s = ProjectStore.create(path.join(dir, 'new.vqa2.sqlite'));
    try {
      const scores = new ScoreStore(s.connection);
      const run = scores.createRun({
        kind: 'model',
        packId: 'm9',
        packVersion: 'llava_onevision',
        provider: 'cpu',
        providerNote: null,
        settings: { model: { id: 'm9', name: 'OneVision 0.5B' } },
        jobId: null,
      });
      expect(run).toMatchObject({ kind: 'model', packId: 'm9', name: 'OneVision 0.5B' });
      // without a name in its settings a model run falls back to its id
      const bare = scores.createRun({ ...run, settings: {} });
      expect(bare.name).toBe('m9');
    } finally {
      s.close();
    }
  });
});
