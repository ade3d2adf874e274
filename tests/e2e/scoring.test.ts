// End to end, as a user scores videos: the real web host and built renderer in headless
// Chromium. Imports a clean clip and two distorted variants, scores them with the built-in pack
// from the Score… dialog, follows the job in the jobs panel, reads scores, levels and
// sparklines in the table, sorts by score, opens a score's details, and runs the streaming
// scorer on a selection where one video cannot be scored. Screenshots go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ffmpeg, makeClip } from '../helpers/fixtures';
import {
  closeStudio,
  createProjectViaUi,
  importFolderViaUi,
  openStudio,
  SCREENSHOT_DIR,
  type RunningHost,
  type Studio,
  prepareE2e,
} from './web-host';

let tmp: string;
let clipsDir: string;
let projectsDir: string;
let studio: Studio | undefined;
let host: RunningHost;
let page: Page;
let pageErrors: string[] = [];

const LEVEL_WORDS = ['high', 'good', 'fair', 'poor', 'low'];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** A 4 s testsrc2 clip through an ffmpeg filter (the distortion), encoded as asked. */
function distorted(out: string, vf: string, codecArgs: string[]): Promise<void> {
  return ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25:duration=4',
    '-vf',
    vf,
    ...codecArgs,
    out,
  ]);
}

async function rowTexts(col: string): Promise<string[]> {
  return page.locator(`[data-testid="library-row"] [data-col="${col}"]`).allTextContents();
}

async function scoresOnScreen(): Promise<number[]> {
  return (await rowTexts('videoScore')).map((t) => Number(t.trim()));
}

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-score-');
  clipsDir = path.join(tmp, 'clips');
  projectsDir = path.join(tmp, 'projects');
  fs.mkdirSync(projectsDir, { recursive: true });
  fs.mkdirSync(clipsDir, { recursive: true });
  const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  await makeClip({ codec: 'h264', durationSec: 4, out: path.join(clipsDir, 'clean.mp4') });
  await distorted(path.join(clipsDir, 'blurred.mp4'), 'gblur=sigma=4', h264);
  // mpeg4 on purpose: the streaming scorer (H.264 only) must report it as a per-video error.
  await distorted(path.join(clipsDir, 'noisy.avi'), 'noise=alls=60:allf=t', [
    '-c:v',
    'mpeg4',
    '-q:v',
    '3',
  ]);

  studio = await openStudio(path.join(tmp, 'home'));
  ({ host, page, pageErrors } = studio);
});

afterAll(() => closeStudio(studio, tmp));

describe('scoring, as a user', () => {
  it('creates a project and imports three clips', async () => {
    await createProjectViaUi(page, host.url, path.join(projectsDir, 'Scored.vqa2.sqlite'));
    const summary = await importFolderViaUi(page, clipsDir, [
      'blurred.mp4',
      'clean.mp4',
      'noisy.avi',
    ]);
    expect(await summary.textContent()).toMatch(/3 videos added · 0 failed/);
    await summary.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('library-row').count()).toBe(3);
    // Not scored yet: no numbers, no sparklines.
    expect(await rowTexts('videoScore')).toEqual(['—', '—', '—']);
  });

  it('offers the scorers in the Score… dialog, honest about the built-in one', async () => {
    await page.getByTestId('score-button').click();
    const dialog = page.getByTestId('score-dialog');
    await dialog.waitFor();
    const builtin = dialog.locator('[data-testid="scorer-option"][data-scorer="builtin-nr"]');
    await builtin.waitFor();
    expect(await builtin.textContent()).toContain(
      'classical baseline (BRISQUE + temporal), not the VQA² LMM',
    );
    expect(
      await dialog.locator('[data-testid="scorer-option"][data-scorer="p1203-mode0"]').count(),
    ).toBe(1);
    // Nothing selected: the scope is every readable video.
    expect(await dialog.getByLabel(/^Selected videos/).isDisabled()).toBe(true);
    expect(await dialog.getByLabel(/^All readable videos/).isChecked()).toBe(true);
    await builtin.click();
    expect(await dialog.getByTestId('segment-sec').inputValue()).toBe('2'); // the pack's default
    // Auto (CUDA, then CPU) is the default; on a machine without CUDA the job says why it fell back.
    expect(await dialog.getByLabel('Auto: CUDA, then CPU').isChecked()).toBe(true);
    await dialog.getByTestId('segment-sec').fill('1');
    expect(await dialog.getByTestId('score-start').textContent()).toBe('Start scoring 3 videos');
    await shot('20-score-dialog');
  });

  it('follows the job in the jobs panel to 100 %', async () => {
    await page.getByTestId('score-start').click();
    await page.getByTestId('score-dialog').waitFor({ state: 'detached' });
    const job = page.getByTestId('job').first();
    await job.waitFor();
    const bar = job.getByTestId('job-progress');
    // Catch it part-way for the screenshot (it may already be done on a fast machine).
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await shot('21-job-running');

    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 60_000 }).toBe('100');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await job.getByTestId('job-percent').textContent()).toBe('100 %');
    expect(await job.getByTestId('job-counts').textContent()).toBe('3/3 videos');
    expect(await job.getByTestId('job-status').textContent()).toBe('Finished');
    expect(await job.getByTestId('job-provider').textContent()).toBe('cpu');
    // Which provider ran and why CUDA was not used, in words (also the badge's title).
    const note = (await job.getByTestId('job-provider-note').textContent()) ?? '';
    expect(note).toMatch(/cuda/i);
    expect(await job.getByTestId('job-provider').getAttribute('title')).toBe(note);
    expect(await job.getByTestId('job-cancel').count()).toBe(0);
  });

  it('shows scores, levels and segment sparklines in the table', async () => {
    await expect
      .poll(async () => (await scoresOnScreen()).filter((s) => Number.isFinite(s)).length, {
        timeout: 20_000,
      })
      .toBe(3);
    for (const s of await scoresOnScreen()) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
    }
    for (const t of await rowTexts('videoScore')) expect(t).toMatch(/^\d{1,3}\.\d$/);
    const levels = await rowTexts('level');
    expect(levels).toHaveLength(3);
    for (const l of levels) expect(LEVEL_WORDS).toContain(l.trim());

    const sparks = page.locator('[data-testid="library-row"] svg[data-testid="sparkline"]');
    await expect.poll(() => sparks.count(), { timeout: 20_000 }).toBe(3);
    for (const d of await sparks
      .locator('path')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''))) {
      // 4 s at 1 s segments: four points (≤ the 24 samples asked for).
      expect(d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){3}$/);
    }
    expect(await sparks.first().locator('title').textContent()).toMatch(
      /^segment scores \d+\.\d–\d+\.\d \(4 segments\)$/,
    );
    await shot('22-scored-library');
  });

  it('sorts by score on the server, worst first then best first', async () => {
    // the expected orders come from the scores shown before sorting: this checks the sort, not
    // how the built-in scorer ranks synthetic test patterns (the noisy clip is last either way)
    const names = await rowNames();
    const shown = await scoresOnScreen();
    const byScore = names.map((n, i) => ({ n, s: shown[i]! })).sort((a, b) => a.s - b.s);
    expect(new Set(shown).size).toBe(3);
    expect(byScore[0]!.n).toBe('noisy.avi');
    const header = page.getByTestId('col-videoScore');
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(rowNames).toEqual(byScore.map((x) => x.n));
    const asc = await scoresOnScreen();
    expect([...asc].sort((a, b) => a - b)).toEqual(asc);

    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(rowNames).toEqual(byScore.map((x) => x.n).reverse());
    await shot('23-sorted-by-score');
  });

  it("opens a score's details: level probabilities, provider, measurements", async () => {
    await page.locator('[data-testid="library-row"]').first().locator('.score-button').click();
    const detail = page.getByTestId('score-detail');
    await detail.getByTestId('level-bars').waitFor();
    expect(await detail.locator('.level-bar-row').count()).toBe(5);
    expect(await detail.getByTestId('detail-provider').textContent()).toBe('cpu');
    // the fallback sentence is said once, in the jobs panel; the popover only points there
    expect(await detail.getByTestId('detail-provider-note').textContent()).toMatch(/see Jobs/);
    expect(await detail.textContent()).not.toMatch(/cuda/i);
    expect(await detail.textContent()).toContain('BRISQUE');
    expect(await detail.getByTestId('detail-why').textContent()).toMatch(
      /^(Nothing abnormal measured|Lowered by: )/,
    );
    expect(await detail.textContent()).not.toContain('Head q');
    expect(await detail.textContent()).toContain('builtin-nr');
    await shot('24-score-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    // the popover (one meaning line per measurement) stays inside the window at both review sizes
    for (const [w, h] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.locator('[data-testid="library-row"]').first().locator('.score-button').click();
      await detail.getByTestId('level-bars').waitFor();
      const box = (await detail.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(h);
      await shot(`24-score-detail-${w}x${h}`);
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
    }
    await page.setViewportSize({ width: 1280, height: 760 });
  });

  it('runs the streaming scorer on a selection and lists the video it could not score', async () => {
    const rows = page.getByTestId('library-row');
    await rows.nth(0).click(); // clean.mp4 (h264)
    await rows.nth(2).click({ modifiers: ['Control'] }); // noisy.avi (mpeg4)
    await expect.poll(() => page.getByTestId('library-footer').textContent()).toMatch(/2 selected/);

    await page.getByTestId('score-button').click();
    const dialog = page.getByTestId('score-dialog');
    await dialog.locator('[data-scorer="p1203-mode0"]').click();
    expect(await dialog.getByLabel(/^Selected videos/).isChecked()).toBe(true);
    expect(await dialog.getByLabel('CPU only').isDisabled()).toBe(true); // not an ONNX pack
    await dialog.getByTestId('score-start').click();

    // The new job goes on top of the finished one.
    await expect.poll(() => page.getByTestId('job').count()).toBe(2);
    const job = page.getByTestId('job').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await job.getByTestId('job-counts').textContent()).toBe('2/2 videos · 1 failed');
    await job.getByRole('button', { name: '1 error' }).click();
    expect(await job.getByTestId('job-errors').textContent()).toMatch(
      /noisy\.avi.*H\.264 streams only/,
    );
    expect(await page.getByTestId('job').nth(1).getAttribute('data-status')).toBe('done');
    await shot('25-streaming-job-errors');
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

async function rowNames(): Promise<string[]> {
  return rowTexts('name');
}
