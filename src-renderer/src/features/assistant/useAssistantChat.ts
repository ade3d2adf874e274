// The chat of one video: loads its history, asks (the answer streams in through
// assistant.chunk events and lands with assistant.done), cancels, saves answers as pairs.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentInput, ChatMessageView } from '../../../../src-shared/contract-assistant';
import { useApi } from '../../shared/api/api-context';
import { errorMessage } from '../../shared/format';

interface Stream {
  text: string;
  done: boolean;
}

export function useAssistantChat(videoId: number) {
  const api = useApi();
  const [messages, setMessages] = useState<ChatMessageView[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [streamText, setStreamText] = useState('');
  /** Place of the active question in an in-process model's queue (0 or null: not waiting). */
  const [queuePosition, setQueuePosition] = useState<number | null>(null);
  const queues = useRef(new Map<string, number>());
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<Record<number, string>>({});
  // events may come before the ask call returns its request id: keep them by id
  const streams = useRef(new Map<string, Stream>());
  const activeRef = useRef<string | null>(null);

  const addMessages = useCallback((ms: ChatMessageView[]) => {
    setMessages((prev) => {
      const byId = new Map(prev.map((m) => [m.id, m]));
      for (const m of ms) byId.set(m.id, m);
      return [...byId.values()].sort((a, b) => a.id - b.id);
    });
  }, []);

  useEffect(() => {
    let live = true;
    setMessages([]);
    setActive(null);
    activeRef.current = null;
    api
      .call('assistant.chat', { videoId })
      .then((r) => live && addMessages(r.messages))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    const offChunk = api.on('assistant.chunk', (p) => {
      if (p.videoId !== videoId) return;
      const s = streams.current.get(p.requestId) ?? { text: '', done: false };
      s.text += p.text;
      streams.current.set(p.requestId, s);
      if (activeRef.current === p.requestId) setStreamText(s.text);
    });
    const offQueue = api.on('assistant.queue', (p) => {
      if (p.videoId !== videoId) return;
      queues.current.set(p.requestId, p.position);
      if (activeRef.current === p.requestId) setQueuePosition(p.position);
    });
    const offDone = api.on('assistant.done', (p) => {
      if (p.videoId !== videoId) return;
      const s = streams.current.get(p.requestId) ?? { text: '', done: false };
      s.done = true;
      streams.current.set(p.requestId, s);
      addMessages([p.message]);
      if (activeRef.current === p.requestId) {
        activeRef.current = null;
        setActive(null);
        setStreamText('');
        setQueuePosition(null);
      }
    });
    return () => {
      live = false;
      offChunk();
      offQueue();
      offDone();
    };
  }, [api, videoId, addMessages]);

  const ask = useCallback(
    async (question: string, engineId: string, attachment: AttachmentInput | null) => {
      setError(null);
      try {
        const r = await api.call('assistant.ask', { videoId, question, engineId, attachment });
        addMessages([r.question]);
        const s = streams.current.get(r.requestId);
        if (!s?.done) {
          activeRef.current = r.requestId;
          setActive(r.requestId);
          setStreamText(s?.text ?? '');
          setQueuePosition(queues.current.get(r.requestId) ?? null);
        }
        return true;
      } catch (e) {
        setError(errorMessage(e));
        return false;
      }
    },
    [api, videoId, addMessages],
  );

  const cancel = useCallback(async () => {
    if (activeRef.current)
      await api.call('assistant.cancel', { requestId: activeRef.current }).catch(() => undefined);
  }, [api]);

  const savePair = useCallback(
    async (messageId: number) => {
      setError(null);
      try {
        const r = await api.call('assistant.savePair', { messageId });
        setSaved((s) => ({ ...s, [messageId]: r.uid }));
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [api],
  );

  const newChat = useCallback(async () => {
    await api.call('assistant.newChat', { videoId });
    setMessages([]);
  }, [api, videoId]);

  return {
    messages,
    streaming: active !== null,
    streamText,
    queuePosition,
    error,
    setError,
    saved,
    ask,
    cancel,
    savePair,
    newChat,
  };
}
