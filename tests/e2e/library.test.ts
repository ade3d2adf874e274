// End to end, as a user: the real web host (`vqa2 serve`) and the built renderer in headless
// Chromium. Creates a project, imports a fixture folder through the server-side picker, sorts,
// filters, inspects a failed row, reloads, removes a row. Screenshots go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeClip, makeClipCopies } from '../helpers/fixtures';
import {
  closeStudio,
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

/** Durations (s) of the good clips; the broken one has none. */
const DURATIONS = { 'short.mp4': 1, 'medium.avi': 1.5, 'long.mp4': 2.5 } as const;

function parseDuration(text: string): number | null {
  const m = /^(\d+):(\d{2})\.(\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 10 : null;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Navigates the open folder browser to `dir` by typing its path, as a user would. */
async function browseTo(dir: string): Promise<void> {
  await page.locator('[data-testid="browser-list"][aria-busy="false"]').waitFor();
  const input = page.getByTestId('browser-path');
  await input.fill(dir);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(dir);
}

async function rowCount(): Promise<number> {
  return page.getByTestId('library-row').count();
}

async function durationsOnScreen(): Promise<(number | null)[]> {
  const texts = await page
    .locator('[data-testid="library-row"] [data-col="durationSec"]')
    .allTextContents();
  return texts.map(parseDuration);
}

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-');
  clipsDir = path.join(tmp, 'clips');
  projectsDir = path.join(tmp, 'projects');
  fs.mkdirSync(projectsDir, { recursive: true });
  await makeClip({
    codec: 'h264',
    durationSec: DURATIONS['short.mp4'],
    out: path.join(clipsDir, 'short.mp4'),
  });
  await makeClip({
    codec: 'mpeg4',
    durationSec: DURATIONS['medium.avi'],
    fps: 10,
    out: path.join(clipsDir, 'medium.avi'),
  });
  await makeClip({
    codec: 'h264',
    durationSec: DURATIONS['long.mp4'],
    width: 640,
    height: 360,
    out: path.join(clipsDir, 'long.mp4'),
  });
  fs.writeFileSync(
    path.join(clipsDir, 'notes.mp4'),
    'These are meeting notes, not a video.\n'.repeat(40),
  );

  studio = await openStudio(path.join(tmp, 'home'));
  ({ host, page, pageErrors } = studio);
});

afterAll(() => closeStudio(studio, tmp));

describe('web host', () => {
  it('answers 401 without the connection token', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(401);
    expect((await fetch(`${host.origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(host.url)).status).toBe(200);
  });
});

describe('library, as a user', () => {
  it('creates a project in a chosen folder', async () => {
    await page.goto(host.url);
    await page.getByTestId('project-screen').waitFor();
    await expect.poll(() => page.getByText('No recent projects yet.').count()).toBe(1);
    await shot('01-project-screen');

    await page.getByTestId('new-project').click();
    await browseTo(projectsDir);
    await page.getByTestId('project-name').fill('Study A');
    await shot('02-new-project-dialog');
    await page.getByTestId('browser-confirm').click();

    await page.getByTestId('library-view').waitFor();
    expect(await page.getByTestId('project-title').textContent()).toBe('Study A');
    expect(fs.existsSync(path.join(projectsDir, 'Study A.vqa2.sqlite'))).toBe(true);
    await page.getByTestId('table-empty').waitFor();
    await shot('03-empty-library');
  });

  it('imports a folder through the picker and shows one row per file', async () => {
    await page.getByTestId('import-button').click();
    await browseTo(clipsDir);
    await expect.poll(() => page.getByTestId('browser-entry').count()).toBe(4);
    await shot('04-import-dialog');
    await page.getByTestId('browser-confirm').click(); // nothing ticked: "Import this folder"

    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toMatch(/3 videos added · 1 failed · 0 skipped/);
    await expect.poll(rowCount).toBe(4);
    // Thumbnails come from the host's /thumb route and must have loaded.
    await expect
      .poll(() =>
        page
          .locator('.thumb-box img')
          .evaluateAll(
            (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length,
          ),
      )
      .toBe(3);
    expect(await page.getByTestId('library-footer').textContent()).toMatch(
      /4 videos\s*· 1 failed\s*· 0 selected/,
    );
    await shot('05-imported');
  });

  it('reports files already in the project as skipped, with details', async () => {
    await page.getByTestId('import-summary').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('import-button').click();
    await browseTo(clipsDir);
    await page.getByTestId('browser-entry').first().waitFor();
    await page.getByTestId('browser-confirm').click();
    const summary = page.getByTestId('import-summary');
    await expect
      .poll(() => summary.getByTestId('import-skipped').textContent(), { timeout: 60_000 })
      .toMatch(/^[34] skipped$/);
    await summary.getByRole('button', { name: 'Details' }).click();
    expect(
      await page.getByTestId('import-skipped-items').locator('li').count(),
    ).toBeGreaterThanOrEqual(3);
    await shot('06-skipped-details');
    await summary.getByRole('button', { name: 'Dismiss' }).click();
    expect(await rowCount()).toBe(4);
  });

  it('sorts by duration on the server, both ways', async () => {
    const header = page.getByTestId('col-durationSec');
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    await expect
      .poll(async () => (await durationsOnScreen()).filter((d) => d !== null))
      .toEqual([1, 1.5, 2.5]);

    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    await expect
      .poll(async () => (await durationsOnScreen()).filter((d) => d !== null))
      .toEqual([2.5, 1.5, 1]);
    await shot('07-sorted-desc');
  });

  it('filters by text (debounced) and by status, showing why a file failed', async () => {
    await page.getByTestId('filter-text').fill('long');
    await expect
      .poll(() => page.locator('[data-testid="library-row"] [data-col="name"]').allTextContents())
      .toEqual(['long.mp4']);
    await shot('08-filter-text');
    await page.getByTestId('filter-text').fill('');
    await expect.poll(rowCount).toBe(4);

    await page.getByTestId('filter-status').locator('[data-value="failed"]').click();
    await expect
      .poll(() => page.locator('[data-testid="library-row"] [data-col="name"]').allTextContents())
      .toEqual(['notes.mp4']);
    // the reason is in the row itself, not only in a tooltip
    expect(await page.getByTestId('failed-reason').textContent()).toMatch(/^Not a video/);
    const badge = page.getByTestId('status-failed');
    expect(await badge.getAttribute('title')).toMatch(/^Not a video/);
    await badge.focus(); // keyboard users get the reason as a tooltip
    await shot('09-filter-failed');

    await page.getByTestId('filter-status').locator('[data-value="all"]').click();
    await expect.poll(rowCount).toBe(4);
  });

  it('offers a rating-list import and a study where Evaluation finds no MOS', async () => {
    await page.getByTestId('open-evaluation').click();
    await page.getByTestId('eval-empty').waitFor();
    await page.getByTestId('eval-import-ratings').click();
    expect(await page.getByTestId('import-kind').inputValue()).toBe('ratings');
    await shot('09a-eval-empty-import');
    await page.getByTestId('import-dialog').getByLabel('Close').click();
    await page.getByTestId('eval-start-study').click();
    await page.getByTestId('study-create').waitFor();
    await page.getByTestId('evaluation-back').click();
    await page.getByTestId('library-view').waitFor();
  });

  it('hides and shows columns from the Columns menu', async () => {
    await page.getByTestId('columns-button').click();
    await page.getByTestId('columns-menu').getByLabel('Codec').uncheck();
    await expect.poll(() => page.getByTestId('col-codec').count()).toBe(0);
    await shot('09b-columns-menu');
    await page.getByTestId('columns-menu').getByLabel('Codec').check();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('col-codec').count()).toBe(1);
  });

  it('explains that dropping files needs the desktop app', async () => {
    // A browser never learns a dropped file's path, so the page must point to the server-side picker.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'dropped.mp4', { type: 'video/mp4' }));
      window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
      window.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    });
    const notice = page.getByTestId('drop-notice');
    expect(await notice.textContent()).toMatch(/needs the desktop app/);
    await shot('09c-drop-notice');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('keeps the project open across a reload and lists it as recent after closing', async () => {
    await page.reload();
    await page.getByTestId('library-view').waitFor();
    expect(await page.getByTestId('project-title').textContent()).toBe('Study A');
    await expect.poll(rowCount).toBe(4);

    await page.getByTestId('close-project').click();
    await page.getByTestId('project-screen').waitFor();
    const recent = page.getByTestId('recent-project');
    await expect.poll(() => recent.count()).toBe(1);
    expect(await recent.first().textContent()).toContain('Study A');
    expect(await recent.first().getAttribute('data-exists')).toBe('true');
    await shot('10-recent');
    await recent.first().click();
    await page.getByTestId('library-view').waitFor();
  });

  it('greys out a recent project whose file is gone', async () => {
    await page.getByTestId('close-project').click();
    const gone = path.join(projectsDir, 'Gone.vqa2.sqlite');
    await page.getByLabel('Or type a project path on the server').fill(gone);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByTestId('library-view').waitFor();
    await page.getByTestId('close-project').click();
    await page.getByTestId('project-screen').waitFor();
    // force: the -wal/-shm side files may vanish on their own as SQLite closes.
    for (const f of fs.readdirSync(projectsDir)) {
      if (f.startsWith('Gone.'))
        fs.rmSync(path.join(projectsDir, f), { recursive: true, force: true });
    }

    await page.reload();
    const missing = page.locator('[data-testid="recent-project"][data-exists="false"]');
    await missing.waitFor();
    expect(await missing.textContent()).toMatch(/Gone.*not found/);
    expect(await missing.isDisabled()).toBe(true);
    await shot('10b-recent-missing');
    // a missing project can be taken off the list; the others stay
    await page.getByTestId('forget-missing').click();
    await expect.poll(() => missing.count()).toBe(0);
    expect(await page.getByTestId('recent-project').count()).toBe(1);
    expect(await page.getByTestId('forget-recent').count()).toBe(1);
    await page.locator('[data-testid="recent-project"][data-exists="true"]').click();
    await page.getByTestId('library-view').waitFor();
  });

  it('removes selected rows after confirmation', async () => {
    await page.getByTestId('filter-status').locator('[data-value="failed"]').click();
    await expect.poll(rowCount).toBe(1);
    // opened in review it offers no proxy and no rating
    await page.locator('[data-testid="library-row"]').first().dblclick();
    await page.getByTestId('video-unreadable').waitFor();
    expect(await page.getByTestId('make-proxy').count()).toBe(0);
    expect(await page.getByTestId('mos').locator('button').first().isDisabled()).toBe(true);
    await shot('11b-review-failed');
    await page.getByTestId('review-back').click();
    await page.getByTestId('library-view').waitFor();
    await expect.poll(rowCount).toBe(1);
    await page.getByTestId('select-all').click(); // asks the server for every matching id
    await expect.poll(() => page.getByTestId('library-footer').textContent()).toMatch(/1 selected/);
    // a failed file is not offered for scoring: the dialog says why and scores the readable ones
    await page.getByTestId('score-button').click();
    const dialog = page.getByTestId('score-dialog');
    await expect
      .poll(() => dialog.getByTestId('score-unreadable').textContent())
      .toMatch(/1 selected video failed to import/);
    expect(await dialog.locator('input[value="selected"]').isDisabled()).toBe(true);
    await expect
      .poll(() => dialog.getByTestId('score-start').textContent())
      .toBe('Start scoring 3 videos');
    await shot('11a-score-failed');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('remove-selected').click();
    await shot('11-confirm-remove');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('table-empty').waitFor();
    await page.getByTestId('filter-status').locator('[data-value="all"]').click();
    await expect.poll(rowCount).toBe(3);
    expect(await page.getByTestId('library-footer').textContent()).toMatch(
      /3 videos\s*· 0 failed\s*· 0 selected/,
    );
  });

  it('keeps the DOM small for a large library (virtualized rows)', async () => {
    // Import costs ~0.35 s per file on a 2-core machine: keep the library modest and the window
    // short instead, so the rows still far outnumber what fits on screen.
    const COPIES = 60;
    await page.setViewportSize({ width: 1280, height: 520 });
    const copies = path.join(tmp, 'copies');
    await makeClipCopies(path.join(clipsDir, 'short.mp4'), COPIES, copies);
    await page.getByTestId('import-button').click();
    await browseTo(copies);
    await page.getByTestId('browser-entry').first().waitFor();
    await page.getByTestId('browser-confirm').click();
    await page.getByTestId('import-progress').waitFor();
    // Once probing starts the bar shows done/total, counts and an ETA.
    const count = page.getByTestId('import-count');
    await count.waitFor({ timeout: 60_000 });
    expect(await count.textContent()).toMatch(new RegExp(`^\\d+ / ${COPIES}$`));
    await shot('12-import-progress');
    await page.getByTestId('import-summary').waitFor({ timeout: 120_000 });
    await expect
      .poll(() => page.getByTestId('library-table').getAttribute('data-total'))
      .toBe(String(COPIES + 3));
    const inDom = (await rowCount()) + (await page.getByTestId('library-row-loading').count());
    expect(inDom).toBeLessThan(35); // ~8 on screen plus overscan, not 63

    // Scrolling to the end fetches later pages and still renders only a window of rows.
    await page.getByTestId('library-table').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect
      .poll(() => page.locator(`[data-testid="library-row"][data-index="${COPIES + 2}"]`).count())
      .toBe(1);
    expect(await rowCount()).toBeLessThan(35);
    await shot('13-large-library-scrolled');
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
