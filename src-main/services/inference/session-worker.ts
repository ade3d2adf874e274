// An ONNX Runtime session in a worker thread. onnxruntime-node's `session.run` returns a promise
// but computes on the calling thread, so in the main thread nothing else runs meanwhile: the
// ffmpeg pipes that feed the scorer are not drained, ffmpeg stops at a full pipe, and decoding
// waits for inference instead of overlapping with it. In a worker the main thread keeps reading
// frames while the model runs. Same model, same runtime, same options: the same numbers.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { ProviderName } from './packs';

export interface WorkerSessionOptions {
  provider: ProviderName;
  threads?: number;
  spinning?: boolean;
}

/** Plain tensors cross the thread boundary: name → data and dims. */
export type FloatFeeds = Record<string, { data: Float32Array; dims: readonly number[] }>;
/** Inputs may also be 8-bit (decoded frames as they come); the element type follows the array. */
export type Feeds = Record<string, { data: Float32Array | Uint8Array; dims: readonly number[] }>;

// Plain CommonJS, run with `eval`: the same source works from TypeScript under test and from the
// bundled app, with no separate worker file to ship. onnxruntime-node's path comes in workerData.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const ready = ort.InferenceSession.create(workerData.model, workerData.options);
ready.catch(() => undefined);
parentPort.on('message', async (m) => {
  try {
    const session = await ready;
    if (m.kind === 'release') {
      await session.release();
      parentPort.postMessage({ id: m.id, ok: true, out: {} });
      return;
    }
    const feeds = {};
    for (const [name, t] of Object.entries(m.feeds))
      feeds[name] = new ort.Tensor(t.data instanceof Uint8Array ? 'uint8' : 'float32', t.data, t.dims);
    const out = await session.run(feeds);
    const res = {};
    const transfer = [];
    for (const [name, t] of Object.entries(out)) {
      const data = new Float32Array(t.data);
      res[name] = { data, dims: t.dims };
      transfer.push(data.buffer);
    }
    parentPort.postMessage({ id: m.id, ok: true, out: res }, transfer);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String((e && e.message) || e) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  out?: FloatFeeds;
  message?: string;
}

/** One session in its own thread; runs are answered in the order they were sent. */
export class WorkerSession {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (o: FloatFeeds) => void; reject: (e: Error) => void }
  >();
  private failed: Error | null = null;

  constructor(modelPath: string, opts: WorkerSessionOptions) {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ortPath,
        model: modelPath,
        options: {
          executionProviders: [opts.provider],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 4,
          ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
          ...(opts.spinning === false
            ? { extra: { session: { intra_op: { allow_spinning: '0' } } } }
            : {}),
        },
      },
    });
    // An idle session does not keep the process alive; a run in progress does (see run()).
    this.worker.unref();
    this.worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (!this.pending.size) this.worker.unref();
      if (r.ok) p.resolve(r.out ?? {});
      else p.reject(new Error(r.message ?? 'ONNX Runtime failed in its worker thread'));
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (!this.failed) fail(new Error(`ONNX Runtime worker thread exited (${code})`));
    });
  }

  /**
   * Run the model; the feeds' buffers are handed over to the worker (not usable afterwards), so
   * each must own its whole ArrayBuffer (not a view into a pooled Buffer).
   */
  run(feeds: Feeds): Promise<FloatFeeds> {
    return this.send(
      { kind: 'run', feeds },
      Object.values(feeds).map((f) => f.data.buffer),
    );
  }

  async release(): Promise<void> {
    if (!this.failed) await this.send({ kind: 'release' }, []).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(msg: object, transfer: ArrayBufferLike[]): Promise<FloatFeeds> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<FloatFeeds>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...msg, id }, transfer as ArrayBuffer[]);
    });
  }
}
