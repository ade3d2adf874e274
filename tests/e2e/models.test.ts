// End to end, as a user with a model folder: opens Models…, is refused a broken folder with the
// reason, adds a tiny VQA² model by its path and reads its details, scores a clip with it from the
// Score dialog (the run is stored as the model's), then chats with it in the assistant (the answer
// streams and is stored). Screenshots at 1440×900 and 1280×720 go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
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
let models: string;
let studio: Partial<Studio> | undefined;

const shot = (name: string) =>
  studio!.page!.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
/** The same view at both window sizes we check. */
async function shots(name: string) {
  const page = studio!.page!;
  await shot(`${name}-1440`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await shot(`${name}-1280`);
  await page.setViewportSize({ width: 1440, height: 900 });
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
  tmp = prepareE2e('vqa2-e2e-models-');
  project = path.join(tmp, 'Models.vqa2.sqlite');
  models = path.join(tmp, 'models');
  const gen = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'scripts', 'gen-tiny-models.mjs'), '--out', models],
    { encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gen-tiny-models failed: ${gen.stderr}`);
  fs.cpSync(path.join(models, 'vqa2'), path.join(tmp, 'broken'), { recursive: true });
  fs.rmSync(path.join(tmp, 'broken', 'tokenizer.json'));
  await makeClip({
    codec: 'h264',
    durationSec: 4,
    fps: 10,
    width: 320,
    height: 180,
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
  const store = ProjectStore.open(project);
  putQbenchSet(store, 'mini', [
    {
      videoId: store.videoIds()[0]!,
      videoName: 'clip.mp4',
      questionType: 'what/how',
      question: 'How sharp is it?',
      answers: ['Blurry', 'Sharp'],
      correctChoice: 'B',
    },
  ]);
  store.close();
  const host = await startWebHost(path.join(tmp, 'home'), [project]);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  studio = { host, browser, page, pageErrors };
});

afterAll(async () => {
  await closeStudio(studio, tmp);
});

describe('in-process models, as a user', () => {
  it('refuses a broken folder, then adds a model folder and shows its details', async () => {
    const page = studio!.page!;
    await page.goto(studio!.host!.url);
    await page.getByTestId('library-view').waitFor();
    await page.getByTestId('open-models').click();
    const dlg = page.getByTestId('models-dialog');
    await dlg.getByTestId('model-dir').fill(path.join(tmp, 'broken'));
    await dlg.getByTestId('model-add').click();
    await expect
      .poll(() => dlg.getByTestId('error-banner').textContent())
      .toMatch(/tokenizer\.json is missing/);
    expect(await dlg.getByTestId('model-item').count()).toBe(0);
    // the refusal shows at the top of the dialog, over the form it is about
    await shots('models-refused');

    await dlg.getByTestId('model-dir').fill(path.join(models, 'vqa2'));
    await dlg.getByTestId('model-name').fill('Tiny VQA² scorer');
    await dlg.getByTestId('model-add').click();
    await expect.poll(() => dlg.getByTestId('model-item').count()).toBe(1);
    expect(await dlg.getByTestId('error-banner').count()).toBe(0);
    const details = dlg.getByTestId('model-details');
    expect(await details.getByTestId('model-arch').textContent()).toMatch(/VQA² scorer/);
    expect(await details.getByTestId('model-params').textContent()).toMatch(/K$/);
    expect(await details.getByTestId('model-providers').textContent()).toMatch(/^cpu/);
    expect(await details.getByTestId('model-mem').textContent()).toMatch(
      /to load · .* while scoring a video/,
    );
    const files = await details.getByTestId('model-files').locator('tbody tr').allTextContents();
    expect(files).toHaveLength(3);
    expect(files.join('\n')).toMatch(/onnx\/decoder_model_merged\.onnx\s*fp32/);
    // the registry is studio-wide: it lives in the studio home, not the project
    const settings = JSON.parse(
      fs.readFileSync(path.join(tmp, 'home', 'settings.json'), 'utf8'),
    ) as { lmmModels: { dir: string }[] };
    expect(settings.lmmModels.map((m) => m.dir)).toEqual([path.join(models, 'vqa2')]);
    await shots('models-dialog');
    await dlg.locator('.modal-footer').getByRole('button', { name: 'Close' }).click();
  });

  it('scores the clip with the model from the Score dialog', async () => {
    const page = studio!.page!;
    await page.getByTestId('score-button').click();
    const dialog = page.getByTestId('score-dialog');
    const option = dialog.locator('[data-testid="scorer-option"][data-scorer^="lmm."]');
    await expect.poll(() => option.textContent()).toMatch(/Model: Tiny VQA² scorer/);
    await option.click();
    // a model runs on an execution provider and per segment
    expect(await dialog.locator('input[name="provider"][value="cpu"]').isDisabled()).toBe(false);
    expect(await dialog.getByTestId('segment-sec').inputValue()).toBe('2');
    await shots('models-score-dialog');
    await dialog.locator('input[name="provider"][value="cpu"]').check();
    await dialog.getByTestId('score-start').click();
    const job = page.getByTestId('job').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 90_000 }).toBe('done');
    expect(await job.getByTestId('job-provider').textContent()).toBe('cpu');
    const run = db((d) =>
      d
        .prepare(
          'SELECT r.kind, r.pack_id, r.settings_json, v.score FROM model_runs r JOIN video_scores v ON v.run_id = r.id',
        )
        .get(),
    ) as { kind: string; pack_id: string; settings_json: string; score: number };
    expect(run.kind).toBe('model');
    expect(run.pack_id).toMatch(/^m[0-9a-f]+$/);
    expect(JSON.parse(run.settings_json)).toMatchObject({
      ep: 'cpu',
      model: { name: 'Tiny VQA² scorer', arch: 'vqa2' },
    });
    const segs = db((d) => d.prepare('SELECT count(*) AS n FROM segment_scores').get()) as {
      n: number;
    };
    expect(segs.n).toBe(2);
    await expect
      .poll(
        () =>
          page.locator('[data-testid="library-row"] [data-col="videoScore"]').first().textContent(),
        { timeout: 20_000 },
      )
      .toBe((run.score * 100).toFixed(1));
    await shot('models-scored-1440');
  });

  it('chats with the model in the assistant: the answer streams and is stored', async () => {
    const page = studio!.page!;
    await page.locator('[data-testid="library-row"]', { hasText: 'clip.mp4' }).dblclick();
    await page.getByTestId('review-view').waitFor();
    // the review header names the scorer by the model's name, not an internal id
    await expect.poll(() => page.getByTestId('review-run').textContent()).toBe('Tiny VQA² scorer');
    await page.getByTestId('assistant-toggle').click();
    const panel = page.getByTestId('assistant-panel');
    await panel.waitFor();
    await panel
      .getByTestId('assistant-engine')
      .selectOption({ label: 'Tiny VQA² scorer · in-process model' });
    expect(await panel.getByTestId('assistant-engine-label').textContent()).toMatch(
      /Runs the model in the studio/,
    );
    await panel.getByTestId('assistant-input').fill('How is the sharpness?');
    await panel.getByTestId('assistant-ask').click();
    const answer = panel.getByTestId('assistant-msg-assistant').last();
    await expect.poll(() => answer.count(), { timeout: 60_000 }).toBe(1);
    await expect
      .poll(
        () =>
          db(
            (d) =>
              d
                .prepare("SELECT count(*) AS n FROM chat_messages WHERE role = 'assistant'")
                .get() as { n: number },
          ).n,
        { timeout: 60_000 },
      )
      .toBe(1);
    const stored = db((d) =>
      d.prepare("SELECT engine, status, text FROM chat_messages WHERE role = 'assistant'").get(),
    ) as { engine: string; status: string; text: string };
    expect(stored.engine).toBe('lmm:Tiny VQA² scorer');
    expect(stored.status).toBe('done');
    expect(stored.text.length).toBeGreaterThan(0);
    expect(await answer.textContent()).toContain('in-process model');
    await shots('models-chat');
  });

  it('runs a question set with the model from the Question sets dialog', async () => {
    const page = studio!.page!;
    await page.getByTestId('assistant-qbench').click();
    const dlg = page.getByTestId('qbench-dialog');
    await dlg
      .getByTestId('qbench-engine')
      .selectOption({ label: 'Tiny VQA² scorer · in-process model' });
    await dlg.getByTestId('qbench-run').click();
    await expect
      .poll(() => dlg.getByTestId('qbench-progress').textContent(), { timeout: 60_000 })
      .toMatch(/done 1\/1 questions/);
    const row = dlg.getByTestId('qbench-runs').locator('tbody tr').first();
    await expect.poll(() => row.textContent()).toMatch(/mini.*lmm:Tiny VQA² scorer.*done/);
    await shot('models-qbench-1440');
    expect(studio!.pageErrors).toEqual([]);
  });
});
