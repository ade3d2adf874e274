// End to end, as a user scores with an engine served by several replicas: three loopback
// OpenAI-compatible servers (one answering HTTP 500 to everything), the engine saved with its
// replicas and 2 requests per server, a score job followed in the jobs panel with its per-replica
// figures until every video is scored. Screenshots go to test-output/e2e/.
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeClip, makeClipCopies } from '../helpers/fixtures';
import { startOpenAiTestServer, type TestServer } from '../helpers/openai-test-server';
import { closeStudio, openStudio, prepareE2e, SCREENSHOT_DIR, type Studio } from './web-host';

let tmp: string;
let studio: Studio | undefined;
let page: Page;
let servers: TestServer[] = [];
let call: (name: string, input: unknown) => Promise<unknown>;
let ws: WebSocket;

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-replicas-');
  const source = await makeClip({ codec: 'h264', durationSec: 1, width: 160, height: 120 });
  await makeClipCopies(source, 12, path.join(tmp, 'clips'), 'clip');
  servers = await Promise.all([0, 1, 2].map(() => startOpenAiTestServer()));
  for (const s of servers) s.latencyMs = 700;
  servers[2]!.fallback = () => ({ kind: 'status', status: 500 });
  studio = await openStudio(path.join(tmp, 'home'));
  page = studio.page;
  const url = new URL(studio.host.url);
  ws = new WebSocket(`ws://${url.host}/api${url.search}`);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const waiting = new Map<
    number,
    (m: { ok: boolean; result?: unknown; error?: { message: string } }) => void
  >();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if ('id' in m) waiting.get(m.id)?.(m);
  });
  let next = 1;
  call = (name, input) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, (m) => (m.ok ? resolve(m.result) : reject(new Error(m.error!.message))));
      ws.send(JSON.stringify({ id, call: name, input }));
    });
}, 120_000);

afterAll(async () => {
  ws?.close();
  await Promise.all(servers.map((s) => s.close()));
  await closeStudio(studio, tmp);
});

describe('scoring with an engine on several replicas', () => {
  it('shows each replica’s load, answers and errors, and scores every video although one replica fails', async () => {
    await call('project.create', { path: path.join(tmp, 'projects', 'replicas') });
    await call('library.import', { paths: [path.join(tmp, 'clips')] });
    await page.goto(studio!.host.url);
    await expect.poll(() => page.getByTestId('library-row').count(), { timeout: 60_000 }).toBe(12);
    const engine = (await call('assistant.putEngine', {
      name: 'vLLM ×3',
      baseUrl: servers[0]!.url,
      replicaUrls: servers.slice(1).map((s) => s.url),
      concurrency: 2,
      model: 'vqa2-test',
      videoMode: 'video_url',
    })) as { id: string; replicaUrls: string[]; concurrency: number };
    expect(engine).toMatchObject({
      replicaUrls: servers.slice(1).map((s) => s.url),
      concurrency: 2,
    });
    await call('score.start', { scorer: `engine.${engine.id}`, all: true });
    const job = page.getByTestId('job').first();
    await expect.poll(() => job.getByTestId('job-replica').count(), { timeout: 30_000 }).toBe(3);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, '60-engine-replicas-running-1440.png'),
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, '61-engine-replicas-running-1280.png'),
    });
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await job.getByTestId('job-counts').textContent()).toBe('12/12 videos');
    const rows = job.getByTestId('job-replica');
    expect(await rows.nth(2).getAttribute('data-down')).toBe('true');
    expect(Number(await rows.nth(2).locator('td').nth(6).textContent())).toBeGreaterThanOrEqual(3);
    const answers = await Promise.all(
      [0, 1].map(async (i) => Number(await rows.nth(i).locator('td').nth(3).textContent())),
    );
    expect(answers[0]! + answers[1]!).toBe(12);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, '62-engine-replicas-done-1280.png') });
    expect(studio!.pageErrors).toEqual([]);
  }, 180_000);
});
