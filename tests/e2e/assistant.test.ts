// End to end, as a reviewer: opens a scored clip's review, opens the Assistant, asks the built-in
// analyst, adds an OpenAI-compatible engine (the loopback test server), asks it and watches the
// answer stream in, clicks a timestamp and sees the player seek, saves the answer as a pair (a
// draft pair appears in the project), and runs a question set. Screenshots go to test-output/e2e/.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { startOpenAiTestServer, type TestServer } from '../helpers/openai-test-server';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { putQbenchSet } from '../../src-main/services/pairs/pair-store';
import {
  REPO_ROOT,
  SCREENSHOT_DIR,
  closeStudio,
  launchChromium,
  startWebHost,
  type Studio,
  prepareE2e,
} from './web-host';

const bin = path.join(REPO_ROOT, 'bin', 'vqa2.js');
let tmp: string;
let project: string;
let studio: Partial<Studio> | undefined;
let server: TestServer;
const KEY = 'sk-e2e-never-in-renderer-777';

const shot = (name: string) =>
  studio!.page!.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });

/** Asks in the assistant panel and waits for its `n`-th answer; returns that answer. */
async function askFor(panel: Locator, question: string, n: number): Promise<Locator> {
  await panel.getByTestId('assistant-input').fill(question);
  await panel.getByTestId('assistant-ask').click();
  const answers = panel.getByTestId('assistant-msg-assistant');
  await expect.poll(() => answers.count(), { timeout: 20_000 }).toBe(n);
  return answers.last();
}

function db<T>(fn: (d: Database.Database) => T): T {
  const d = new Database(project, { readonly: true });
  try {
    return fn(d);
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-asst-');
  project = path.join(tmp, 'Assist.vqa2.sqlite');
  await makeClip({
    codec: 'h264',
    durationSec: 8,
    fps: 25,
    out: path.join(tmp, 'clips', 'clip.mp4'),
  });
  const run = (...a: string[]) =>
    expect(
      spawnSync(process.execPath, [bin, ...a], {
        env: { ...process.env, VQA2_HOME: path.join(tmp, 'home') },
      }).status,
    ).toBe(0);
  run('project', 'create', project);
  run('import', project, path.join(tmp, 'clips'));
  run('score', project, '--pack', 'p1203-mode0');
  const store = ProjectStore.open(project);
  const id = store.videoIds()[0]!;
  putQbenchSet(store, 'e2e-set', [
    {
      videoId: id,
      videoName: 'clip.mp4',
      questionType: 'yes-or-no',
      question: 'Is the video frozen?',
      answers: ['Yes', 'No'],
      correctChoice: 'B',
    },
    {
      videoId: id,
      videoName: 'clip.mp4',
      questionType: 'what/how',
      question: 'How sharp is it?',
      answers: ['Blurry', 'Sharp'],
      correctChoice: 'B',
    },
  ]);
  store.close();
  server = await startOpenAiTestServer();
  const host = await startWebHost(path.join(tmp, 'home'), [project]);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  // the renderer must never see the key nor talk to the engine itself
  page.on('websocket', (ws) =>
    ws.on(
      'framereceived',
      (f) => String(f.payload).includes(KEY) && pageErrors.push('key reached the renderer'),
    ),
  );
  page.on(
    'request',
    (r) => r.url().startsWith(server.url) && pageErrors.push(`renderer requested ${r.url()}`),
  );
  studio = { host, browser, page, pageErrors };
});

afterAll(async () => {
  await closeStudio(studio, tmp);
  await server?.close();
});

describe('assistant, as a reviewer', () => {
  it('asks the built-in analyst about the scored clip', async () => {
    const page = studio!.page!;
    await page.goto(studio!.host!.url);
    await page.locator('[data-testid="library-row"]', { hasText: 'clip.mp4' }).dblclick();
    await page.getByTestId('review-view').waitFor();
    await page.getByTestId('assistant-toggle').click();
    const panel = page.getByTestId('assistant-panel');
    await panel.waitFor();
    await expect
      .poll(() => panel.getByTestId('assistant-engine').locator('option:checked').textContent())
      .toBe('Built-in analyst (not an LMM)');
    await panel.getByTestId('assistant-input').fill('Why is the quality poor?');
    await panel.getByTestId('assistant-ask').click();
    const answer = panel.getByTestId('assistant-msg-assistant').last();
    await expect
      .poll(() => answer.textContent(), { timeout: 20_000 })
      .toMatch(/The video's quality score is \d+\.\d/);
    expect(await answer.textContent()).toContain('Built-in analyst (not an LMM)');
    expect(await answer.getByTestId('assistant-ts').count()).toBeGreaterThan(0);
    expect(await answer.getByTestId('assistant-save-pair').count()).toBe(1);
    // a refusal is no answer: nothing to save as a pair
    const refusal = await askFor(panel, 'What colour is the car?', 2);
    await expect.poll(() => refusal.textContent()).toContain("I can't answer that");
    expect(await refusal.getByTestId('assistant-save-pair').count()).toBe(0);
    await shot('assistant-analyst');
  });

  it('adds an OpenAI-compatible engine, streams its answer, seeks on a timestamp, saves a pair', async () => {
    const page = studio!.page!;
    const panel = page.getByTestId('assistant-panel');
    await panel.getByTestId('assistant-engines').click();
    const dlg = page.getByTestId('engine-dialog');
    await dlg.getByTestId('engine-name').fill('Test vLLM');
    await dlg.getByTestId('engine-url').fill(server.url);
    await dlg.getByTestId('engine-model').fill('vqa2-onevision');
    await dlg.getByTestId('engine-key').fill(KEY);
    await dlg.getByTestId('engine-save').click();
    await expect
      .poll(() => dlg.getByTestId('engine-key').getAttribute('placeholder'))
      .toMatch(/a key is stored/);
    expect(await dlg.getByTestId('engine-key').inputValue()).toBe('');
    // the web host keeps a typed key in memory only, and says so
    await expect
      .poll(() => dlg.getByTestId('engine-key-storage').textContent())
      .toMatch(/memory only, until it stops/);
    await shot('assistant-engine-dialog');
    await dlg.locator('.modal-footer').getByRole('button', { name: 'Close' }).click();
    await panel
      .getByTestId('assistant-engine')
      .selectOption({ label: 'Test vLLM · vqa2-onevision' });

    server.queue = [
      {
        kind: 'text',
        pieces: [
          'The picture ',
          'stays sharp; ',
          'the blockiest ',
          'moment is ',
          'at 0:05',
          ', briefly.',
        ],
        delayMs: 400,
      },
    ];
    await panel.getByTestId('assistant-attach').selectOption('time');
    await panel.getByTestId('assistant-input').fill('When does it look worst?');
    await panel.getByTestId('assistant-ask').click();
    // the answer appears piece by piece while the server is still sending
    const live = panel.getByTestId('assistant-streaming');
    await expect
      .poll(() => live.textContent(), { timeout: 20_000 })
      .toMatch(/The picture stays sharp;/);
    const partial = (await live.textContent()) ?? '';
    expect(partial).not.toContain('briefly');
    await shot('assistant-streaming');
    const answer = panel.getByTestId('assistant-msg-assistant').last();
    await expect
      .poll(() => answer.textContent(), { timeout: 20_000 })
      .toContain('the blockiest moment is at 0:05, briefly.');
    expect(await live.count()).toBe(0);

    const req = server.requests.at(-1)!;
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(
      (req.body!.messages as { content: { type: string }[] }[])[1]!.content.some(
        (p) => p.type === 'image_url',
      ),
    ).toBe(true);

    const ts = answer.getByTestId('assistant-ts');
    expect(await ts.textContent()).toBe('0:05');
    await ts.click();
    const video = page.getByTestId('review-video');
    await expect
      .poll(() => video.evaluate((v) => (v as HTMLVideoElement).currentTime), { timeout: 10_000 })
      .toBeCloseTo(5, 1);

    await answer.getByTestId('assistant-save-pair').click();
    await expect
      .poll(() => answer.getByTestId('assistant-saved').textContent())
      .toMatch(/Saved as draft pair pair-/);
    await shot('assistant-saved-pair');
    const pairs = db((d) =>
      d
        .prepare("SELECT source, status, conversations_json FROM pairs WHERE source = 'assistant'")
        .all(),
    ) as { source: string; status: string; conversations_json: string }[];
    expect(pairs).toHaveLength(1);
    expect(pairs[0]!.status).toBe('draft');
    expect(JSON.parse(pairs[0]!.conversations_json)).toEqual([
      { from: 'human', value: 'When does it look worst?' },
      { from: 'gpt', value: 'The picture stays sharp; the blockiest moment is at 0:05, briefly.' },
    ]);
    // the chat history survives a reload of the review
    const stored = db((d) =>
      d.prepare('SELECT role, engine, attach_kind FROM chat_messages ORDER BY id').all(),
    );
    expect(stored).toEqual([
      { role: 'user', engine: 'analyst', attach_kind: null },
      { role: 'assistant', engine: 'analyst', attach_kind: null },
      { role: 'user', engine: 'analyst', attach_kind: null },
      { role: 'assistant', engine: 'analyst', attach_kind: null },
      { role: 'user', engine: 'openai:vqa2-onevision', attach_kind: 'time' },
      { role: 'assistant', engine: 'openai:vqa2-onevision', attach_kind: 'time' },
    ]);

    // a model that ends its reply at once: said plainly, and nothing to save as a pair
    server.queue = [{ kind: 'text', pieces: [] }];
    await panel.getByTestId('assistant-attach').selectOption('none');
    const empty = await askFor(panel, 'Anything else?', 4);
    await expect
      .poll(() => empty.getByTestId('assistant-empty').textContent())
      .toBe('No answer: the model ended its reply at once.');
    expect(await empty.getByTestId('assistant-save-pair').count()).toBe(0);
    await shot('assistant-empty-answer');
    // a smaller window keeps the newest message in view
    const list = panel.getByTestId('assistant-messages');
    const fromBottom = () =>
      list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    try {
      await page.setViewportSize({ width: 1280, height: 720 });
      await expect.poll(fromBottom).toBeLessThan(2);
      expect(await list.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
      await shot('assistant-empty-answer-1280');
    } finally {
      await page.setViewportSize({ width: 1440, height: 860 });
    }
  });

  it('runs a question set against the engine and shows the accuracy table', async () => {
    const page = studio!.page!;
    server.queue = [
      { kind: 'text', pieces: ['B.'] },
      { kind: 'text', pieces: ['A.'] },
    ];
    await page.getByTestId('assistant-qbench').click();
    const dlg = page.getByTestId('qbench-dialog');
    await dlg.getByTestId('qbench-run').click();
    await expect
      .poll(() => dlg.getByTestId('qbench-progress').textContent(), { timeout: 30_000 })
      .toMatch(/done 2\/2 questions/);
    const row = dlg.getByTestId('qbench-runs').locator('tbody tr').first();
    await expect
      .poll(() => row.textContent())
      .toMatch(/e2e-set.*openai:vqa2-onevision.*done.*2.*50\.0%/);
    await shot('assistant-qbench');
    await dlg.getByLabel('Close').click();
  });

  it('scores with the engine from the Score dialog (level tokens from log-probabilities)', async () => {
    const page = studio!.page!;
    await page.getByTestId('review-back').click();
    await page.getByTestId('library-view').waitFor();
    await page.getByTestId('score-button').click();
    const dialog = page.getByTestId('score-dialog');
    const option = dialog.locator('[data-testid="scorer-option"][data-scorer^="engine."]');
    await expect.poll(() => option.textContent()).toMatch(/OpenAI-compatible engine: Test vLLM/);
    await option.click();
    expect(await dialog.getByTestId('segment-sec').isDisabled()).toBe(true);
    await shot('assistant-score-dialog');
    const before = server.requests.length;
    await dialog.getByTestId('score-start').click();
    const job = page.getByTestId('job').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    const lp = server.requests.slice(before).find((r) => r.body?.logprobs === true);
    expect(lp?.body).toMatchObject({ top_logprobs: 20, max_tokens: 1 });
    const run = db((d) =>
      d
        .prepare(
          "SELECT r.pack_id, v.score FROM model_runs r JOIN video_scores v ON v.run_id = r.id WHERE r.kind = 'engine'",
        )
        .get(),
    ) as { pack_id: string; score: number };
    expect(run.pack_id).toBe('openai:vqa2-onevision');
    await expect
      .poll(
        () =>
          page.locator('[data-testid="library-row"] [data-col="videoScore"]').first().textContent(),
        { timeout: 20_000 },
      )
      .toBe((run.score * 100).toFixed(1));
    expect(studio!.pageErrors).toEqual([]);
  });
});
