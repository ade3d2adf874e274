// Chats per video, their messages (role, text, engine, timings, attachment) and engine configs
// (without secrets) in the project file (schema v6). Each write is one statement or transaction.
import type { ProjectStore } from '../store/project-store';
import type { ChatMessageView } from '../../../src-shared/contract-assistant';
import type { Attachment } from '../engines/engine';

/** A stored message, as the contract returns it. */
export type ChatMessageRecord = ChatMessageView;

export interface EngineConfigRecord {
  id: string;
  name: string;
  baseUrl: string;
  model: string;
  /** Name of the secret entry holding the key; null for none. Never the key itself. */
  keyRef: string | null;
  options: Record<string, unknown>;
  updatedAt: string;
}

interface MsgRow {
  id: number;
  chat_id: number;
  role: 'user' | 'assistant';
  text: string;
  engine: string;
  attach_kind: 'time' | 'segment' | 'span' | null;
  start_sec: number | null;
  end_sec: number | null;
  segment_idx: number | null;
  status: ChatMessageRecord['status'];
  error: string | null;
  timings_json: string;
  created_at: string;
}

function toAttachment(r: MsgRow): Attachment | null {
  if (r.attach_kind === 'time') return { kind: 'time', sec: r.start_sec ?? 0 };
  if (r.attach_kind === 'segment')
    return {
      kind: 'segment',
      idx: r.segment_idx ?? 0,
      startSec: r.start_sec ?? 0,
      endSec: r.end_sec ?? 0,
    };
  if (r.attach_kind === 'span')
    return { kind: 'span', startSec: r.start_sec ?? 0, endSec: r.end_sec ?? 0 };
  return null;
}

const toMsg = (r: MsgRow): ChatMessageRecord => ({
  id: r.id,
  chatId: r.chat_id,
  role: r.role,
  text: r.text,
  engine: r.engine,
  attachment: toAttachment(r),
  status: r.status,
  error: r.error,
  timings: JSON.parse(r.timings_json) as Record<string, number | null>,
  createdAt: r.created_at,
});

export class ChatStore {
  constructor(private readonly store: ProjectStore) {}

  private get db() {
    return this.store.connection;
  }

  /** The newest chat of a video, created when there is none. */
  chatFor(videoId: number, fresh = false): number {
    if (!fresh) {
      const r = this.db
        .prepare('SELECT max(id) AS id FROM chats WHERE video_id = ?')
        .get(videoId) as { id: number | null };
      if (r.id != null) return r.id;
    }
    return Number(
      this.db
        .prepare('INSERT INTO chats (video_id, created_at) VALUES (?, ?)')
        .run(videoId, new Date().toISOString()).lastInsertRowid,
    );
  }

  videoOfChat(chatId: number): number | undefined {
    const r = this.db.prepare('SELECT video_id FROM chats WHERE id = ?').get(chatId) as
      { video_id: number } | undefined;
    return r?.video_id;
  }

  addMessage(
    chatId: number,
    m: {
      role: 'user' | 'assistant';
      text: string;
      engine: string;
      attachment?: Attachment | null;
      status?: ChatMessageRecord['status'];
      error?: string | null;
      timings?: Record<string, number | null>;
    },
  ): ChatMessageRecord {
    const a = m.attachment ?? null;
    const start = a ? (a.kind === 'time' ? a.sec : a.startSec) : null;
    const end = a && a.kind !== 'time' ? a.endSec : null;
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO chat_messages (chat_id, role, text, engine, attach_kind, start_sec, end_sec, segment_idx, status, error, timings_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          chatId,
          m.role,
          m.text,
          m.engine,
          a?.kind ?? null,
          start,
          end,
          a?.kind === 'segment' ? a.idx : null,
          m.status ?? 'done',
          m.error ?? null,
          JSON.stringify(m.timings ?? {}),
          new Date().toISOString(),
        ).lastInsertRowid,
    );
    return this.message(id)!;
  }

  message(id: number): ChatMessageRecord | undefined {
    const r = this.db.prepare('SELECT * FROM chat_messages WHERE id = ?').get(id) as
      MsgRow | undefined;
    return r && toMsg(r);
  }

  messages(chatId: number): ChatMessageRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM chat_messages WHERE chat_id = ? ORDER BY id')
        .all(chatId) as MsgRow[]
    ).map(toMsg);
  }

  /** The user message answered by an assistant message (the one just before it). */
  questionOf(answerId: number): ChatMessageRecord | undefined {
    const a = this.message(answerId);
    if (!a) return undefined;
    const r = this.db
      .prepare(
        "SELECT * FROM chat_messages WHERE chat_id = ? AND id < ? AND role = 'user' ORDER BY id DESC LIMIT 1",
      )
      .get(a.chatId, answerId) as MsgRow | undefined;
    return r && toMsg(r);
  }

  // ---------- engine configs ----------

  engines(): EngineConfigRecord[] {
    return (
      this.db.prepare('SELECT * FROM engine_configs ORDER BY name').all() as {
        id: string;
        name: string;
        base_url: string;
        model: string;
        key_ref: string | null;
        options_json: string;
        updated_at: string;
      }[]
    ).map((r) => ({
      id: r.id,
      name: r.name,
      baseUrl: r.base_url,
      model: r.model,
      keyRef: r.key_ref,
      options: JSON.parse(r.options_json) as Record<string, unknown>,
      updatedAt: r.updated_at,
    }));
  }

  engine(id: string): EngineConfigRecord | undefined {
    return this.engines().find((e) => e.id === id);
  }

  putEngine(e: Omit<EngineConfigRecord, 'updatedAt'>): EngineConfigRecord {
    this.db
      .prepare(
        `INSERT INTO engine_configs (id, name, base_url, model, key_ref, options_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url, model = excluded.model,
           key_ref = excluded.key_ref, options_json = excluded.options_json, updated_at = excluded.updated_at`,
      )
      .run(
        e.id,
        e.name,
        e.baseUrl,
        e.model,
        e.keyRef,
        JSON.stringify(e.options),
        new Date().toISOString(),
      );
    return this.engine(e.id)!;
  }

  deleteEngine(id: string): boolean {
    return this.db.prepare('DELETE FROM engine_configs WHERE id = ?').run(id).changes > 0;
  }
}
