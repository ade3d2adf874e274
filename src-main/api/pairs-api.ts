// Instruction pairs: templates, pairs, dataset export and import. Exports run as jobs
// (one at a time per id) with `pairs.exportProgress` events, cancelled when the project closes.
import { randomUUID } from 'node:crypto';
import { ApiError, type CallInput, type CallOutput } from '../../src-shared/contract';
import type { ExportProgress } from '../../src-shared/contract-pairs';
import type { ProjectStore } from '../services/store/project-store';
import { insertPair } from '../services/pairs/pair-store';
import {
  deletePairs,
  listPairs,
  pairFacets,
  pairRow,
  setPairStatus,
  updatePair,
} from '../services/pairs/pair-queries';
import {
  getTemplate,
  listTemplates,
  putTemplate,
  resetTemplate,
} from '../services/pairs/templates';
import { generatePairs, previewTemplate } from '../services/pairs/generate';
import { calibratedPredictor } from '../services/evaluation/calibrated-levels';
import { importDataset } from '../services/pairs/import-dataset';
import { exportDataset } from '../services/export/export-dataset';
import type { DomainApi, DomainContext, PairsCallName, HandlersFor } from './domain';
import { throttle } from '../services/util/throttle';

const PROGRESS_EVERY_MS = 200;

export class PairsApi implements DomainApi<PairsCallName> {
  private store: ProjectStore | null = null;
  private readonly exports = new Map<
    string,
    { controller: AbortController; done: Promise<void> }
  >();

  constructor(private readonly ctx: DomainContext) {}

  attach(store: ProjectStore): void {
    this.store = store;
  }

  detach(): void {
    for (const e of this.exports.values()) e.controller.abort();
    this.store = null;
  }

  async idle(): Promise<void> {
    await Promise.all([...this.exports.values()].map((e) => e.done));
  }

  private requireStore(): ProjectStore {
    return this.store ?? this.ctx.requireStore();
  }

  private startExport(input: CallInput<'pairs.export'>): CallOutput<'pairs.export'> {
    const store = this.requireStore();
    const jobId = randomUUID();
    const controller = new AbortController();
    const gate = throttle(PROGRESS_EVERY_MS);
    const emit = (p: Omit<ExportProgress, 'jobId'>) => {
      if (!gate.pass(p.status !== 'running' || p.done >= p.total)) return;
      this.ctx.emit('pairs.exportProgress', { jobId, ...p });
    };
    const done = exportDataset(store, input, { signal: controller.signal, onProgress: emit })
      .then(
        () => undefined,
        () => undefined, // reported through the failed/cancelled progress event
      )
      .finally(() => this.exports.delete(jobId));
    this.exports.set(jobId, { controller, done });
    return { jobId };
  }

  handlers(): HandlersFor<PairsCallName> {
    const changed = (reason: 'generate' | 'edit' | 'import' | 'delete') =>
      this.ctx.emit('pairs.changed', { reason });
    return {
      'pairs.list': async ({ filter, offset, limit }) =>
        listPairs(this.requireStore(), filter, offset, limit),
      'pairs.facets': async () => pairFacets(this.requireStore()),
      'pairs.create': async ({ videoId, conversations, startSec, endSec }) => {
        const store = this.requireStore();
        const p = insertPair(store, {
          videoId,
          conversations,
          startSec,
          endSec,
          source: 'manual',
          status: 'draft',
          extra: { style: 'llava' },
        });
        changed('edit');
        return pairRow(store, p.id);
      },
      'pairs.update': async ({ id, conversations, status }) => {
        const store = this.requireStore();
        updatePair(store, id, { conversations, status });
        changed('edit');
        return pairRow(store, id);
      },
      'pairs.setStatus': async ({ ids, status }) => {
        const updated = setPairStatus(this.requireStore(), ids, status);
        changed('edit');
        return { updated };
      },
      'pairs.delete': async ({ ids }) => {
        const deleted = deletePairs(this.requireStore(), ids);
        changed('delete');
        return { deleted };
      },
      'pairs.templates': async () => listTemplates(this.requireStore()),
      'pairs.putTemplate': async ({ id, body }) => putTemplate(this.requireStore(), id, body),
      'pairs.resetTemplate': async ({ id }) => resetTemplate(this.requireStore(), id),
      'pairs.preview': async ({ templateId, body, videoId }) => {
        const store = this.requireStore();
        getTemplate(store, templateId);
        const r = previewTemplate(store, templateId, videoId, body);
        return {
          problems: r.problems,
          pairs: r.pairs.map(
            ({ videoId, video2Id, startSec, endSec, conversations, levelFrom, provenance }) => ({
              videoId,
              video2Id,
              startSec,
              endSec,
              conversations,
              levelFrom,
              provenance,
            }),
          ),
        };
      },
      'pairs.generate': async ({ templateIds, videoIds, levels }) => {
        const store = this.requireStore();
        const r = generatePairs(
          store,
          templateIds,
          videoIds,
          levels === 'calibrated' ? { calibrated: calibratedPredictor(store) } : {},
        );
        changed('generate');
        return r;
      },
      'pairs.export': async (input) => this.startExport(input),
      'pairs.cancelExport': async ({ jobId }) => {
        const e = this.exports.get(jobId);
        if (!e) throw new ApiError('NOT_FOUND', `no running export ${jobId}`);
        e.controller.abort();
        return { cancelled: true };
      },
      'pairs.import': async ({ path, kind, asDraft, scale, maxMB }) => {
        const report = importDataset(this.requireStore(), path, kind, { asDraft, scale, maxMB });
        changed('import');
        return report;
      },
    };
  }
}
