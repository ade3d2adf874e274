// Instruction pairs of the project: templates, pair table, editor, export and import.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ProjectInfo } from '../../../../src-shared/contract';
import type { PairRow, PairsFilter } from '../../../../src-shared/contract-pairs';
import {
  LLAVA_PREAMBLE,
  PAIR_SOURCE_VALUES,
  PAIR_STATUS_VALUES,
} from '../../../../src-shared/contract-pairs';
import { ErrorOutlet, withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { plural } from '../../common/format';
import type { OpenVideo } from '../../common/open-video';
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
const NO_PAGE = { total: 0, rows: [] as PairRow[] };
const NO_FACETS = { videos: [], templates: [], counts: {} as Record<string, number> };

export const PairsView = withErrorScope(function PairsView({
  project,
  onBack,
  onOpenVideo,
}: PairsViewProps) {
  const [filter, setFilter] = useState<PairsFilter>({});
  const [offset, setOffset] = useState(0);
  const pageCall = useCall(
    'pairs.list',
    { filter, offset, limit: PAGE },
    { refetchOn: ['pairs.changed'] },
  );
  const facetsCall = useCall('pairs.facets', {}, { refetchOn: ['pairs.changed'] });
  const data = pageCall.data ?? NO_PAGE;
  const facets = facetsCall.data ?? NO_FACETS;
  const reload = () => {
    pageCall.refetch();
    facetsCall.refetch();
  };
  const setStatusCall = useAction('pairs.setStatus');
  const createCall = useAction('pairs.create');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [active, setActive] = useState<PairRow | null>(null);
  const [dialog, setDialog] = useState<'templates' | 'export' | 'import' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // the open pair follows its row in each new page (a status change made elsewhere)
  const page = pageCall.data;
  useEffect(() => {
    if (page) setActive((a) => (a ? (page.rows.find((r) => r.id === a.id) ?? a) : a));
  }, [page]);
  const playable = useCall('library.list', {
    offset: 0,
    limit: 1000,
    filter: { status: 'ok' },
    sort: { column: 'name', desc: false },
  }).data;
  const videos = useMemo(
    () => playable?.rows.map((v) => ({ id: v.id, name: v.name })) ?? [],
    [playable],
  );

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
    const r = await setStatusCall.run({ ids: [...selected], status });
    if (!r.ok) return;
    setNotice(`${plural(r.value.updated, 'pair')} ${status}.`);
    setSelected(new Set());
  };
  const newPair = async (videoId: number) => {
    const r = await createCall.run({
      videoId,
      conversations: [
        { from: 'human', value: `${LLAVA_PREAMBLE}Your question?` },
        { from: 'gpt', value: 'Your answer.' },
      ],
    });
    if (r.ok) setActive(r.value);
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
      <ErrorOutlet />
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
              reload();
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
            reload();
          }}
        />
      ) : null}
      {dialog === 'export' ? (
        <ExportDialog defaultDir={defaultDir} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'import' ? (
        <ImportDialog onImported={reload} onClose={() => setDialog(null)} />
      ) : null}
    </div>
  );
});
