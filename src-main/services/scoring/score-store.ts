// Scoring results in the project file: model runs, per-segment scores, per-video scores with level
// probabilities and measurements, and events. Segment batches and a video's final result are each
// written in one transaction; primary keys make a re-run of a committed segment a no-op.
import type Database from 'better-sqlite3';
import type { Level as LevelName, LevelProbs } from '../levels/level-score';
import type { ModelRunInfo } from '../../../src-shared/contract';

export type { LevelProbs };

export interface SegmentScore {
  idx: number;
  startSec: number;
  endSec: number;
  score: number;
  probs: LevelProbs;
  features: Record<string, number>;
}

export interface ScoreEvent {
  kind: 'freeze' | 'stall' | 'switch' | 'quality_drop' | 'flicker' | 'dark' | string;
  startSec: number;
  endSec: number;
  data?: Record<string, unknown>;
}

export interface VideoScoreRecord {
  runId: number;
  videoId: number;
  score: number;
  level: LevelName;
  probs: LevelProbs;
  features: Record<string, number>;
}

/** A stored run: what the contract shows of it, plus timings and the job that made it. */
export interface ModelRunRecord extends ModelRunInfo {
  timings: Record<string, number>;
  jobId: string | null;
  finishedAt: string | null;
}

interface RunRow {
  id: number;
  kind: ModelRunRecord['kind'];
  pack_id: string;
  pack_version: string;
  provider: string | null;
  provider_note: string | null;
  settings_json: string;
  timings_json: string;
  job_id: string | null;
  created_at: string;
  finished_at: string | null;
}

/** A model run's on-screen name: the model's own name (from its settings) for in-process models. */
function runName(kind: RunRow['kind'], packId: string, settings: Record<string, unknown>): string {
  const model = settings.model as { name?: unknown } | undefined;
  return kind === 'model' && typeof model?.name === 'string' && model.name ? model.name : packId;
}

const toRun = (r: RunRow): ModelRunRecord => {
  const settings = JSON.parse(r.settings_json) as Record<string, unknown>;
  return {
    id: r.id,
    kind: r.kind,
    packId: r.pack_id,
    name: runName(r.kind, r.pack_id, settings),
    packVersion: r.pack_version,
    provider: r.provider,
    providerNote: r.provider_note,
    settings,
    timings: JSON.parse(r.timings_json) as Record<string, number>,
    jobId: r.job_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
};

export class ScoreStore {
  constructor(private readonly db: Database.Database) {}

  createRun(
    r: Omit<ModelRunRecord, 'id' | 'name' | 'createdAt' | 'finishedAt' | 'timings'>,
  ): ModelRunRecord {
    const info = this.db
      .prepare(
        `INSERT INTO model_runs (kind, pack_id, pack_version, provider, provider_note, settings_json, job_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.kind,
        r.packId,
        r.packVersion,
        r.provider,
        r.providerNote,
        JSON.stringify(r.settings),
        r.jobId,
        new Date().toISOString(),
      );
    return this.getRun(Number(info.lastInsertRowid))!;
  }

  getRun(id: number): ModelRunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM model_runs WHERE id = ?').get(id) as
      RunRow | undefined;
    return r && toRun(r);
  }

  runs(): ModelRunRecord[] {
    return (this.db.prepare('SELECT * FROM model_runs ORDER BY id DESC').all() as RunRow[]).map(
      toRun,
    );
  }

  updateRun(
    id: number,
    patch: {
      provider?: string;
      providerNote?: string | null;
      timings?: Record<string, number>;
      finished?: boolean;
      settings?: Record<string, unknown>;
    },
  ): void {
    const run = this.getRun(id);
    if (!run) return;
    this.db
      .prepare(
        'UPDATE model_runs SET provider = ?, provider_note = ?, settings_json = ?, timings_json = ?, finished_at = ? WHERE id = ?',
      )
      .run(
        patch.provider ?? run.provider,
        patch.providerNote !== undefined ? patch.providerNote : run.providerNote,
        JSON.stringify(patch.settings ?? run.settings),
        JSON.stringify(patch.timings ?? run.timings),
        patch.finished ? new Date().toISOString() : run.finishedAt,
        id,
      );
  }

  /** Insert a batch of segment scores in one transaction (idempotent per run/video/idx). */
  insertSegments(runId: number, videoId: number, segments: SegmentScore[]): void {
    const stmt = this.db.prepare(
      `INSERT OR IGNORE INTO segment_scores (run_id, video_id, idx, start_sec, end_sec, score, probs_json, features_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const s of segments) {
        stmt.run(
          runId,
          videoId,
          s.idx,
          s.startSec,
          s.endSec,
          s.score,
          JSON.stringify(s.probs),
          JSON.stringify(s.features),
        );
      }
    })();
  }

  /** Index of the next segment to compute for a video in a run (resume point). */
  nextSegmentIndex(runId: number, videoId: number): number {
    const r = this.db
      .prepare('SELECT max(idx) AS m FROM segment_scores WHERE run_id = ? AND video_id = ?')
      .get(runId, videoId) as {
      m: number | null;
    };
    return r.m == null ? 0 : r.m + 1;
  }

  segments(runId: number, videoId: number): SegmentScore[] {
    return (
      this.db
        .prepare(
          'SELECT idx, start_sec, end_sec, score, probs_json, features_json FROM segment_scores WHERE run_id = ? AND video_id = ? ORDER BY idx',
        )
        .all(runId, videoId) as {
        idx: number;
        start_sec: number;
        end_sec: number;
        score: number;
        probs_json: string;
        features_json: string;
      }[]
    ).map((r) => ({
      idx: r.idx,
      startSec: r.start_sec,
      endSec: r.end_sec,
      score: r.score,
      probs: JSON.parse(r.probs_json) as LevelProbs,
      features: JSON.parse(r.features_json) as Record<string, number>,
    }));
  }

  /** Write a video's final result and events; the caller wraps this with the job item update. */
  writeVideoResult(v: VideoScoreRecord, events: ScoreEvent[]): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO video_scores (run_id, video_id, score, level, probs_json, features_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        v.runId,
        v.videoId,
        v.score,
        v.level,
        JSON.stringify(v.probs),
        JSON.stringify(v.features),
        new Date().toISOString(),
      );
    this.db.prepare('DELETE FROM events WHERE run_id = ? AND video_id = ?').run(v.runId, v.videoId);
    const ev = this.db.prepare(
      'INSERT OR IGNORE INTO events (run_id, video_id, kind, start_sec, end_sec, data_json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const e of events)
      ev.run(
        v.runId,
        v.videoId,
        e.kind,
        e.startSec,
        e.endSec,
        e.data ? JSON.stringify(e.data) : null,
      );
    this.db.prepare('UPDATE videos SET video_score = ? WHERE id = ?').run(v.score, v.videoId);
  }

  videoScore(runId: number, videoId: number): VideoScoreRecord | undefined {
    const r = this.db
      .prepare('SELECT * FROM video_scores WHERE run_id = ? AND video_id = ?')
      .get(runId, videoId) as
      | {
          run_id: number;
          video_id: number;
          score: number;
          level: string;
          probs_json: string;
          features_json: string | null;
        }
      | undefined;
    return (
      r && {
        runId: r.run_id,
        videoId: r.video_id,
        score: r.score,
        level: r.level as LevelName,
        probs: JSON.parse(r.probs_json) as LevelProbs,
        features: r.features_json ? (JSON.parse(r.features_json) as Record<string, number>) : {},
      }
    );
  }

  /** The newest run that scored this video. */
  latestRunFor(videoId: number): number | undefined {
    const r = this.db
      .prepare('SELECT max(run_id) AS id FROM video_scores WHERE video_id = ?')
      .get(videoId) as { id: number | null };
    return r.id ?? undefined;
  }

  events(runId: number, videoId: number): ScoreEvent[] {
    return (
      this.db
        .prepare(
          'SELECT kind, start_sec, end_sec, data_json FROM events WHERE run_id = ? AND video_id = ? ORDER BY start_sec',
        )
        .all(runId, videoId) as {
        kind: string;
        start_sec: number;
        end_sec: number;
        data_json: string | null;
      }[]
    ).map((r) => ({
      kind: r.kind,
      startSec: r.start_sec,
      endSec: r.end_sec,
      ...(r.data_json ? { data: JSON.parse(r.data_json) } : {}),
    }));
  }

  /** Segment score curves of many videos for sparklines (of one run, or each video's latest), down-sampled. */
  sparklines(videoIds: number[], points = 24, runId?: number): Record<number, number[]> {
    const out: Record<number, number[]> = {};
    const stmt = this.db.prepare(
      'SELECT score FROM segment_scores WHERE run_id = ? AND video_id = ? ORDER BY idx',
    );
    for (const id of videoIds) {
      const run = runId ?? this.latestRunFor(id);
      if (run === undefined) continue;
      const s = (stmt.all(run, id) as { score: number }[]).map((r) => r.score);
      if (s.length <= points) out[id] = s;
      else {
        const step = s.length / points;
        out[id] = Array.from({ length: points }, (_, i) => {
          const a = Math.floor(i * step);
          const b = Math.max(a + 1, Math.floor((i + 1) * step));
          let sum = 0;
          for (let j = a; j < b; j++) sum += s[j]!;
          return sum / (b - a);
        });
      }
    }
    return out;
  }
}
