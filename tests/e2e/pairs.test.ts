// End to end, as a dataset curator: a clip imported and scored with the CLI and reviewed (two ACR
// votes, a tagged span); in the studio, generate pairs from templates (live preview first), edit
// one with the live check catching a broken placeholder, approve it, export VQA²/LLaVA JSON through
// the dialog, and read the dataset on disk. Screenshots go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeClip } from '../helpers/fixtures';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { AnnotationStore } from '../../src-main/services/annotations/annotation-store';
import {
  launchChromium,
  SCREENSHOT_DIR,
  startWebHost,
  type RunningHost,
  prepareE2e,
} from './web-host';
import { vqa2Ok } from '../helpers/cli';

let tmp: string;
let project: string;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });

const vqa2 = (...args: string[]) => vqa2Ok(path.join(tmp, 'home'), args);

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-pairs-');
  await makeClip({ durationSec: 4, out: path.join(tmp, 'videos', 'street.mp4') });
  project = path.join(tmp, 'curate.vqa2.sqlite');
  vqa2('project', 'create', project);
  vqa2('import', project, path.join(tmp, 'videos'));
  vqa2('score', project, '--pack', 'builtin-nr', '--ep', 'cpu');
  // the review: two annotators' ACR votes and a tagged blur span
  const store = ProjectStore.open(project);
  const id = store.videoIds()[0]!;
  const ann = new AnnotationStore(store);
  ann.put({ videoId: id, kind: 'mos', rating: 4 }, 'ana');
  ann.put({ videoId: id, kind: 'mos', rating: 4 }, 'ben');
  ann.put({ videoId: id, kind: 'span', startSec: 1, endSec: 2.5, tag: 'blur' }, 'ana');
  store.close();
  host = await startWebHost(path.join(tmp, 'home'), [project]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('pairs, end to end', () => {
  it('generates pairs from a reviewed video, edits and approves one, and exports LLaVA JSON to disk', async () => {
    await page.goto(host!.url);
    await page.getByTestId('library-view').waitFor();
    await page.getByTestId('open-pairs').click();
    await page.getByTestId('pairs-view').waitFor();

    // templates: live preview of the rating template for the reviewed clip (MOS 4 → good)
    await page.getByTestId('pairs-templates').click();
    const preview = page.getByTestId('template-preview');
    await expect.poll(() => preview.textContent()).toContain('The quality of the video is good.');
    await expect.poll(() => preview.textContent()).toContain('level from MOS');
    // editing the answer updates the preview; a broken placeholder is named
    await page.getByTestId('template-answer').fill('Overall: {level}. {oops}');
    await expect.poll(() => preview.textContent()).toContain('answer: unknown placeholder {oops}');
    await page.getByTestId('template-answer').fill('The quality of the video is {level}.');
    await expect.poll(() => preview.textContent()).toContain('The quality of the video is good.');
    await page.getByTestId('template-distortion').click();
    await expect
      .poll(() => preview.textContent())
      .toContain('The video shows blur from 1.0 s to 2.5 s.');
    // one time-range pair per span too, saved in the project
    await page.getByTestId('template-per-span').check();
    await expect.poll(() => preview.textContent()).toContain('1.0–2.5 s');
    await page.getByTestId('template-save').click();
    await expect
      .poll(() => page.getByTestId('template-distortion').textContent())
      .toContain('(edited)');
    // taller than the window (two preview pairs), the dialog keeps its buttons in view: its body
    // scrolls, not the dialog (inside its own box, the Generate button is not cut off)
    const dialogBox = (await page.getByTestId('templates-dialog').boundingBox())!;
    const generateBox = (await page.getByTestId('templates-generate').boundingBox())!;
    expect(generateBox.y + generateBox.height).toBeLessThanOrEqual(dialogBox.y + dialogBox.height);
    await shot('pairs-templates');
    await page.getByTestId('templates-generate').click();
    await expect
      .poll(() => page.getByTestId('pairs-notice').textContent())
      .toMatch(/Generated \d+ draft pairs for 1 video/);
    const rows = page.getByTestId('pair-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);

    // edit the rating pair: the live check catches a lost placeholder, then save & approve
    await rows
      .filter({ hasText: 'How would you rate the quality of this video?' })
      .filter({ hasText: 'rating' })
      .first()
      .click();
    await page.getByTestId('pair-editor').waitFor();
    await expect
      .poll(() => page.getByTestId('pair-basis').textContent())
      .toContain('Level from MOS');
    const human = page.getByTestId('pair-turn-0');
    const original = await human.inputValue();
    await human.fill(original.replace('<image>. How', '. How'));
    await expect
      .poll(() => page.getByTestId('pair-problems').textContent())
      .toContain('turn 1: needs 2 <image> placeholders, found 1');
    await expect(page.getByTestId('pair-approve').isDisabled()).resolves.toBe(true);
    await human.fill(original);
    await page
      .getByTestId('pair-turn-1')
      .fill('The quality of the video is good. Edited by the curator.');
    await page.getByTestId('pair-valid').waitFor();
    await page.getByTestId('pair-approve').click();
    await expect.poll(() => page.getByTestId('pair-editor-status').textContent()).toBe('approved');
    await expect.poll(() => page.getByTestId('pairs-counts').textContent()).toMatch(/^1 approved/);
    await shot('pairs-view');

    // export through the dialog
    const outDir = path.join(tmp, 'dataset');
    await page.getByTestId('pairs-export').click();
    await page.getByTestId('export-out').fill(outDir);
    // what will be written is said before Export is pressed, and follows the status choice
    const drafts = Number(
      /(\d+) draft /.exec((await page.getByTestId('pairs-counts').textContent()) ?? '')?.[1] ?? -1,
    );
    await expect
      .poll(() => page.getByTestId('export-count').textContent())
      .toMatch(/^Writes 1 pair \(1 approved pair, \d+ drafts?, 0 rejected/);
    await page.getByTestId('export-status').selectOption('all');
    await expect
      .poll(() => page.getByTestId('export-count').textContent())
      .toContain(`Writes ${drafts + 1} pairs`);
    await page.getByTestId('export-status').selectOption('approved');
    await page.getByTestId('export-start').click();
    await page
      .locator('[data-testid="export-progress"][data-status="done"]')
      .waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('export-progress').textContent())
      .toContain('Wrote 1 sample (1 train, 0 val), 1 video, 0 clips');
    await shot('pairs-export');

    const samples = JSON.parse(fs.readFileSync(path.join(outDir, 'train.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({
      image: 'videos/street.mp4',
      'frames per sec': 1,
      gt_score: 4,
      task_mark: 'rating',
      conversations: [
        {
          from: 'human',
          value:
            'The key frames of this video are:\n<image>. And the motion feature of the video is\n<image>. How would you rate the quality of this video?',
        },
        { from: 'gpt', value: 'The quality of the video is good. Edited by the curator.' },
      ],
    });
    expect(fs.statSync(path.join(outDir, 'videos', 'street.mp4')).size).toBe(
      fs.statSync(path.join(tmp, 'videos', 'street.mp4')).size,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as {
      format: string;
      counts: { samples: number };
    };
    expect(manifest).toMatchObject({ format: 'llava', counts: { samples: 1 } });

    // jump from a time-range pair to the video at its start, and back
    await page.getByTestId('export-dialog').getByText('Close', { exact: true }).click();
    await rows.filter({ hasText: '1.0–2.5 s' }).first().click();
    await page.getByTestId('pair-open-video').click();
    await page.getByTestId('review-view').waitFor();
    await expect
      .poll(
        () => page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).currentTime),
        { timeout: 30_000 },
      )
      .toBeCloseTo(1, 1);
    await page.getByTestId('review-back').click();
    await page.getByTestId('pairs-view').waitFor();

    // import a Qwen2.5-VL file through the dialog: one item matched by file name, one reported
    const file = path.join(tmp, 'more.json');
    const turns = [
      { from: 'human', value: '<video>\nIs the street busy?' },
      { from: 'gpt', value: 'Yes.' },
    ];
    fs.writeFileSync(
      file,
      JSON.stringify([
        { id: 'busy', video: 'clips/street.mp4', conversations: turns },
        { id: 'gone', video: 'gone.mp4', conversations: turns },
      ]),
    );
    await page.getByTestId('pairs-import').click();
    await page.getByTestId('import-path').fill(file);
    await page.getByTestId('import-kind').selectOption('qwen2.5vl');
    await page.getByTestId('import-start').click();
    await expect
      .poll(() => page.getByTestId('import-report').textContent())
      .toContain('Imported 1 of 2 items');
    await expect
      .poll(() => page.getByTestId('import-report').textContent())
      .toContain('item 2: gone.mp4');
    await shot('pairs-import');
    await page.getByTestId('import-dialog').getByText('Close', { exact: true }).click();
    await expect.poll(() => rows.filter({ hasText: 'Is the street busy?' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('previews the first video when the video list arrives after Templates was opened', async () => {
    // hold back the pairs view's list of playable videos until the dialog is open
    const late = await browser!.newPage({ viewport: { width: 1400, height: 860 } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let heldCalls = 0;
    await late.routeWebSocket(/./, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage(async (m) => {
        if (typeof m === 'string' && m.includes('"call":"library.list"') && m.includes('"ok"')) {
          heldCalls++;
          await held;
        }
        server.send(m);
      });
    });
    try {
      await late.goto(host!.url);
      await late.getByTestId('open-pairs').click();
      await late.getByTestId('pairs-view').waitFor();
      await expect.poll(() => heldCalls).toBeGreaterThan(0);
      await late.getByTestId('pairs-templates').click();
      const preview = late.getByTestId('template-preview');
      await preview.waitFor();
      expect(await preview.textContent()).toBe('');
      release();
      await expect.poll(() => preview.textContent()).toContain('The quality of the video is good.');
      expect(await late.getByTestId('template-preview-video').inputValue()).not.toBe('');
    } finally {
      release();
      await late.close();
    }
  });
});
