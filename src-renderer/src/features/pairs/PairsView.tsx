// Instruction pairs of the project: templates, pair table, editor, export and import.
import { useCallback, useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../../src-shared/contract';
import type { PairRow, PairsFilter } from '../../../../src-shared/contract-pairs';
import {
  LLAVA_PREAMBLE,
  PAIR_SOURCE_VALUES,
  PAIR_STATUS_VALUES,
} from '../../../../src-shared/contract-pairs';
import { useApi } from '../../shared/api/api-context';
import { errorMessage, plural } from '../../shared/format';
import type { OpenVideo } from '../../shared/open-video';
import { ErrorBanner } from '../../shared/ui/ErrorBanner';
import { PairsTable } from './PairsTable';
import { PairEditor } from './PairEditor';
import { TemplatesDialog } from './TemplatesDialog';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import './pairs.css';

export interface PairsViewProps {
  project: ProjectInfo;
  onBack(): void;
  onOpenVideo: OpenVideo;
}

const PAGE = 100;
type Facets = {
  videos: { id: number; name: string; count: number }[];
  templates: string[];
  counts: Record<string, number>;
};

export function PairsView({ project, onBack, onOpenVideo }: PairsViewProps) {
  const api = useApi();
  const [filter, setFilter] = useState<PairsFilter>({});
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ total: number; rows: PairRow[] }>({ total: 0, rows: [] });
  const [facets, setFacets] = useState<Facets>({ videos: [], templates: [], counts: {} });
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [active, setActive] = useState<PairRow | null>(null);
  const [dialog, setDialog] = useState<'templates' | 'export' | 'import' | null>(null);
  const [videos, setVideos] = useState<{ id: number; name: string }[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [page, f] = await Promise.all([
        api.call('pairs.list', { filter, offset, limit: PAGE }),
        api.call('pairs.facets', {}),
      ]);
      setData(page);
      setFacets(f);
      setActive((a) => (a ? (page.rows.find((r) => r.id === a.id) ?? a) : a));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api, filter, offset]);
  useEffect(() => void reload(), [reload]);
  useEffect(() => api.on('pairs.changed', () => void reload()), [api, reload]);
  useEffect(() => {
    void api
      .call('library.list', {
        offset: 0,
        limit: 1000,
        filter: { status: 'ok' },
        sort: { column: 'name', desc: false },
      })
      .then((r) => setVideos(r.rows.map((v) => ({ id: v.id, name: v.name }))));
  }, [api]);

  const setF = (patch: Partial<PairsFilter>) => {
    setFilter((f) => {
      const next: PairsFilter = { ...f, ...patch };
      for (const k of Object.keys(next) as (keyof PairsFilter)[])
        if (next[k] === undefined || next[k] === '') delete next[k];
      return next;
    });
    setOffset(0);
    setSelected(new Set());
  };
  const bulk = async (status: PairRow['status']) => {
    try {
      const r = await api.call('pairs.setStatus', { ids: [...selected], status });
      setNotice(`${plural(r.updated, 'pair')} ${status}.`);
      setSelected(new Set());
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const newPair = async (videoId: number) => {
    try {
      const row = await api.call('pairs.create', {
        videoId,
        conversations: [
          { from: 'human', value: `${LLAVA_PREAMBLE}Your question?` },
          { from: 'gpt', value: 'Your answer.' },
        ],
      });
      setActive(row);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const toggle = useCallback(
    (id: number) =>
      setSelected((s) => {
        const n = new Set(s);
        if (n.has(id)) n.delete(id);
        else n.add(id);
        return n;
      }),
    [],
  );
  const toggleAll = useCallback(
    (on: boolean) => setSelected(on ? new Set(data.rows.map((r) => r.id)) : new Set()),
    [data.rows],
  );
  const defaultDir = `${project.path.replace(/[^/\\]*$/, '')}${project.name}-dataset`;

  return (
    <div className="overlay-view pairs-view" data-testid="pairs-view">
      <header className="app-header">
        <button type="button" data-testid="pairs-back" onClick={onBack}>
          ← Library
        </button>
        <h1 className="project-name">Instruction pairs — {project.name}</h1>
        <span className="muted" data-testid="pairs-counts">
          {facets.counts.approved ?? 0} approved · {facets.counts.draft ?? 0} draft ·{' '}
          {facets.counts.rejected ?? 0} rejected
        </span>
        <span className="spacer" />
        <button type="button" data-testid="pairs-templates" onClick={() => setDialog('templates')}>
          Templates & generate…
        </button>
        <button type="button" data-testid="pairs-import" onClick={() => setDialog('import')}>
          Import…
        </button>
        <button
          type="button"
          className="primary"
          data-testid="pairs-export"
          onClick={() => setDialog('export')}
        >
          Export…
        </button>
      </header>
      <div className="toolbar pairs-filters">
        <select
          aria-label="Status"
          data-testid="filter-status"
          value={filter.status ?? ''}
          onChange={(e) => setF({ status: (e.target.value || undefined) as PairsFilter['status'] })}
        >
          <option value="">Any status</option>
          {PAIR_STATUS_VALUES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select
          aria-label="Source"
          value={filter.source ?? ''}
          onChange={(e) => setF({ source: (e.target.value || undefined) as PairsFilter['source'] })}
        >
          <option value="">Any source</option>
          {PAIR_SOURCE_VALUES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select
          aria-label="Video"
          value={filter.videoId ?? ''}
          onChange={(e) => setF({ videoId: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">Any video</option>
          {facets.videos.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name} ({v.count})
            </option>
          ))}
        </select>
        <select
          aria-label="Template"
          value={filter.templateId ?? ''}
          onChange={(e) => setF({ templateId: e.target.value || undefined })}
        >
          <option value="">Any template</option>
          {facets.templates.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <input
          className="filter-input"
          placeholder="Search text or id"
          value={filter.text ?? ''}
          onChange={(e) => setF({ text: e.target.value || undefined })}
        />
        <button
          type="button"
          data-testid="pairs-new"
          disabled={!filter.videoId}
          title={
            filter.videoId
              ? 'A manual pair about the chosen video'
              : 'Choose a video in the filter first'
          }
          onClick={() => filter.videoId && void newPair(filter.videoId)}
        >
          + New pair
        </button>
        <span className="spacer" />
        <span className="muted">
          {selected.size ? `${selected.size} selected` : `${plural(data.total, 'pair')}`}
        </span>
        <button
          type="button"
          data-testid="bulk-approve"
          disabled={!selected.size}
          onClick={() => void bulk('approved')}
        >
          Approve
        </button>
        <button
          type="button"
          data-testid="bulk-reject"
          disabled={!selected.size}
          onClick={() => void bulk('rejected')}
        >
          Reject
        </button>
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE))}
          aria-label="Previous page"
        >
          ‹
        </button>
        <span className="muted">
          {data.total ? `${offset + 1}–${Math.min(offset + PAGE, data.total)}` : '0'}
        </span>
        <button
          type="button"
          disabled={offset + PAGE >= data.total}
          onClick={() => setOffset(offset + PAGE)}
          aria-label="Next page"
        >
          ›
        </button>
      </div>
      <ErrorBanner message={error} onDismiss={() => setError(null)} />
      {notice ? (
        <div className="notice" data-testid="pairs-notice">
          {notice}
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => setNotice(null)}
          >
            ×
          </button>
        </div>
      ) : null}
      <div className="pairs-main">
        <PairsTable
          rows={data.rows}
          selected={selected}
          activeId={active?.id ?? null}
          onToggle={toggle}
          onToggleAll={toggleAll}
          onOpen={setActive}
        />
        {active ? (
          <PairEditor
            pair={active}
            onOpenVideo={onOpenVideo}
            onSaved={(row) => {
              setActive(row);
              void reload();
            }}
          />
        ) : (
          <aside className="pair-editor pair-editor-empty muted">Select a pair to edit it.</aside>
        )}
      </div>
      {dialog === 'templates' ? (
        <TemplatesDialog
          videos={videos}
          onClose={() => setDialog(null)}
          onGenerated={(m) => {
            setNotice(m);
            setDialog(null);
            void reload();
          }}
        />
      ) : null}
      {dialog === 'export' ? (
        <ExportDialog defaultDir={defaultDir} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'import' ? (
        <ImportDialog onImported={() => void reload()} onClose={() => setDialog(null)} />
      ) : null}
    </div>
  );
}
