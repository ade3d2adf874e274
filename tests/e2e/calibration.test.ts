// End to end, as an evaluator with their own ratings: the library shows one model run's scores
// (run picker; the header names the run; a run's skipped videos show "—" and sort last), a MOS
// column, and after *Calibrate* in the Evaluation view a Predicted MOS with its 95 % interval for
// unrated videos. Screenshots at 1440×900 and 1280×720 go to test-output/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  SCREENSHOT_DIR,
  startWebHost,
  type RunningHost,
  prepareE2e,
} from './web-host';
import { makeCalibrationProject, type CalibrationProject } from '../helpers/calibration-project';

let tmp: string;
let p: CalibrationProject;
let host: RunningHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
const cells = (col: string) =>
  page.locator(`[data-testid="library-row"] [data-col="${col}"]`).allTextContents();
const names = () => cells('name');
const nameOf = (id: number) => `clip-${String(p.videoIds.indexOf(id) + 1).padStart(2, '0')}.mp4`;

beforeAll(async () => {
  tmp = prepareE2e('vqa2-e2e-calib-');
  p = makeCalibrationProject(tmp, { videos: 16, rated: 12 });
  host = await startWebHost(path.join(tmp, 'home'), [p.file]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on(
    'console',
    (m) =>
      m.type() === 'error' &&
      !/Failed to load resource/.test(m.text()) &&
      pageErrors.push(m.text()),
  );
  await page.goto(host.url);
  await page.getByTestId('library-view').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('one run per score column, MOS and calibration', () => {
  it('shows the default run (most videos, finished) named in the Score header, and the MOS column', async () => {
    await expect.poll(() => page.getByTestId('run-picker').inputValue()).toBe(String(p.builtinRun));
    expect(await page.getByTestId('score-header-run').textContent()).toBe(
      `#${p.builtinRun} builtin-nr 1.0.0`,
    );
    const options = await page.getByTestId('run-picker').locator('option').allTextContents();
    expect(options).toEqual([
      expect.stringMatching(
        new RegExp(
          `^#${p.partialRun} p1203-mode0 1\\.0\\.0 · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC · 10 of 16 videos$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^#${p.builtinRun} builtin-nr 1\\.0\\.0 · .* · 16 of 16 videos \\(default\\)$`),
      ),
    ]);
    await expect.poll(() => cells('videoScore')).toHaveLength(16);
    const mos = await cells('mos');
    expect(mos.filter((m) => m !== '—')).toHaveLength(12);
    await expect.poll(() => cells('predictedMos')).toEqual(Array(16).fill('—'));
  });

  it('switches to the partial run: skipped videos show "—" and sort last, by that run only', async () => {
    await page.getByTestId('run-picker').selectOption(String(p.partialRun));
    await expect
      .poll(() => page.getByTestId('score-header-run').textContent())
      .toBe(`#${p.partialRun} p1203-mode0 1.0.0`);
    const skipped = p.videoIds.filter((id) => !p.partialVideos.includes(id)).map(nameOf);
    await expect
      .poll(async () => {
        const [n, s] = [await names(), await cells('videoScore')];
        return n.filter((_, i) => s[i] === '—').sort();
      })
      .toEqual(skipped.sort());
    await page.getByTestId('col-videoScore').getByRole('button').click();
    await expect
      .poll(() => page.getByTestId('col-videoScore').getAttribute('aria-sort'))
      .toBe('ascending');
    const expected = [...p.partialVideos]
      .sort((a, b) => 1 - p.score.get(a)! - (1 - p.score.get(b)!))
      .map(nameOf);
    await expect.poll(async () => (await names()).slice(0, expected.length)).toEqual(expected);
    expect((await cells('videoScore')).slice(expected.length)).toEqual(
      Array(skipped.length).fill('—'),
    );
    await shot('calib-01-library-partial-run-1440');
  });

  it('calibrates the built-in run in Evaluation: cross-validated figures beat the raw score', async () => {
    await page.getByTestId('open-evaluation').click();
    await page.getByTestId('evaluation-view').waitFor();
    const panel = page.getByTestId('eval-calibration');
    await panel.waitFor();
    await page.getByTestId(`calibrate-${p.builtinRun}`).click();
    const table = page.getByTestId(`calibration-table-${p.builtinRun}`);
    await table.waitFor();
    const ridge = await page
      .getByTestId(`calibration-${p.builtinRun}-ridge`)
      .locator('td')
      .allTextContents();
    const raw = Number(await page.getByTestId(`calibration-${p.builtinRun}-raw`).textContent());
    expect(ridge[0]).toMatch(/Ridge/);
    expect(Number(ridge[1])).toBeGreaterThan(raw);
    expect(await page.getByTestId(`calibration-summary-${p.builtinRun}`).textContent()).toMatch(
      /ridge is used for the library’s Predicted MOS: ± \d\.\d\d \(95 %, cut at the scale’s ends\) on unrated videos\. Fitted on 12 rated videos, 5 folds/,
    );
    await panel.scrollIntoViewIfNeeded();
    await shot('calib-02-evaluation-calibrated-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await panel.scrollIntoViewIfNeeded();
    await shot('calib-03-evaluation-calibrated-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows Predicted MOS with its interval for the unrated videos of the calibrated run', async () => {
    await page.getByTestId('evaluation-back').click();
    await page.getByTestId('run-picker').selectOption(String(p.builtinRun));
    await page.getByTestId('col-name').getByRole('button').click();
    await expect
      .poll(async () => (await cells('predictedMos')).filter((t) => t !== '—').length)
      .toBe(4);
    const [n, pm, mos] = [await names(), await cells('predictedMos'), await cells('mos')];
    n.forEach((name, i) => {
      const rated = p.rated.map(nameOf).includes(name);
      expect(mos[i] === '—').toBe(!rated);
      if (!rated) expect(pm[i]).toMatch(/^\d\.\d\d \[\d\.\d, \d\.\d\]$/);
      else expect(pm[i]).toBe('—');
    });
    await shot('calib-04-library-predicted-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await shot('calib-05-library-predicted-1280');
    expect(pageErrors).toEqual([]);
  });
});
