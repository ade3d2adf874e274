// As a reviewer with a long video: a 2-hour clip (1 fps, so cheap to make and score)
// is built into a project with the command line (create, import, score with the built-in pack's
// 2 s segments → 3,600 segments), then opened in the studio's review view. While the reviewer
// scrubs the timeline, zooms and scrolls it, steps through segments with ] and plays, the page's
// long tasks are collected with a PerformanceObserver and reported (target: none over 50 ms while
// scrubbing; the assertion guards a looser bound, see below); the segment table stays virtualized.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  REPO_ROOT,
  SCREENSHOT_DIR,
  startWebHost,
  type RunningHost,
  prepareE2e,
} from './web-host';

const run = promisify(execFile);
const DURATION_SEC = 7200;
const SEGMENTS = 3600;
const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
// Cached per machine by name: 7,200 tiny frames take about a second with ultrafast x264.
const LONG_CLIP = path.join(os.tmpdir(), 'vqa2-e2e-long-2h-64x36-1fps.mp4');

let tmp: string;
let home: string;
let project: string;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

interface LongTaskWindow {
  __longTasks: number[];
}

async function vqa2(...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'vqa2.js'), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, VQA2_HOME: home },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout;
}

async function makeLongClip(): Promise<void> {
  if (fs.existsSync(LONG_CLIP) && fs.statSync(LONG_CLIP).size > 0) return;
  const partial = `${LONG_CLIP}.${process.pid}.part.mp4`;
  await run(FFMPEG, [
    '-y',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=64x36:rate=1',
    '-t',
    String(DURATION_SEC),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '10',
    '-pix_fmt',
    'yuv420p',
    partial,
  ]);
  fs.renameSync(partial, LONG_CLIP);
}

/** Clears the long-task buffer; the observer keeps collecting into it. */
function clearLongTasks(): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as LongTaskWindow).__longTasks.length = 0;
  });
}

async function takeLongTasks(phase: string): Promise<{ count: number; max: number }> {
  // Let the last frame's work finish and its entry be delivered.
  await page.waitForTimeout(250);
  const tasks = await page.evaluate(() => [...(window as unknown as LongTaskWindow).__longTasks]);
  await clearLongTasks();
  const max = tasks.length ? Math.max(...tasks) : 0;
  console.log(
    `[review perf 2h] ${phase}: ${tasks.length} long task(s), max ${max.toFixed(0)} ms` +
      (tasks.length ? ` [${tasks.map((d) => d.toFixed(0)).join(', ')}]` : ''),
  );
  return { count: tasks.length, max };
}

async function box(testId: string) {
  const b = await page.getByTestId(testId).boundingBox();
  if (!b) throw new Error(`${testId} is not visible`);
  return b;
}

function currentTime(): Promise<number> {
  return page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).currentTime);
}

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-perf-');
  home = path.join(tmp, 'home');
  project = path.join(tmp, 'Long.vqa2.sqlite');
  await makeLongClip();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('review of a 2-hour video with 3,600 segments', () => {
  it('builds the project with the command line (create, import, score on cpu)', async () => {
    await vqa2('project', 'create', project);
    await vqa2('import', project, LONG_CLIP);
    const t0 = performance.now();
    const out = await vqa2('score', project, '--ep', 'cpu');
    const sec = (performance.now() - t0) / 1000;
    console.log(`[review perf 2h] scoring 2 h / ${SEGMENTS} segments took ${sec.toFixed(1)} s`);
    // The summary table's segments column.
    expect(out).toMatch(new RegExp(`\\s${SEGMENTS}\\s`));
    // Well under 2 minutes even on a 2-core CI machine.
    expect(sec).toBeLessThan(120);
  });

  it('opens it in review with the score lane and a virtualized segment table', async () => {
    host = await startWebHost(home, [project]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(host.url);
    const row = page.locator('[data-testid="library-row"]', { hasText: path.basename(LONG_CLIP) });
    await row.waitFor({ timeout: 30_000 });
    await row.dblclick();
    await page.getByTestId('review-view').waitFor();
    await page.locator('[data-testid="score-lane"] rect.heat-band').first().waitFor({
      timeout: 30_000,
    });
    await page.getByTestId('segment-row').first().waitFor();
    await expect
      .poll(
        () => page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).readyState),
        { timeout: 60_000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(
      await page.getByTestId('review-video').evaluate((v) => (v as HTMLVideoElement).duration),
    ).toBeCloseTo(DURATION_SEC, -1);
    // All 3,600 segments are in the table, only a window of them in the DOM.
    const rendered = await page.getByTestId('segment-row').count();
    console.log(`[review perf 2h] segment table: ${rendered} of ${SEGMENTS} rows rendered`);
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThanOrEqual(60);
    // Scrolled to the end, the last segment is there.
    await page.getByTestId('segment-table').evaluate((el) => {
      const scroller = [el, ...el.querySelectorAll('*')].find(
        (n) => n.scrollHeight > n.clientHeight + 10 && getComputedStyle(n).overflowY !== 'visible',
      );
      if (scroller) scroller.scrollTop = scroller.scrollHeight;
    });
    await expect
      .poll(() => page.locator(`[data-testid="segment-row"][data-idx="${SEGMENTS - 1}"]`).count())
      .toBe(1);
    expect(await page.getByTestId('segment-row').count()).toBeLessThanOrEqual(60);

    // Observe long tasks from here on (buffered would include loading; cleared before each phase).
    await page.evaluate(() => {
      const w = window as unknown as LongTaskWindow;
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.waitForTimeout(500);
  });

  it('scrubs the whole timeline with only brief long tasks (target: none over 50 ms)', async () => {
    await clearLongTasks();
    const b = await box('timeline-seek');
    const y = b.y + b.height / 2;
    await page.mouse.move(b.x + 2, y);
    await page.mouse.down();
    for (let i = 0; i <= 60; i++) {
      await page.mouse.move(b.x + 2 + ((b.width - 4) * i) / 60, y);
      await page.waitForTimeout(50);
    }
    await page.mouse.up();
    const scrub = await takeLongTasks('scrubbing (61 moves over ~3 s)');
    expect(await currentTime()).toBeGreaterThan(DURATION_SEC * 0.95);
    // The target is no long task (> 50 ms) while scrubbing; the figure is printed above. On an idle
    // 2-core machine with software raster it is 0 in every run since the side panels follow the
    // playhead at low priority (useDeferredValue), the segment table stopped re-rendering
    // synchronously inside scroll events, and the playhead stopped reading layout (was 0–3 tasks
    // of 50–56 ms). A busy machine adds a few brief ones, so the assertion is a guard against a
    // UI that stalls (a task of a quarter second, or one per few moves), not a timing target.
    expect(scrub.count).toBeLessThanOrEqual(5);
    expect(scrub.max).toBeLessThan(250);
  });

  it('zooms with Ctrl+wheel and scrolls along, steps 30 segments with ], plays 2 s', async () => {
    // Zoom in around the middle, then scroll the zoomed timeline with the plain wheel.
    const b = await box('timeline-seek');
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.keyboard.down('Control');
    for (let i = 0; i < 5; i++) {
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(60);
    }
    await page.keyboard.up('Control');
    for (let i = 0; i < 10; i++) {
      await page.mouse.wheel(0, 200);
      await page.waitForTimeout(60);
    }
    const zoomScroll = await takeLongTasks('zoom ×5 + scroll ×10');

    await page.mouse.click(b.x + b.width * 0.25, b.y + b.height / 2);
    await page.waitForTimeout(200);
    await clearLongTasks();
    const before = await currentTime();
    for (let i = 0; i < 30; i++) await page.keyboard.press(']');
    await expect.poll(currentTime).toBeGreaterThan(before + 30 * 2 - 2.5);
    const steps = await takeLongTasks('] ×30');

    await page.getByTestId('play-toggle').click();
    await page.waitForTimeout(2000);
    await page.getByTestId('play-toggle').click();
    const play = await takeLongTasks('play 2 s');

    await page.screenshot({ path: path.join(SCREENSHOT_DIR, '35-review-2h.png') });
    console.log(
      `[review perf 2h] summary: zoom/scroll ${zoomScroll.count}/${zoomScroll.max.toFixed(0)} ms, ` +
        `] ${steps.count}/${steps.max.toFixed(0)} ms, play ${play.count}/${play.max.toFixed(0)} ms`,
    );
    // Reported, and bounded: 0 long tasks measured in each phase on an idle machine; the bound
    // guards against a stalling UI, not a timing target (a busy machine adds brief tasks).
    for (const p of [zoomScroll, steps, play]) {
      expect(p.count).toBeLessThanOrEqual(3);
      expect(p.max).toBeLessThan(250);
    }
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
