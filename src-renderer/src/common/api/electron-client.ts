// ApiClient over the preload bridge (window.studio) in the Electron host.
import type {
  ApiClient,
  CallInput,
  CallName,
  CallOutput,
  EventName,
  Events,
  MediaKind,
} from '../../../../src-shared/contract';
import { ApiError } from '../../../../src-shared/contract';
import type { StudioBridge } from '../../../../src-preload/bridge';

export class ElectronApiClient implements ApiClient {
  readonly host = 'electron' as const;
  constructor(private readonly bridge: StudioBridge) {}

  async call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
    const r = await this.bridge.invoke(name, input);
    if (!r.ok) throw new ApiError(r.error.code, r.error.message);
    return r.result as CallOutput<K>;
  }

  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void {
    return this.bridge.on(name, listener as (p: unknown) => void);
  }

  mediaUrl(kind: MediaKind, videoId: number): string {
    return `vqa2-media://${kind}/${videoId}`;
  }

  pathForFile(file: File): string | null {
    return this.bridge.pathForFile(file) || null;
  }
}
