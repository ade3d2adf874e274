// Import into a project: VQA²/LLaVA and Qwen2.5-VL pairs, rating lists (MOS onto videos) and
// Q-Bench-Video question sets. Videos are matched by relative path, then by file name; unmatched
// items are reported; a malformed file changes nothing; what is written is one transaction.
import path from 'node:path';
import type { ImportKind, ImportReport } from '../../../src-shared/contract-pairs';
import type { ProjectStore } from '../store/project-store';
import {
  ImportError,
  MAX_IMPORT_BYTES,
  detectScale,
  parsePairItems,
  parseQbenchItems,
  parseRatingItems,
  readJsonFile,
} from './import-parse';
import { insertPairs, putQbenchSet, putVideoMos, type PairInput } from './pair-store';
import type { PairExtra } from './pair-queries';

export interface VideoMatcher {
  match(datasetPath: string): { videoId: number } | { reason: string };
}

/** Index of the project's readable videos by stored relative path and by file name. */
export function videoMatcher(store: ProjectStore): VideoMatcher {
  const rows = store.connection
    .prepare(`SELECT id, path FROM videos WHERE status = 'ok'`)
    .all() as { id: number; path: string }[];
  const norm = (p: string) => p.split(path.sep).join('/').replace(/^\.\//, '');
  const byPath = new Map<string, number>();
  const byName = new Map<string, number[]>();
  for (const r of rows) {
    const p = norm(r.path);
    byPath.set(p, r.id);
    const name = p.split('/').at(-1)!;
    byName.set(name, [...(byName.get(name) ?? []), r.id]);
  }
  return {
    match(datasetPath: string) {
      const p = norm(datasetPath.replace(/\\/g, '/'));
      const candidates = [p, p.replace(/^videos\//, '')];
      for (const c of candidates) {
        const id = byPath.get(c);
        if (id !== undefined) return { videoId: id };
      }
      const name = p.split('/').at(-1)!;
      const ids = byName.get(name) ?? [];
      if (ids.length === 1) return { videoId: ids[0]! };
      return {
        reason:
          ids.length > 1
            ? `file name "${name}" matches ${ids.length} videos`
            : 'no video with this path or file name in the project',
      };
    },
  };
}

function importPairs(
  store: ProjectStore,
  file: string,
  kind: 'llava' | 'qwen2.5vl',
  asDraft: boolean,
  report: ImportReport,
  maxBytes: number,
): void {
  const items = parsePairItems(readJsonFile(file, maxBytes), kind);
  report.items = items.length;
  const matcher = videoMatcher(store);
  const taken = store.connection.prepare('SELECT 1 FROM pairs WHERE uid = ?');
  const stem = path.basename(file).replace(/\.[^.]*$/, '');
  const inputs: PairInput[] = [];
  for (const it of items) {
    const m = matcher.match(it.videoPath);
    if ('reason' in m) {
      report.unmatched.push({ index: it.index + 1, path: it.videoPath, reason: m.reason });
      continue;
    }
    const uid = it.id ?? `${stem}-${it.index + 1}`;
    if (taken.get(uid))
      throw new ImportError(
        `item ${it.index + 1}: id: "${uid}" is already used by a pair in this project`,
      );
    const extra: PairExtra = {
      style: kind === 'llava' ? 'llava' : 'qwen',
      keyOrder: it.keyOrder,
      ...(Object.keys(it.sampleKeys).length ? { sampleKeys: it.sampleKeys } : {}),
      ...(it.framesPerSec !== undefined ? { framesPerSec: it.framesPerSec } : {}),
    };
    inputs.push({
      uid,
      videoId: m.videoId,
      conversations: it.conversations,
      source: 'import',
      status: asDraft ? 'draft' : 'approved',
      taskMark: it.taskMark ?? null,
      gtScore: it.gtScore ?? null,
      provenance: [{ kind: 'import', id: path.basename(file), detail: `item ${it.index + 1}` }],
      extra: extra as Record<string, unknown>,
    });
  }
  insertPairs(store, inputs);
  report.imported = inputs.length;
}

function importRatings(
  store: ProjectStore,
  file: string,
  report: ImportReport,
  scale: string | undefined,
  maxBytes: number,
): void {
  const items = parseRatingItems(readJsonFile(file, maxBytes));
  report.items = items.length;
  const matcher = videoMatcher(store);
  const rows: { videoId: number; mos: number; level: number | null }[] = [];
  const seen = new Map<number, number>();
  for (const it of items) {
    const m = matcher.match(it.videoPath);
    if ('reason' in m) {
      report.unmatched.push({ index: it.index + 1, path: it.videoPath, reason: m.reason });
      continue;
    }
    const first = seen.get(m.videoId);
    if (first !== undefined)
      throw new ImportError(
        `item ${it.index + 1}: video_path: "${it.videoPath}" rates the same video as item ${first + 1}`,
      );
    seen.set(m.videoId, it.index);
    rows.push({ videoId: m.videoId, mos: it.mos, level: it.level });
  }
  report.scale = scale ?? detectScale(items.map((i) => i.mos));
  report.setName = path.basename(file);
  report.imported = putVideoMos(store, report.setName, report.scale, rows);
}

function importQbench(
  store: ProjectStore,
  file: string,
  report: ImportReport,
  maxBytes: number,
): void {
  const items = parseQbenchItems(readJsonFile(file, maxBytes));
  report.items = items.length;
  const matcher = videoMatcher(store);
  const questions = [];
  for (const it of items) {
    const ids: number[] = [];
    for (const name of it.videoNames) {
      const m = matcher.match(name);
      if ('reason' in m)
        report.unmatched.push({ index: it.index + 1, path: name, reason: m.reason });
      else ids.push(m.videoId);
    }
    if (ids.length !== it.videoNames.length) continue;
    questions.push({
      videoId: ids[0]!,
      video2Id: ids[1] ?? null,
      videoName: it.videoName,
      questionType: it.questionType,
      question: it.question,
      answers: it.answers,
      correctChoice: it.correctChoice,
      context: it.context,
      extra: it.extra,
    });
  }
  report.setName = path.basename(file);
  report.imported = putQbenchSet(store, report.setName, questions);
}

export function importDataset(
  store: ProjectStore,
  file: string,
  kind: ImportKind,
  opts: { asDraft?: boolean; scale?: string; maxMB?: number } = {},
): ImportReport {
  const maxBytes = opts.maxMB ? opts.maxMB * 1024 * 1024 : MAX_IMPORT_BYTES;
  const report: ImportReport = { kind, file, items: 0, imported: 0, unmatched: [] };
  if (kind === 'llava' || kind === 'qwen2.5vl')
    importPairs(store, file, kind, !!opts.asDraft, report, maxBytes);
  else if (kind === 'ratings') importRatings(store, file, report, opts.scale, maxBytes);
  else importQbench(store, file, report, maxBytes);
  return report;
}
