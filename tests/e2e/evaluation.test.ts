// End to end, as an evaluator: a project with MOS (three annotators' ACR votes and an imported
// rating list) and scores from `vqa2 score` on clips of different content and size. Opens the
// Evaluation view, checks the metric table equals `vqa2 eval --json`, hovers and clicks a point,
// exports the CSV, takes screenshots; then runs a short rating study with keys, reloads mid-way
// and resumes where it stopped. Screenshots go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeClip, type ClipOptions } from '../helpers/fixtures';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { AnnotationStore } from '../../src-main/services/annotations/annotation-store';
import { putVideoMos } from '../../src-main/services/pairs/pair-store';
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
let host: RunningHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let cli: Record<string, unknown> & { ci: Record<string, [number, number]>; run: { id: number } };
const ids = new Map<string, number>();

const CLIPS: [string, ClipOptions][] = [
  ['a-testsrc.mp4', { source: 'testsrc2', width: 320, height: 240 }],
  ['b-mandelbrot.mp4', { source: 'mandelbrot', width: 320, height: 240 }],
  ['c-smpte.mp4', { source: 'smptebars', width: 320, height: 240 }],
  ['d-life-small.mp4', { source: 'life', width: 96, height: 72 }],
  ['e-testsrc-tiny.mp4', { source: 'testsrc2', width: 64, height: 48 }],
];

const vqa2 = (...args: string[]) => vqa2Ok(path.join(tmp, 'home'), args);

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

async function openEvaluation(): Promise<void> {
  await page.getByTestId('open-evaluation').click();
  await page.getByTestId('evaluation-view').waitFor();
}

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-eval-');
  for (const [name, opts] of CLIPS)
    await makeClip({
      ...opts,
      codec: 'h264',
      durationSec: 1,
      fps: 25,
      out: path.join(tmp, 'clips', name),
    });
  project = vqa2('project', 'create', path.join(tmp, 'Eval')).trim();
  vqa2('import', project, path.join(tmp, 'clips'));
  vqa2('score', project, '--segment', '1', '--json');

  // MOS: three annotators' ACR votes (the default source) and an imported 0–100 list
  const store = ProjectStore.open(project);
  for (const v of store.listVideos({ offset: 0, limit: 100 }).rows) ids.set(v.name, v.id);
  const annotations = new AnnotationStore(store);
  const votes: Record<string, number[]> = {
    ann: [5, 4, 4, 2, 1],
    bea: [4, 5, 3, 2, 2],
    cem: [5, 4, 3, 3, 1],
  };
  for (const [who, rs] of Object.entries(votes)) {
    CLIPS.forEach(([name], i) =>
      annotations.put({ videoId: ids.get(name)!, kind: 'mos', rating: rs[i]! }, who),
    );
  }
  putVideoMos(
    store,
    'lab',
    '0-100',
    CLIPS.map(([name], i) => ({ videoId: ids.get(name)!, mos: 85 - 15 * i })),
  );
  store.close();
  cli = JSON.parse(vqa2('eval', project, '--json')) as typeof cli;

  host = await startWebHost(path.join(tmp, 'home'), [project]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  await page.goto(host.url);
  await page.getByTestId('library-view').waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('evaluation view, as an evaluator', () => {
  it('shows the same metrics as vqa2 eval --json, with CIs and the human-rating statistics', async () => {
    expect(cli.n).toBe(5);
    await openEvaluation();
    const table = page.getByTestId('eval-metric-table');
    await table.waitFor();
    const runId = cli.run.id;
    for (const key of ['srcc', 'krcc', 'plcc', 'plccLogistic', 'rmseLogistic']) {
      const v = cli[key] as number | null;
      await expect
        .poll(() => page.getByTestId(`eval-${runId}-${key}`).textContent())
        .toBe(v == null ? '—' : v.toFixed(4));
    }
    expect(await page.getByTestId(`eval-${runId}-n`).textContent()).toBe('5');
    const srccCi = cli.ci.srcc!;
    expect(await page.getByTestId(`eval-row-${runId}`).textContent()).toContain(
      `[${srccCi[0].toFixed(3)}, ${srccCi[1].toFixed(3)}]`,
    );
    await expect
      .poll(() => page.getByTestId('eval-subjective').textContent())
      .toMatch(/Votes \/ observers15 \/ 3/);
    expect(await page.getByTestId('eval-screening').locator('tbody tr').count()).toBe(3);
  });

  it('hovers a point, breaks down by resolution, exports the CSV, and looks right', async () => {
    const id = ids.get('b-mandelbrot.mp4')!;
    await page.getByTestId(`eval-point-${id}`).hover();
    const tip = page.getByTestId('eval-tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/b-mandelbrot\.mp4.*score \d+\.\d.*MOS 4\.33/);
    expect(await page.getByTestId('eval-curve').getAttribute('d')).toMatch(
      /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){60}$/,
    );
    await shot('evaluation-view');

    await page.getByTestId('eval-subset-by').selectOption('resolution');
    await page.getByTestId('eval-subset-table').waitFor();
    await expect
      .poll(() => page.getByTestId('eval-subset-table').locator('tbody tr').allTextContents())
      .toEqual([
        expect.stringMatching(/^#\d+ .*240p3/),
        expect.stringMatching(/48p1/),
        expect.stringMatching(/72p1/),
      ]);
    await shot('evaluation-subsets');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('eval-export-csv').click(),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(download.suggestedFilename()).toBe('Eval-metrics.csv');
    expect(csv.split('\n')[1]).toContain(`${cli.run.id},`);
    expect(csv).toContain(String(cli.srcc));

    // switching the MOS source to the imported list recomputes on the 0–100 scale
    await page.getByTestId('eval-source').selectOption('list:lab');
    await page.locator('[data-testid="eval-results"][aria-busy="false"]').waitFor();
    await expect
      .poll(() => page.getByTestId('eval-scatter').textContent())
      .toContain('MOS (scale 0-100)');
    expect(await page.getByTestId('eval-subjective').textContent()).toContain(
      'Rating list “lab” (scale 0-100)',
    );
    await page.getByTestId(`eval-point-${ids.get('e-testsrc-tiny.mp4')!}`).hover();
    await expect
      .poll(() => page.getByTestId('eval-tooltip').textContent())
      .toMatch(/e-testsrc-tiny\.mp4.*MOS 25\.00/);
    await shot('evaluation-view-list');
  });

  it('opens the review of a clicked point', async () => {
    await page.getByTestId(`eval-point-${ids.get('c-smpte.mp4')!}`).click();
    await page.getByTestId('review-view').waitFor();
    await expect.poll(() => page.getByTestId('review-title').textContent()).toBe('c-smpte.mp4');
    await page.getByTestId('review-back').click();
    await page.getByTestId('evaluation-view').waitFor();
  });

  it('runs a rating study with keys, reloads mid-way and resumes where it stopped', async () => {
    await page.getByTestId('eval-tab-studies').click();
    await page.getByTestId('study-name').fill('Pilot ACR');
    // asking for more clips than there are videos says so, and the chosen videos set the pool
    await page.getByTestId('study-clips').fill('24');
    await expect
      .poll(() => page.getByTestId('study-clips-note').textContent())
      .toBe('only 5 available: the study will have 5');
    await page.getByTestId('study-videos').locator('summary').click();
    await page.getByTestId('study-video-pick').last().uncheck();
    await expect
      .poll(() => page.getByTestId('study-clips-note').textContent())
      .toBe('only 4 available: the study will have 4');
    await shot('study-new-capped');
    await page.getByTestId('study-clips').fill('3');
    await expect
      .poll(() => page.getByTestId('study-clips-note').textContent())
      .toBe('of 4 available');
    await page.getByTestId('study-repeats').fill('0');
    await page.getByTestId('study-seed').fill('11');
    await page.getByTestId('study-create').click();
    await page.getByTestId('study-screen').waitFor();
    await expect.poll(() => page.getByTestId('study-progress').textContent()).toBe('1 of 3');
    await page.getByTestId('study-video').waitFor();
    expect(await page.getByTestId('study-rate-now').getAttribute('class')).toContain('primary');
    await shot('study-playback');
    // the clip plays to its end (1 s), then the rating screen asks
    await page.getByTestId('study-rating').waitFor({ timeout: 20_000 });
    await shot('study-rating');
    await page.keyboard.press('4');
    await expect.poll(() => page.getByTestId('study-progress').textContent()).toBe('2 of 3');

    // reload in the middle of clip 2: the view is kept in the URL, and the session resumes at clip 2
    expect(new URL(page.url()).hash).toBe('#evaluation');
    await page.reload();
    await page.getByTestId('evaluation-view').waitFor();
    await page.getByTestId('eval-tab-studies').click();
    const resume = page.getByRole('button', { name: /Resume \(1 of 3 rated\)/ });
    await resume.waitFor();
    await shot('study-list');
    await resume.click();
    await expect.poll(() => page.getByTestId('study-progress').textContent()).toBe('2 of 3');
    // pause and resume with the keyboard and the button
    await page.getByTestId('study-video').waitFor();
    await page.keyboard.press('p');
    await page.getByTestId('study-paused').waitFor();
    await page.getByTestId('study-resume').click();
    await page.getByTestId('study-rating').waitFor({ timeout: 20_000 });
    await page.keyboard.press('2');
    await expect.poll(() => page.getByTestId('study-progress').textContent()).toBe('3 of 3');
    await page.getByTestId('study-rating').waitFor({ timeout: 20_000 });
    await page.getByTestId('acr-5').click();
    await page.getByTestId('study-done').waitFor();
    await shot('study-done');

    // back in the evaluation: the study's votes alone are a MOS source too
    await page.getByRole('button', { name: 'Back to evaluation' }).click();
    await page.getByTestId('eval-tab-metrics').click();
    await page.getByTestId('eval-source').selectOption('annotations');
    await page.getByTestId('eval-study-filter').selectOption({ label: 'Study “Pilot ACR” only' });
    await expect
      .poll(() => page.getByTestId('eval-subjective').textContent())
      .toMatch(/Videos with MOS3.*Votes \/ observers3 \/ 1/);
    await expect
      .poll(() => page.getByTestId(`eval-row-${cli.run.id}`).textContent())
      .toContain('needs at least 4 videos, has 3');
    await shot('evaluation-study-votes');

    const store = ProjectStore.open(project, { readonly: true });
    try {
      const rows = store.connection
        .prepare(
          `SELECT a.rating, a.study_id AS studyId FROM annotations a WHERE a.study_id IS NOT NULL ORDER BY a.id`,
        )
        .all() as { rating: number; studyId: number }[];
      expect(rows.map((r) => r.rating)).toEqual([4, 2, 5]);
      expect(new Set(rows.map((r) => r.studyId)).size).toBe(1);
    } finally {
      store.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
