// The one implementation of the contract, built from the services. Hosts (Electron IPC, web
// WebSocket, CLI) validate inputs with the contract's schemas and call these handlers.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type CallName,
  type CallOutput,
  type DirEntry,
  type EventName,
  type Events,
  type ProjectInfo,
} from '../../src-shared/contract';
import { ProjectStore, PROJECT_EXT } from '../services/store/project-store';
import { RecentProjects } from '../services/settings/recent';
import { resolveMediaTools } from '../services/media/ffmpeg-path';
import { importVideos } from '../services/library/import';
import { hasVideoExtension } from '../services/library/scan';
import { ScoringApi } from './scoring-api';
import { ReviewApi } from './review-api';
import { findAppRoot } from '../services/settings/app-root';
import type { DomainApi, DomainContext, Handlers } from './domain';
import { PairsApi } from './pairs-api';
import { AssistantApi } from './assistant-api';
import { EvaluationApi } from './evaluation-api';
import { ModelsApi } from './models-api';
import { libraryRuns, listLibrary } from '../services/library/library-view';
import { throttle } from '../services/util/throttle';

export type { Handlers };

export interface ApiOptions {
  host: 'electron' | 'web';
  version: string;
  /** Studio home folder (recent projects). */
  home: string;
  /** Parallel probes during import; default = CPU cores. */
  importConcurrency?: number;
  /** Folder holding resources/ (model packs); found from this module when omitted. */
  appRoot?: string;
}

export type EventListener = <E extends EventName>(name: E, payload: Events[E]) => void;

export class StudioApi {
  readonly handlers: Handlers;
  private store: ProjectStore | null = null;
  private readonly recent: RecentProjects;
  private readonly emitter = new EventEmitter();
  private readonly imports = new Map<string, AbortController>();

  private readonly scoring: ScoringApi;
  private readonly review: ReviewApi;
  readonly pairs: PairsApi;
  readonly assistant: AssistantApi;
  readonly evaluation: EvaluationApi;
  readonly models: ModelsApi;
  private readonly domains: Pick<DomainApi<CallName>, 'attach' | 'detach' | 'idle'>[];

  constructor(private readonly opts: ApiOptions) {
    this.recent = new RecentProjects(opts.home);
    const appRoot = opts.appRoot ?? findAppRoot();
    this.models = new ModelsApi(opts.home);
    this.scoring = new ScoringApi(
      appRoot,
      (p) => this.emit('job.progress', p),
      () => this.emit('library.changed', { reason: 'score' }),
      this.models,
    );
    this.review = new ReviewApi(opts.home, {
      annotationsChanged: (videoId) => this.emit('annotations.changed', { videoId }),
      proxyProgress: (p) => this.emit('proxy.progress', p),
    });
    const ctx: DomainContext = {
      emit: (name, payload) => this.emit(name, payload),
      home: opts.home,
      appRoot,
      settings: this.review.settings,
      requireStore: () => this.requireStore(),
    };
    this.pairs = new PairsApi(ctx);
    this.assistant = new AssistantApi(ctx, this.models);
    this.evaluation = new EvaluationApi(ctx);
    this.domains = [this.pairs, this.assistant, this.evaluation];
    this.handlers = this.buildHandlers();
  }

  get project(): ProjectStore | null {
    return this.store;
  }

  onEvent(listener: EventListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private emit<E extends EventName>(name: E, payload: Events[E]): void {
    this.emitter.emit('event', name, payload);
  }

  /** Open an existing project (used by hosts started with a project argument). */
  openProject(p: string): ProjectInfo {
    this.closeProject();
    this.store = ProjectStore.open(p);
    return this.afterOpen();
  }

  closeProject(): void {
    this.scoring.detach();
    this.review.detach();
    for (const d of this.domains) d.detach();
    for (const c of this.imports.values()) c.abort();
    this.imports.clear();
    this.store?.close();
    this.store = null;
  }

  dispose(): void {
    this.closeProject();
    this.emitter.removeAllListeners();
  }

  /** Wait until running imports have finished (tests, CLI). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
    await this.scoring.idle();
    await this.review.idle();
    for (const d of this.domains) await d.idle();
  }
  private running = new Set<Promise<unknown>>();
  /** Rows of the library page shown last: an import makes their posters first. */
  private shownIds: ReadonlySet<number> = new Set();

  private afterOpen(): ProjectInfo {
    const info = this.info();
    this.scoring.attach(this.requireStore());
    this.review.attach(this.requireStore());
    for (const d of this.domains) d.attach(this.requireStore());
    this.recent.touch(info.path, info.name);
    this.emit('project.changed', { project: info });
    return info;
  }

  private requireStore(): ProjectStore {
    if (!this.store)
      throw new ApiError('NO_PROJECT', 'No project is open. Create or open one first.');
    return this.store;
  }

  private info(): ProjectInfo {
    const s = this.requireStore();
    return {
      path: s.path,
      name: s.name,
      cacheDir: s.cacheDir,
      videoCount: s.videoCount(),
      schemaVersion: s.schemaVersion,
    };
  }

  private startImport(paths: string[]): string {
    const store = this.requireStore();
    const jobId = randomUUID();
    const controller = new AbortController();
    this.imports.set(jobId, controller);
    let lastRows = 0;
    const changed = throttle(1000, { closedAtStart: true });
    const run = importVideos(store, paths, {
      jobId,
      signal: controller.signal,
      concurrency: this.opts.importConcurrency,
      postersFirst: () => this.shownIds,
      // posters landing (or a row turning failed when its first frame does not decode)
      onPosters: () => {
        if (changed.pass()) this.emit('library.changed', { reason: 'import' });
      },
      onProgress: (p) => {
        this.emit('import.progress', p);
        // rows are committed in batches during the import: let the library show them as they land
        const rows = p.added + p.failed;
        if (rows > lastRows && changed.pass()) {
          lastRows = rows;
          this.emit('library.changed', { reason: 'import' });
        }
      },
    })
      .then((summary) => {
        this.emit('import.done', summary);
        this.emit('library.changed', { reason: 'import' });
      })
      .catch((e: unknown) => {
        this.emit('import.done', {
          jobId,
          added: 0,
          failed: 0,
          skipped: 0,
          cancelled: controller.signal.aborted,
          skippedItems: [],
          elapsedSec: 0,
          error: e instanceof Error ? e.message : String(e),
        });
      })
      .finally(() => {
        this.imports.delete(jobId);
        this.running.delete(run);
      });
    this.running.add(run);
    return jobId;
  }

  private buildHandlers(): Handlers {
    return {
      'app.info': async () => {
        let ffmpeg: CallOutput<'app.info'>['ffmpeg'];
        try {
          const t = resolveMediaTools();
          ffmpeg = { ffmpeg: t.ffmpeg, ffprobe: t.ffprobe, source: t.source };
        } catch (e) {
          ffmpeg = { error: (e as Error).message };
        }
        return {
          version: this.opts.version,
          host: this.opts.host,
          platform: `${process.platform}-${process.arch}`,
          ffmpeg,
        };
      },
      'project.create': async ({ path: p }) => {
        this.closeProject();
        this.store = ProjectStore.create(p);
        return this.afterOpen();
      },
      'project.open': async ({ path: p }) => this.openProject(p),
      'project.close': async () => {
        this.closeProject();
        this.emit('project.changed', { project: null });
        return null;
      },
      'project.current': async () => (this.store ? this.info() : null),
      'project.recent': async () => this.recent.list(),
      'project.forgetRecent': async ({ paths }) => this.recent.forget(paths),
      'library.list': async (q) => {
        const page = listLibrary(this.requireStore(), q);
        this.shownIds = new Set(page.rows.map((r) => r.id));
        return page;
      },
      'library.runs': async () => libraryRuns(this.requireStore()),
      'library.ids': async ({ filter }) => this.requireStore().videoIds(filter),
      'library.facets': async () => this.requireStore().facets(),
      'library.import': async ({ paths }) => ({ jobId: this.startImport(paths) }),
      'library.cancelImport': async ({ jobId }) => {
        const c = this.imports.get(jobId);
        c?.abort();
        return { cancelled: !!c };
      },
      'library.remove': async ({ ids }) => {
        const removed = this.requireStore().removeVideos(ids);
        this.emit('library.changed', { reason: 'remove' });
        return { removed };
      },
      'fs.listDir': async ({ path: p }) => listDir(p ?? this.store?.dir ?? os.homedir()),
      'score.scorers': async () => this.scoring.scorers(),
      'score.start': async (input) => this.scoring.start(this.requireStore(), input),
      'jobs.list': async () => (this.store ? this.scoring.list(this.store) : []),
      'jobs.cancel': async ({ jobId }) => this.scoring.cancel(jobId),
      'video.scores': async (input) => this.scoring.videoScores(this.requireStore(), input),
      'library.sparklines': async ({ ids, points, runId }) =>
        this.scoring.sparklines(ids, points, runId),
      'library.neighbors': async (input) => this.review.neighbors(input),
      'settings.get': async () => this.review.getSettings(),
      'settings.set': async (input) => this.review.setSettings(input),
      'annotations.list': async (input) => this.review.listAnnotations(input),
      'annotations.put': async (input) => this.review.putAnnotation(input),
      'annotations.delete': async (input) => this.review.deleteAnnotation(input),
      'annotations.restore': async (input) => this.review.restoreAnnotation(input),
      'media.info': async (input) => this.review.mediaInfo(input),
      'media.makeProxy': async (input) => this.review.makeProxy(input),
      'media.thumbStrip': async (input) => this.review.thumbStrip(input),
      ...this.pairs.handlers(),
      ...this.assistant.handlers(),
      ...this.evaluation.handlers(),
      ...this.models.handlers(),
    };
  }
}

/** A folder listing for the studio's file picker: folders first, hidden entries left out. */
export async function listDir(dir: string): Promise<CallOutput<'fs.listDir'>> {
  const abs = path.resolve(dir);
  let dirents: fs.Dirent[];
  try {
    dirents = await fs.promises.readdir(abs, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
          ? 'is not a folder'
          : code === 'EACCES'
            ? 'is not readable'
            : (e as Error).message;
    throw new ApiError('DIR_UNREADABLE', `${abs} ${why}`);
  }
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const full = path.join(abs, d.name);
    let isDir = d.isDirectory();
    if (d.isSymbolicLink()) {
      try {
        isDir = fs.statSync(full).isDirectory();
      } catch {
        continue;
      }
    }
    const kind: DirEntry['kind'] = isDir
      ? 'dir'
      : d.name.endsWith(PROJECT_EXT)
        ? 'project'
        : hasVideoExtension(d.name)
          ? 'video'
          : 'file';
    if (isDir && d.name.endsWith('.vqa2-cache')) continue;
    entries.push({ name: d.name, path: full, kind });
  }
  entries.sort((a, b) =>
    a.kind === 'dir' && b.kind !== 'dir'
      ? -1
      : b.kind === 'dir' && a.kind !== 'dir'
        ? 1
        : a.name.localeCompare(b.name, undefined, { numeric: true }),
  );
  const parent = path.dirname(abs);
  return { path: abs, parent: parent === abs ? null : parent, entries };
}
