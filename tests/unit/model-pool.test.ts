// The model pool: one pass per model at a time with queue positions, idle release, reload after
// release, cancel while waiting — on a real tiny model folder loaded by the runtime.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelPool } from '../../src-main/services/lmm/model-pool';
import { loadLmm, type LoadedLmm } from '../../src-main/services/lmm/runtime';

const root = path.resolve(__dirname, '../..');
let dir: string;
let folder: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-pool-'));
  const gen = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'gen-tiny-models.mjs'), '--out', dir],
    { encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gen-tiny-models failed: ${gen.stderr}`);
  folder = path.join(dir, 'vqa2');
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The runtime's loader, counting loads and disposals. */
function countingLoader() {
  const counts = { loads: 0, disposed: 0 };
  const loader = async (d: string, o: { ep?: 'cuda' | 'cpu' | 'auto' }): Promise<LoadedLmm> => {
    counts.loads++;
    const m = await loadLmm(d, { ep: o.ep });
    const dispose = m.dispose.bind(m);
    return Object.assign(m, {
      dispose: async () => {
        counts.disposed++;
        await dispose();
      },
    });
  };
  return { counts, loader };
}

const frame = (v: number) => ({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 3).fill(v) });

describe('ModelPool', () => {
  it('runs one pass per model at a time; later callers wait in order and are told their position', async () => {
    const { counts, loader } = countingLoader();
    const pool = new ModelPool({ idleMs: 60_000, loader });
    const order: string[] = [];
    const positions: Record<string, number[]> = { b: [], c: [] };
    let running = 0;
    let maxRunning = 0;
    const pass = (name: string) => async (m: LoadedLmm) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      order.push(`${name}:start`);
      const r = await m.scoreLevels({
        keyFrames: [frame(40)],
        motionFrames: [frame(90), frame(90), frame(90), frame(90)],
      });
      order.push(`${name}:end`);
      running--;
      return r.levelLogits;
    };
    const a = pool.use(folder, 'cpu', pass('a'));
    const b = pool.use(folder, 'cpu', pass('b'), { onQueue: (p) => positions.b!.push(p) });
    const c = pool.use(folder, 'cpu', pass('c'), { onQueue: (p) => positions.c!.push(p) });
    const [la, lb, lc] = await Promise.all([a, b, c]);
    expect(maxRunning).toBe(1);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(positions.b).toEqual([1, 0]);
    // c was second in line, then first when b started, then ran
    expect(positions.c).toEqual([2, 1, 0]);
    // the same model answered all three: one load, identical logits for identical frames
    expect(counts.loads).toBe(1);
    expect(lb).toEqual(la);
    expect(lc).toEqual(la);
    await pool.disposeAll();
    expect(counts.disposed).toBe(1);
  }, 60_000);

  it('releases a model after the idle time and loads it again when next used', async () => {
    const { counts, loader } = countingLoader();
    const pool = new ModelPool({ idleMs: 600, loader });
    await pool.use(folder, 'cpu', async (m) => m.provider);
    expect(pool.loaded()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    // used again before the idle time ran out: the timer starts over, the model stays
    await pool.use(folder, 'cpu', async (m) => m.provider);
    await new Promise((r) => setTimeout(r, 400));
    expect(pool.loaded()).toHaveLength(1);
    expect(counts.disposed).toBe(0);
    await new Promise((r) => setTimeout(r, 700));
    expect(pool.loaded()).toHaveLength(0);
    expect(counts.disposed).toBe(1);
    await pool.use(folder, 'cpu', async (m) => m.provider);
    expect(counts.loads).toBe(2);
    await pool.disposeAll();
  }, 60_000);

  it('drops a waiting caller whose signal aborts and moves the others up', async () => {
    const pool = new ModelPool({ idleMs: 60_000 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = pool.use(folder, 'cpu', async () => gate);
    const controller = new AbortController();
    const cancelled = pool.use(folder, 'cpu', async () => 'ran', { signal: controller.signal });
    const third: number[] = [];
    const last = pool.use(folder, 'cpu', async () => 'third', { onQueue: (p) => third.push(p) });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(third).toEqual([2, 1]);
    release();
    await first;
    await expect(last).resolves.toBe('third');
    expect(third).toEqual([2, 1, 0]);
    await pool.disposeAll();
  }, 60_000);

  it('does not keep a failed load: the next caller tries again', async () => {
    let calls = 0;
    const pool = new ModelPool({
      idleMs: 60_000,
      loader: async (d, o) => {
        calls++;
        return loadLmm(calls === 1 ? path.join(dir, 'no-such-model') : d, o);
      },
    });
    await expect(pool.use(folder, 'cpu', async (m) => m.provider)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
    });
    await expect(pool.use(folder, 'cpu', async (m) => m.provider)).resolves.toBe('cpu');
    expect(calls).toBe(2);
    await pool.disposeAll();
  }, 60_000);
});
