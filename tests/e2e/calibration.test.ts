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
import { levelOfScore } from '../../src-main/services/levels/level-score';
import { levelOfMos } from '../../src-main/services/evaluation/calibrated-levels';

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

  it("the score popover explains the picked run's number, not the newest run's", async () => {
    // the partial run is newer: before the popover followed the picker it showed that run here
    const row = page.getByTestId('library-row').filter({ hasText: nameOf(p.partialVideos[0]!) });
    const detail = page.getByTestId('score-detail');
    const open = async () => {
      await row.locator('.score-button').click();
      await detail.getByTestId('detail-run').waitFor();
      return {
        run: await detail.getByTestId('detail-run').getAttribute('data-run-id'),
        text: await detail.getByTestId('detail-run').textContent(),
        score: await detail.locator('.score-big').textContent(),
        cell: await row.locator('[data-col="videoScore"]').textContent(),
      };
    };
    const builtin = await open();
    expect(builtin.run).toBe(String(p.builtinRun));
    expect(builtin.text).toContain('builtin-nr');
    expect(builtin.score).toBe(builtin.cell);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await page.getByTestId('run-picker').selectOption(String(p.partialRun));
    await expect
      .poll(() => page.getByTestId('score-header-run').textContent())
      .toBe(`#${p.partialRun} p1203-mode0 1.0.0`);
    const partial = await open();
    expect(partial.run).toBe(String(p.partialRun));
    expect(partial.text).toContain('p1203-mode0');
    expect(partial.score).toBe(partial.cell);
    expect(partial.score).not.toBe(builtin.score);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
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
    // with the run picker in a full toolbar, the status buttons still show their labels and counts
    // whole (the search box and the picker give way)
    const status = page.getByTestId('filter-status');
    expect(await status.evaluate((e) => e.scrollWidth - e.clientWidth)).toBe(0);
    await shot('calib-05-library-predicted-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('exports the MOS table with calibrated levels only for a calibrated run, and they differ', async () => {
    await page.getByTestId('open-pairs').click();
    await page.getByTestId('pairs-view').waitFor();
    await page.getByTestId('pairs-export').click();
    const dialog = page.getByTestId('export-dialog');
    await page.getByTestId('export-format').selectOption('csv-mos');
    // the generated project's video files do not exist: symlinks need none
    await page.getByTestId('export-videos').selectOption('reference');
    // the partial run has no calibration: the choice is disabled and says why
    await page.getByTestId('export-run').selectOption(String(p.partialRun));
    expect(await page.getByTestId('export-levels-reason').textContent()).toBe(
      `Run #${p.partialRun} has no calibration: calibrate it to your MOS in Evaluation first.`,
    );
    expect(
      await page.getByTestId('export-levels').locator('option[value="calibrated"]').isDisabled(),
    ).toBe(true);
    await page.getByTestId('export-run').selectOption(String(p.builtinRun));
    await page.getByTestId('export-levels-reason').waitFor({ state: 'detached' });
    const exportTo = async (dir: string, levels: 'model' | 'calibrated') => {
      await page.getByTestId('export-levels').selectOption(levels);
      await page.getByTestId('export-out').fill(dir);
      await page.getByTestId('export-start').click();
      await expect
        .poll(async () => {
          const progress = page.getByTestId('export-progress');
          const status = await progress.getAttribute('data-status');
          return status === 'failed' ? await progress.textContent() : status;
        })
        .toBe('done');
      const [head, ...lines] = fs
        .readFileSync(path.join(dir, 'mos.csv'), 'utf8')
        .trim()
        .split('\n');
      const keys = head!.split(',');
      return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i]!, v])));
    };
    const model = await exportTo(path.join(tmp, 'export-model'), 'model');
    await dialog.getByTestId('export-levels').waitFor();
    await shot('calib-06-export-calibrated-1440');
    const calibrated = await exportTo(path.join(tmp, 'export-calibrated'), 'calibrated');
    expect(model).toHaveLength(16);
    expect(calibrated).toHaveLength(16);
    expect(Object.keys(model[0]!)).not.toContain('predicted_mos');
    for (const r of model) expect(r.level).toBe(levelOfScore(Number(r.model_score)));
    let differ = 0;
    for (const r of calibrated) {
      const m = model.find((x) => x.path === r.path)!;
      expect(r.model_score).toBe(m.model_score);
      // rated videos take their MOS's level; unrated ones the predicted MOS's
      if (r.mos) expect(r.level).toBe(levelOfMos(Number(r.mos), '1-5'));
      else expect(r.level).toBe(levelOfMos(Number(r.predicted_mos), '1-5'));
      if (r.level !== m.level) differ++;
    }
    expect(differ).toBeGreaterThan(0);
    expect(calibrated.filter((r) => r.predicted_mos !== '')).toHaveLength(16);
    await dialog.locator('.modal-footer').getByRole('button', { name: 'Close' }).click();
  });

  it('generates rating pairs with calibrated levels once the default run is calibrated', async () => {
    await page.getByTestId('pairs-templates').click();
    await page.getByTestId('templates-dialog').waitFor();
    await expect
      .poll(() =>
        page.getByTestId('generate-levels').locator('option[value="calibrated"]').isDisabled(),
      )
      .toBe(false);
    await page.getByTestId('generate-levels').selectOption('calibrated');
    await shot('calib-07-generate-calibrated-1440');
    await page.getByTestId('templates-generate').click();
    await expect
      .poll(() => page.getByTestId('pairs-notice').textContent())
      .toMatch(/^Generated \d+ draft pairs? for/);
    expect(pageErrors).toEqual([]);
  });
});
