// Templates: pick one, edit its question and answer (placeholders checked as you type), see what
// it makes for a video live, save it to the project, and generate draft pairs.
import { useEffect, useState } from 'react';
import type {
  GeneratedPairPreview,
  TemplateBody,
  TemplateRow,
} from '../../../../src-shared/contract-pairs';
import { useApi } from '../../common/api/api-context';
import { plural } from '../../common/format';
import { usePostError, withErrorScope } from '../../common/data/error-sink';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { basisLabel, rangeLabel } from './logic/pair-text';
import { Modal } from '../../common/ui/Modal';
import { LevelsChoice, useRunsInfo } from './LevelsChoice';
import type { LevelsSource } from './logic/levels-choice';

interface TemplatesDialogProps {
  videos: { id: number; name: string }[];
  onGenerated(message: string): void;
  onClose(): void;
}

export const TemplatesDialog = withErrorScope(function TemplatesDialog({
  videos,
  onGenerated,
  onClose,
}: TemplatesDialogProps) {
  const api = useApi();
  const [templates, setTemplates] = useState<TemplateRow[]>([]);
  const [activeId, setActiveId] = useState('rating');
  const [body, setBody] = useState<TemplateBody | null>(null);
  // the video the preview is for: the one picked, else the first (the list may still be loading
  // when the dialog opens, so this is derived rather than set once)
  const [picked, setPicked] = useState<number | null>(null);
  const videoId = picked ?? videos[0]?.id ?? null;
  const [preview, setPreview] = useState<{
    pairs: GeneratedPairPreview[];
    problems: string[];
  } | null>(null);
  const [checked, setChecked] = useState<Set<string>>(
    new Set(['rating', 'distortion', 'temporal', 'qbench', 'comparison']),
  );
  const sink = usePostError();
  const putTemplate = useAction('pairs.putTemplate');
  const resetTemplate = useAction('pairs.resetTemplate');
  const generateCall = useAction('pairs.generate');
  // generation uses the library's default run; its calibration, when chosen, sets unrated levels
  const runs = useRunsInfo();
  const [levels, setLevels] = useState<LevelsSource>('model');

  const listed = useCall('pairs.templates', {}).data;
  useEffect(() => {
    if (listed) setTemplates(listed);
  }, [listed]);
  const active = templates.find((t) => t.id === activeId);
  useEffect(() => {
    if (active) setBody(active.body);
  }, [active]);
  useEffect(() => {
    if (!body || videoId == null) return;
    const t = setTimeout(() => {
      api
        .call('pairs.preview', { templateId: activeId, body, videoId })
        .then(setPreview, (e: unknown) => sink.post(e, 'pairs.preview'));
    }, 150);
    return () => clearTimeout(t);
  }, [api, sink, activeId, body, videoId]);

  const save = async () => {
    if (!body) return;
    const r = await putTemplate.run({ id: activeId, body });
    if (r.ok) setTemplates((ts) => ts.map((t) => (t.id === r.value.id ? r.value : t)));
  };
  const reset = async () => {
    const r = await resetTemplate.run({ id: activeId });
    if (r.ok) setTemplates((ts) => ts.map((t) => (t.id === r.value.id ? r.value : t)));
  };
  const generate = async () => {
    const r = await generateCall.run({ templateIds: [...checked], levels });
    if (!r.ok) return;
    const { created, videos: n, replaced } = r.value;
    onGenerated(
      `Generated ${plural(created, 'draft pair')} for ${plural(n, 'video')}${replaced ? ` (replaced ${replaced} earlier drafts)` : ''}.`,
    );
  };
  const dirty = active && body && JSON.stringify(body) !== JSON.stringify(active.body);

  return (
    <Modal
      title="Pair templates"
      onClose={onClose}
      className="pairs-modal-wide"
      testId="templates-dialog"
    >
      <div className="modal-body templates-body">
        <ul className="template-list" role="listbox" aria-label="Templates">
          {templates.map((t) => (
            <li key={t.id} className={t.id === activeId ? 'active' : undefined}>
              <input
                type="checkbox"
                aria-label={`Generate with ${t.name}`}
                data-testid={`template-check-${t.id}`}
                checked={checked.has(t.id)}
                onChange={(e) =>
                  setChecked((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(t.id);
                    else n.delete(t.id);
                    return n;
                  })
                }
              />
              <button
                type="button"
                className="link-button"
                data-testid={`template-${t.id}`}
                onClick={() => setActiveId(t.id)}
              >
                {t.name}
                {t.edited ? <span className="muted"> (edited)</span> : null}
              </button>
            </li>
          ))}
        </ul>
        {active && body ? (
          <div className="template-edit">
            <label className="field">
              <span className="section-label">
                Question{' '}
                {active.placeholders.question.length ? (
                  <span className="muted mono">
                    {active.placeholders.question.map((p) => `{${p}}`).join(' ')}
                  </span>
                ) : null}
              </span>
              <textarea
                data-testid="template-question"
                rows={2}
                value={body.question}
                onChange={(e) => setBody({ ...body, question: e.target.value })}
              />
            </label>
            <label className="field">
              <span className="section-label">
                Answer{' '}
                <span className="muted mono">
                  {active.placeholders.answer.map((p) => `{${p}}`).join(' ')}
                </span>
              </span>
              <textarea
                data-testid="template-answer"
                rows={2}
                value={body.answer}
                onChange={(e) => setBody({ ...body, answer: e.target.value })}
              />
            </label>
            {active.kind === 'distortion' ? (
              <label className="choice">
                <input
                  type="checkbox"
                  data-testid="template-per-span"
                  checked={!!body.perSpan}
                  onChange={(e) => setBody({ ...body, perSpan: e.target.checked })}
                />{' '}
                Also one time-range pair per span
              </label>
            ) : null}
            <p className="muted">
              The visual preamble (LLaVA key frames + motion <code>&lt;image&gt;</code>) is added by
              the format. Values come only from stored annotations, scores and events.
            </p>
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={!dirty}
                onClick={() => void save()}
                data-testid="template-save"
              >
                Save template
              </button>
              <button type="button" disabled={!active.edited} onClick={() => void reset()}>
                Reset to default
              </button>
            </div>
            <label className="field">
              <span className="section-label">Preview for</span>
              <select
                value={videoId ?? ''}
                onChange={(e) => setPicked(Number(e.target.value))}
                data-testid="template-preview-video"
              >
                {videos.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            </label>
            <div className="template-preview" data-testid="template-preview">
              {preview?.problems.map((p) => (
                <p key={p} className="error-text">
                  {p}
                </p>
              ))}
              {preview && !preview.problems.length && preview.pairs.length === 0 ? (
                <p className="muted">Nothing stored for this video that this template can state.</p>
              ) : null}
              {preview?.pairs.map((p, i) => (
                <div key={i} className="preview-pair">
                  <div className="muted">
                    {rangeLabel(p.startSec, p.endSec)}
                    {p.levelFrom ? ` · level from ${basisLabel(p.levelFrom)}` : ''}
                  </div>
                  {p.conversations.map((t, k) => (
                    <pre key={k} className={`preview-turn preview-${t.from}`}>
                      {t.value}
                    </pre>
                  ))}
                </div>
              ))}
            </div>
          </div>
        ) : null}
      </div>
      <div className="modal-body templates-levels">
        <LevelsChoice
          info={runs}
          runId={undefined}
          value={levels}
          onChange={setLevels}
          testId="generate-levels"
        />
      </div>
      <footer className="modal-footer">
        <span className="muted">
          Generating replaces earlier drafts of the same template; approved pairs stay.
        </span>
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          data-testid="templates-generate"
          disabled={generateCall.pending || checked.size === 0}
          onClick={() => void generate()}
        >
          Generate for all videos
        </button>
      </footer>
    </Modal>
  );
});
