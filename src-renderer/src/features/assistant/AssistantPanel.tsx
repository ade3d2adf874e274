// The assistant chat beside the review player: ask about the video under review, with the
// current time, segment or selected span attached; answers stream in; timestamps seek the player;
// any answer can be saved as an instruction pair. The built-in analyst (not an LMM) is the default.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { VideoScores } from '../../../../src-shared/contract';
import type {
  AttachmentInput,
  ChatMessageView,
  EngineView,
} from '../../../../src-shared/contract-assistant';
import { isNonAnswer } from '../../../../src-shared/contract-assistant';
import { ErrorOutlet, withErrorScope } from '../../common/data/error-sink';
import { useCall } from '../../common/data/useCall';
import type { PlayerController } from '../review/logic/player';
import type { TimeSpan } from '../review/logic/time';
import { clock, clockRange } from './logic/timestamps';
import { MessageText } from './MessageText';
import { EngineDialog } from './EngineDialog';
import { QbenchDialog } from './QbenchDialog';
import { useAssistantChat } from './useAssistantChat';
import './assistant.css';

export interface AssistantPanelProps {
  videoId: number;
  controller: PlayerController;
  durationSec: number;
  segments: VideoScores['segments'];
  /** Index of the segment under the playhead, if any. */
  currentSegment: number | null;
  /** The selected annotation span, if any. */
  selectedSpan: TimeSpan | null;
}

export const ANALYST_LABEL = 'Built-in analyst (not an LMM)';
const ENGINE_KEY = 'vqa2.assistant.engine';
type AttachKind = 'none' | 'time' | 'segment' | 'span';
const NO_ENGINES: EngineView[] = [];

function engineLabel(id: string, engines: EngineView[]): string {
  if (id === 'analyst') return ANALYST_LABEL;
  if (id.startsWith('lmm:')) return `${id.slice(4)} · in-process model`;
  const model = id.startsWith('openai:') ? id.slice(7) : id;
  const e = engines.find((x) => x.model === model);
  return e ? `${e.name} · ${e.model}` : model;
}

function attachLabel(a: ChatMessageView['attachment']): string | null {
  if (!a) return null;
  if (a.kind === 'time') return `at ${clock(a.sec)}`;
  return `${a.kind} ${clockRange(a.startSec, a.endSec)}`;
}

// its own error scope: the panel's failures show in the panel, beside the chat they belong to
export const AssistantPanel = withErrorScope(function AssistantPanel({
  videoId,
  controller,
  segments,
  currentSegment,
  selectedSpan,
}: AssistantPanelProps) {
  const chat = useAssistantChat(videoId);
  const enginesCall = useCall('assistant.engines', {});
  const engines = enginesCall.data?.engines ?? NO_ENGINES;
  const secretStore = enginesCall.data?.secretStore ?? '';
  const modelsCall = useCall('models.list', {});
  // installed models only: a missing one cannot answer
  const models = useMemo(
    () => (modelsCall.data ?? []).filter((x) => !x.missing),
    [modelsCall.data],
  );
  const loadEngines = () => {
    enginesCall.refetch();
    modelsCall.refetch();
  };
  const [engineId, setEngineId] = useState<string>(
    () => localStorage.getItem(ENGINE_KEY) ?? 'analyst',
  );
  const [attach, setAttach] = useState<AttachKind>('none');
  const [question, setQuestion] = useState('');
  const [dialog, setDialog] = useState<'engines' | 'qbench' | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const model = models.find((m) => m.id === engineId);
  const effectiveEngine =
    engineId === 'analyst' || model || engines.some((e) => e.id === engineId)
      ? engineId
      : 'analyst';
  const pickEngine = (id: string) => {
    setEngineId(id);
    localStorage.setItem(ENGINE_KEY, id);
  };

  // Whether the reader is at the newest message: then the list follows new text and keeps the
  // newest message in view when the panel changes size (a smaller window, the composer growing).
  const pinned = useRef(true);
  // The list's height when last observed: a scroll that comes with a new height is the browser
  // keeping its place through the resize, not the reader leaving the newest message.
  const listHeight = useRef(0);
  useEffect(() => {
    listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
    pinned.current = true;
  }, [chat.messages.length, chat.streamText]);
  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    listHeight.current = el.clientHeight;
    const ro = new ResizeObserver(() => {
      listHeight.current = el.clientHeight;
      if (pinned.current) el.scrollTo({ top: el.scrollHeight });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const seg = currentSegment != null ? segments[currentSegment] : undefined;
  const attachment = (): AttachmentInput | null => {
    if (attach === 'time') return { kind: 'time', sec: controller.time };
    if (attach === 'segment' && seg)
      return { kind: 'segment', idx: seg.idx, startSec: seg.startSec, endSec: seg.endSec };
    if (attach === 'span' && selectedSpan)
      return { kind: 'span', startSec: selectedSpan.startSec, endSec: selectedSpan.endSec };
    return null;
  };

  const submit = async () => {
    const q = question.trim();
    if (!q || chat.streaming) return;
    if (await chat.ask(q, effectiveEngine, attachment())) setQuestion('');
  };

  return (
    <section className="assistant-panel" data-testid="assistant-panel" aria-label="Assistant">
      <header className="assistant-head">
        <h2>Assistant</h2>
        <select
          aria-label="Engine"
          data-testid="assistant-engine"
          value={effectiveEngine}
          onChange={(e) => pickEngine(e.target.value)}
        >
          <option value="analyst">{ANALYST_LABEL}</option>
          {engines.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name} · {e.model}
            </option>
          ))}
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} · in-process model
            </option>
          ))}
        </select>
        <button
          type="button"
          className="small"
          onClick={() => setDialog('engines')}
          data-testid="assistant-engines"
          title="Add or edit OpenAI-compatible engines"
        >
          Engines…
        </button>
        <button
          type="button"
          className="small"
          onClick={() => setDialog('qbench')}
          data-testid="assistant-qbench"
          title="Run a question set against an engine"
        >
          Question sets…
        </button>
      </header>
      <p className="assistant-engine-note muted" data-testid="assistant-engine-label">
        {effectiveEngine === 'analyst'
          ? 'Answers only from this video’s stored scores, measurements, events and annotations.'
          : model
            ? 'Runs the model in the studio on this clip’s key frames (the attached range, or the whole clip); its answers are the model’s own.'
            : 'Sends this clip’s key frames and your question to the engine; its answers are the model’s own.'}
      </p>
      <ErrorOutlet />
      <div
        className="assistant-messages"
        ref={listRef}
        data-testid="assistant-messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          if (el.clientHeight !== listHeight.current) return;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {chat.messages.length === 0 && !chat.streaming ? (
          <p className="muted assistant-empty">
            Ask about this video: “Why is the quality poor?”, “When does it freeze?”, “Compare the
            first and last minute”.
          </p>
        ) : null}
        {chat.messages.map((m) => (
          <article
            key={m.id}
            className={`assistant-msg ${m.role}`}
            data-testid={`assistant-msg-${m.role}`}
            data-status={m.status}
          >
            <div className="assistant-meta">
              {m.role === 'user' ? 'You' : engineLabel(m.engine, engines)}
              {attachLabel(m.attachment) ? (
                <span className="assistant-attach-tag">{attachLabel(m.attachment)}</span>
              ) : null}
              {m.role === 'assistant' && m.timings.totalMs != null ? (
                <span className="muted">{(Number(m.timings.totalMs) / 1000).toFixed(1)} s</span>
              ) : null}
            </div>
            {m.text ? <MessageText text={m.text} onSeek={(s) => controller.seek(s)} /> : null}
            {m.status === 'error' ? <p className="error-text">{m.error}</p> : null}
            {m.status === 'cancelled' ? <p className="muted">Cancelled.</p> : null}
            {m.role === 'assistant' && m.status === 'done' && !m.text.trim() ? (
              <p className="muted" data-testid="assistant-empty">
                No answer: the model ended its reply at once.
              </p>
            ) : null}
            {m.role === 'assistant' && m.status === 'done' && !isNonAnswer(m.text) ? (
              <div className="assistant-actions">
                {chat.saved[m.id] ? (
                  <span className="muted" data-testid="assistant-saved">
                    Saved as draft pair {chat.saved[m.id]}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="small"
                    data-testid="assistant-save-pair"
                    onClick={() => void chat.savePair(m.id)}
                  >
                    Save as pair
                  </button>
                )}
              </div>
            ) : null}
          </article>
        ))}
        {chat.streaming ? (
          <article className="assistant-msg assistant streaming" data-testid="assistant-streaming">
            <div className="assistant-meta">
              {engineLabel(
                effectiveEngine === 'analyst'
                  ? 'analyst'
                  : model
                    ? `lmm:${model.name}`
                    : `openai:${engines.find((e) => e.id === effectiveEngine)?.model ?? ''}`,
                engines,
              )}{' '}
              ·{' '}
              {chat.queuePosition ? (
                <span data-testid="assistant-queue">
                  waiting for the model (place {chat.queuePosition} in line)…
                </span>
              ) : (
                'answering…'
              )}
            </div>
            <MessageText text={chat.streamText} onSeek={(s) => controller.seek(s)} />
          </article>
        ) : null}
      </div>
      <form
        className="assistant-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="assistant-attach">
          <span className="muted">Attach</span>
          <select
            value={attach}
            onChange={(e) => setAttach(e.target.value as AttachKind)}
            data-testid="assistant-attach"
          >
            <option value="none">whole video</option>
            <option value="time">current time</option>
            <option value="segment" disabled={!seg}>
              current segment{seg ? ` (${clockRange(seg.startSec, seg.endSec)})` : ''}
            </option>
            <option value="span" disabled={!selectedSpan}>
              selected span
              {selectedSpan ? ` (${clockRange(selectedSpan.startSec, selectedSpan.endSec)})` : ''}
            </option>
          </select>
        </label>
        <textarea
          value={question}
          rows={2}
          maxLength={4000}
          placeholder="Ask about this video…"
          aria-label="Question"
          data-testid="assistant-input"
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation(); // review shortcuts must not fire while typing
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <div className="assistant-buttons">
          <button
            type="button"
            className="small"
            onClick={() => void chat.newChat()}
            disabled={chat.streaming}
          >
            New chat
          </button>
          {chat.streaming ? (
            <button type="button" data-testid="assistant-cancel" onClick={() => void chat.cancel()}>
              Stop
            </button>
          ) : (
            <button
              type="submit"
              className="primary"
              data-testid="assistant-ask"
              disabled={!question.trim()}
            >
              Ask
            </button>
          )}
        </div>
      </form>
      {dialog === 'engines' ? (
        <EngineDialog
          engines={engines}
          secretStore={secretStore}
          onChanged={loadEngines}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'qbench' ? (
        <QbenchDialog engines={engines} models={models} onClose={() => setDialog(null)} />
      ) : null}
    </section>
  );
});
