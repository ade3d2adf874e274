// ApiClient over the web host's WebSocket (same calls and events as Electron's IPC).
import type {
  ApiClient,
  CallInput,
  CallName,
  CallOutput,
  EventName,
  Events,
  MediaKind,
} from '../../../../src-shared/contract';
import { ApiError, type ApiErrorShape } from '../../../../src-shared/contract';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type ServerMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ApiErrorShape }
  | { event: EventName; payload: unknown };

export class WebSocketApiClient implements ApiClient {
  readonly host = 'web' as const;
  private ws: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners = new Map<EventName, Set<(p: never) => void>>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private connect(): Promise<WebSocket> {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) return Promise.resolve(this.ws);
    if (this.opening) return this.opening;
    const url = new URL('/api', this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    this.opening = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        this.ws = ws;
        this.opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        this.opening = null;
        reject(
          new ApiError('DISCONNECTED', 'Cannot reach the studio server (is it still running?)'),
        );
      };
      ws.onclose = () => {
        this.ws = null;
        for (const p of this.pending.values()) {
          p.reject(new ApiError('DISCONNECTED', 'Connection to the studio server was lost'));
        }
        this.pending.clear();
      };
      ws.onmessage = (ev) => this.onMessage(JSON.parse(String(ev.data)) as ServerMessage);
    });
    return this.opening;
  }

  private onMessage(msg: ServerMessage): void {
    if ('event' in msg) {
      for (const l of this.listeners.get(msg.event) ?? []) (l as (p: unknown) => void)(msg.payload);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new ApiError(msg.error.code, msg.error.message));
  }

  async call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
    const ws = await this.connect();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, call: name, input }));
    });
  }

  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (p: never) => void);
    void this.connect().catch(() => undefined);
    return () => set!.delete(listener as (p: never) => void);
  }

  mediaUrl(kind: MediaKind, videoId: number): string {
    const route = kind === 'video' ? 'media' : kind;
    return `/${route}/${videoId}?token=${encodeURIComponent(this.token)}`;
  }
}
