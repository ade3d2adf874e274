// End to end, as a reviewer: imports and scores an H.264 clip and an mpeg4 AVI, opens the scored
// clip in the review view from the library, seeks on the timeline, steps frames, rates the video
// with a key, draws and tags a distortion span, undoes and redoes, reloads and finds everything
// saved; measures long tasks while scrubbing; opens the AVI through an H.264 proxy. Screenshots
// go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeClip } from '../helpers/fixtures';
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

const FPS = 25;
const CLIP_SEC = 6;

let tmp: string;
let clipsDir: string;
let projectsDir: string;
let studio: Studio | undefined;
let host: RunningHost;
let page: Page;
let pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

function currentTime(): Promise<number> {
  return page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).currentTime);
}

async function frameReadout(): Promise<number> {
  const text = (await page.getByTestId('time-readout').textContent()) ?? '';
  const m = /frame (\d+)/.exec(text);
  if (!m) throw new Error(`no frame number in "${text}"`);
  return Number(m[1]);
}

/** Waits until the <video> has metadata, so seeks and currentTime are meaningful. */
async function videoReady(): Promise<void> {
  await page.getByTestId('review-video').waitFor();
  await expect
    .poll(
      () => page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).readyState),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThanOrEqual(1);
}

async function laneBox(testId: string) {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not visible`);
  return box;
}

async function openFromLibrary(name: string): Promise<void> {
  const row = page.locator('[data-testid="library-row"]', { hasText: name });
  await row.dblclick();
  await page.getByTestId('review-view').waitFor();
  await expect.poll(() => page.getByTestId('review-title').textContent()).toBe(name);
}

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-review-');
  clipsDir = path.join(tmp, 'clips');
  projectsDir = path.join(tmp, 'projects');
  fs.mkdirSync(projectsDir, { recursive: true });
  await makeClip({
    codec: 'h264',
    durationSec: CLIP_SEC,
    fps: FPS,
    out: path.join(clipsDir, 'clip.mp4'),
  });
  // mpeg4 in AVI: Chromium cannot play it, so the review view must go through a proxy.
  await makeClip({
    codec: 'mpeg4',
    durationSec: 3,
    fps: FPS,
    out: path.join(clipsDir, 'legacy.avi'),
  });
  studio = await openStudio(path.join(tmp, 'home'));
  ({ host, page, pageErrors } = studio);
  // A failed media request names its URL here (the console error alone does not).
  page.on('response', (r) => {
    if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url()}`);
  });
});

afterAll(() => closeStudio(studio, tmp));

describe('review, as a user', () => {
  it('imports and scores two clips', async () => {
    await createProjectViaUi(page, host.url, path.join(projectsDir, 'Review.vqa2.sqlite'));
    const summary = await importFolderViaUi(page, clipsDir, ['clip.mp4', 'legacy.avi']);
    await summary.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('library-row').count()).toBe(2);

    await page.getByTestId('score-button').click();
    const dialog = page.getByTestId('score-dialog');
    await dialog.locator('[data-testid="scorer-option"][data-scorer="builtin-nr"]').click();
    await dialog.getByTestId('segment-sec').fill('1');
    await dialog.getByTestId('score-start').click();
    const job = page.getByTestId('job').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    await expect
      .poll(
        async () =>
          (
            await page
              .locator('[data-testid="library-row"] [data-col="videoScore"]')
              .allTextContents()
          ).filter((t) => /\d/.test(t)).length,
        { timeout: 20_000 },
      )
      .toBe(2);
    // Sort by name descending so the review's N/P order is known: legacy.avi, then clip.mp4.
    await page.getByTestId('col-name').getByRole('button').click();
    await page.getByTestId('col-name').getByRole('button').click();
    await expect
      .poll(() => page.getByTestId('col-name').getAttribute('aria-sort'))
      .toBe('descending');
  });

  it('opens the scored clip in review by double-click, with segments and a timeline', async () => {
    await openFromLibrary('clip.mp4');
    await videoReady();
    expect(await page.getByTestId('review-video').getAttribute('data-kind')).toBe('video');
    // 6 s at 1 s segments.
    await expect.poll(() => page.getByTestId('segment-row').count()).toBe(CLIP_SEC);
    const bands = page.locator('[data-testid="score-lane"] rect.heat-band');
    expect(await bands.count()).toBe(CLIP_SEC);
    expect(await page.getByTestId('review-position').textContent()).toBe('2 of 2');
    expect(await page.getByTestId('prev-video').isEnabled()).toBe(true);
  });

  it('keeps the whole clip on the timeline when the window gets narrower and wider again', async () => {
    const visible = () => page.getByTestId('zoom-window').textContent();
    const scroll = page.getByTestId('timeline-scroll');
    // the timeline's content is as wide as the clip at the current scale: it fits when the whole
    // clip is in view (the text alone can be read before the timeline has seen the new width)
    const overflow = () => scroll.evaluate((e) => e.scrollWidth - e.clientWidth);
    const width = () => scroll.evaluate((e) => e.clientWidth);
    const whole = `${CLIP_SEC.toFixed(2)} s visible`;
    expect(await visible()).toBe(whole);
    const vp = page.viewportSize()!;
    const before = await width();
    try {
      await page.setViewportSize({ width: vp.width - 240, height: vp.height });
      await expect.poll(width).toBeLessThan(before);
      await expect.poll(overflow).toBe(0);
      expect(await visible()).toBe(whole);
      await page.setViewportSize(vp);
      await expect.poll(width).toBe(before);
      await expect.poll(overflow).toBe(0);
      expect(await visible()).toBe(whole);
    } finally {
      await page.setViewportSize(vp);
    }
  });

  it('seeks where the timeline is clicked and highlights that segment', async () => {
    const box = await laneBox('timeline-seek');
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await expect.poll(currentTime).toBeCloseTo(CLIP_SEC * 0.5, 0);
    const t = await currentTime();
    expect(Math.abs(t - CLIP_SEC * 0.5)).toBeLessThan(0.1);
    await expect
      .poll(() => page.locator('[data-testid="segment-row"].current').getAttribute('data-idx'))
      .toBe(String(Math.floor(t)));
    // The hover readout names the segment and its measurements.
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    const tip = page.getByTestId('hover-tip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/Segment 1 · \d+\.\d/);
    expect(await tip.textContent()).toContain('BRISQUE');
    await shot('30a-hover');
  });

  it('steps one frame with . and , (1/fps each)', async () => {
    await page.keyboard.press('.');
    const f0 = await frameReadout();
    const t0 = await currentTime();
    await page.keyboard.press('.');
    await expect.poll(frameReadout).toBe(f0 + 1);
    expect(await currentTime()).toBeCloseTo(t0 + 1 / FPS, 3);
    await page.keyboard.press(',');
    await page.keyboard.press(',');
    await expect.poll(frameReadout).toBe(f0 - 1);
    expect(await currentTime()).toBeCloseTo(t0 - 1 / FPS, 3);
    // Arrow keys: one second.
    await page.keyboard.press('ArrowRight');
    await expect.poll(currentTime).toBeCloseTo(t0 - 1 / FPS + 1, 3);
  });

  it('plays with J/K/L as editing tools do; the Rate menu and Space keep the real rate', async () => {
    const rate = page.getByTestId('rate-select');
    await page.keyboard.press('l');
    await page.keyboard.press('l');
    await expect.poll(() => rate.inputValue()).toBe('1.5');
    await page.keyboard.press('k');
    await expect
      .poll(() => page.getByTestId('play-toggle').getAttribute('aria-label'))
      .toBe('Play');
    await page.keyboard.press(' ');
    await expect
      .poll(() =>
        page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).playbackRate),
      )
      .toBe(1.5);
    expect(await rate.inputValue()).toBe('1.5');
    // J turns round and plays backwards; again is faster
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('speed').textContent()).toBe('◀ 1×');
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('speed').textContent()).toBe('◀ 1.5×');
    const t = await currentTime();
    await expect.poll(currentTime, { timeout: 5_000 }).toBeLessThan(t - 0.1);
    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('speed').textContent()).toBe('');
    expect(await page.getByTestId('key-hints').textContent()).toContain(
      'J/L play back/forward, again: faster',
    );
  });

  it('rates the video with key 4 (saved at once)', async () => {
    await page.keyboard.press('4');
    await expect.poll(() => page.getByTestId('mos').getAttribute('data-value')).toBe('4');
    await shot('30-review');
  });

  it('draws a span on the annotations lane and tags it blur with B', async () => {
    const box = await laneBox('annotation-lane');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, y, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.45, y, { steps: 4 });
    await page.mouse.up();
    const menu = page.getByTestId('tag-menu');
    await menu.waitFor();
    // every tag is on screen and clickable: nothing clips the picker
    const vp = page.viewportSize()!;
    const mb = (await menu.boundingBox())!;
    expect(mb.y).toBeGreaterThanOrEqual(0);
    expect(mb.y + mb.height).toBeLessThanOrEqual(vp.height);
    for (const tag of ['blur', 'other']) {
      const item = (await menu.locator(`[data-tag="${tag}"]`).boundingBox())!;
      const hit = await page.evaluate(
        ([x, y]) =>
          document.elementFromPoint(x!, y!)?.closest('[data-tag]')?.getAttribute('data-tag'),
        [item.x + item.width / 2, item.y + item.height / 2],
      );
      expect(hit).toBe(tag);
    }
    await shot('31a-tag-menu');
    await page.keyboard.press('b');
    await menu.waitFor({ state: 'detached' });
    const span = page.getByTestId('span');
    await expect.poll(() => span.getAttribute('data-tag')).toBe('blur');
    expect(await page.getByTestId('span-item').count()).toBe(1);
    expect(await page.getByTestId('span-item').getByTestId('span-tag').inputValue()).toBe('blur');
    await shot('31-span-tagged');
  });

  it('undoes and redoes the tag as calls (Ctrl+Z, Ctrl+Shift+Z)', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('span').getAttribute('data-tag')).toBe('');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('span').getAttribute('data-tag')).toBe('blur');
  });

  it('goes back to the library with Escape, keeping its sort', async () => {
    // The first Escape lets go of the selected span; the second leaves the review.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="span"].selected').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('review-view').waitFor({ state: 'detached' });
    expect(await page.getByTestId('col-name').getAttribute('aria-sort')).toBe('descending');
  });

  it('plays the AVI through an H.264 proxy and says so', async () => {
    // Enter opens the one selected row.
    await page.locator('[data-testid="library-row"]', { hasText: 'legacy.avi' }).click();
    await page.keyboard.press('Enter');
    await page.getByTestId('review-view').waitFor();
    await expect.poll(() => page.getByTestId('review-title').textContent()).toBe('legacy.avi');
    await page.getByTestId('proxy-notice').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('proxy-notice').textContent()).toContain(
      'Showing a proxy (H.264) — times map to the source',
    );
    await videoReady();
    expect(await page.getByTestId('review-video').getAttribute('data-kind')).toBe('proxy');
    await shot('32-proxy');
  });

  it('moves to the next video with N in the library order (name, descending)', async () => {
    expect(await page.getByTestId('review-position').textContent()).toBe('1 of 2');
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('review-title').textContent()).toBe('clip.mp4');
    await expect.poll(() => page.getByTestId('mos').getAttribute('data-value')).toBe('4');
  });

  it('keeps the rating and the span after a reload (and reopens the review)', async () => {
    await page.reload();
    await page.getByTestId('review-view').waitFor();
    await expect.poll(() => page.getByTestId('review-title').textContent()).toBe('clip.mp4');
    await expect.poll(() => page.getByTestId('mos').getAttribute('data-value')).toBe('4');
    await expect.poll(() => page.getByTestId('span').getAttribute('data-tag')).toBe('blur');
    const box = await laneBox('annotation-lane');
    const spanBox = await page.getByTestId('span').boundingBox();
    // The span covers roughly 20–45 % of the clip.
    expect((spanBox!.x - box.x) / box.width).toBeCloseTo(0.2, 1);
    expect((spanBox!.x + spanBox!.width - box.x) / box.width).toBeCloseTo(0.45, 1);
    await videoReady();
  });

  it('stays responsive while scrubbing the timeline (long tasks reported)', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    const box = await laneBox('timeline-seek');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 2, y);
    await page.mouse.down();
    for (let i = 0; i <= 60; i++) await page.mouse.move(box.x + 2 + ((box.width - 4) * i) / 60, y);
    await page.mouse.up();
    // Zoom in and out with Ctrl+wheel in the middle.
    await page.keyboard.down('Control');
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 200);
    await page.keyboard.up('Control');
    await page.waitForTimeout(300);
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    const max = long.length ? Math.max(...long) : 0;
    console.log(
      `[review perf] long tasks while scrubbing: ${long.length}, max ${max.toFixed(0)} ms`,
    );
    // Headless Chromium on a busy CI box can stall briefly; a frozen UI would show seconds.
    expect(max).toBeLessThan(500);
    expect(await currentTime()).toBeGreaterThan(CLIP_SEC * 0.9);
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });

  it('shows tiles of the thumbnail strip, its sprite loaded', async () => {
    await expect
      .poll(() => page.getByTestId('thumb-lane').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('ready');
    const tiles = page.getByTestId('thumb-tile');
    expect(await tiles.count()).toBeGreaterThanOrEqual(1);
    const bg = await tiles.first().evaluate((el) => getComputedStyle(el).backgroundImage);
    expect(bg).toMatch(/\/strip\/\d+/);
    const natural = await page.evaluate(
      async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return img.naturalWidth;
      },
      /url\("?([^")]+)"?\)/.exec(bg)![1]!,
    );
    expect(natural).toBeGreaterThan(0);
    await shot('40-thumbnails-lane');
  });
});
