// The chat of one video: loads its history, asks (the answer streams in through
// assistant.chunk events and lands with assistant.done), cancels, saves answers as pairs.
// Failures go to the enclosing error scope (the panel's).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentInput, ChatMessageView } from '../../../../src-shared/contract-assistant';
import { useApi } from '../../common/api/api-context';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';

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

  const askCall = useAction('assistant.ask');
  // stopping a question that has just ended is not a failure worth showing
  const cancelCall = useAction('assistant.cancel', { quiet: true });
  const savePairCall = useAction('assistant.savePair');
  const newChatCall = useAction('assistant.newChat');
  const history = useCall('assistant.chat', { videoId }, { keepPrevious: false }).data;
  useEffect(() => {
    if (history) addMessages(history.messages);
  }, [history, addMessages]);

  useEffect(() => {
    setMessages([]);
    setActive(null);
    activeRef.current = null;
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
      offChunk();
      offQueue();
      offDone();
    };
  }, [api, videoId, addMessages]);

  const ask = useCallback(
    async (question: string, engineId: string, attachment: AttachmentInput | null) => {
      const asked = await askCall.run({ videoId, question, engineId, attachment });
      if (!asked.ok) return false;
      const r = asked.value;
      addMessages([r.question]);
      const s = streams.current.get(r.requestId);
      if (!s?.done) {
        activeRef.current = r.requestId;
        setActive(r.requestId);
        setStreamText(s?.text ?? '');
        setQueuePosition(queues.current.get(r.requestId) ?? null);
      }
      return true;
    },
    [askCall, videoId, addMessages],
  );

  const cancel = useCallback(async () => {
    if (activeRef.current) await cancelCall.run({ requestId: activeRef.current });
  }, [cancelCall]);

  const savePair = useCallback(
    async (messageId: number) => {
      const r = await savePairCall.run({ messageId });
      if (r.ok) setSaved((s) => ({ ...s, [messageId]: r.value.uid }));
    },
    [savePairCall],
  );

  const newChat = useCallback(async () => {
    if ((await newChatCall.run({ videoId })).ok) setMessages([]);
  }, [newChatCall, videoId]);

  return {
    messages,
    streaming: active !== null,
    streamText,
    queuePosition,
    saved,
    ask,
    cancel,
    savePair,
    newChat,
  };
}
