// Starts `vqa2 serve` as a child process (the way a user runs it) and a headless Debian Chromium
// for the e2e tests. Nothing is built here: `npm run build` must have produced out/.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails with an actionable message instead of a confusing timeout when the build is missing. */
export function assertBuilt(): void {
  const index = path.join(REPO_ROOT, 'out', 'renderer', 'index.html');
  const cli = path.join(REPO_ROOT, 'out', 'main', 'cli.js');
  for (const f of [index, cli]) {
    if (!fs.existsSync(f))
      throw new Error(`e2e needs a build: ${f} is missing. Run \`npm run build\` first.`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `e2e needs Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`,
    );
  }
}

/** Start of every e2e file: the build and Chromium are there, the screenshot folder exists; a fresh temp folder. */
export function prepareE2e(tmpPrefix: string): string {
  assertBuilt();
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
}

export interface RunningHost {
  url: string;
  origin: string;
  process: ChildProcess;
  /** Everything the server wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startWebHost(vqa2Home: string, args: string[] = []): Promise<RunningHost> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'vqa2.js'), 'serve', ...args, '--port', '0'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, VQA2_HOME: vqa2Home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`vqa2 serve printed no VQA2_URL within 30 s:\n${log}`)),
      30_000,
    );
    lines.on('line', (line) => {
      log += `${line}\n`;
      const m = /^VQA2_URL (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vqa2 serve exited (${code}) before printing its URL:\n${log}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    process: child,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Studio {
  host: RunningHost;
  browser: Browser;
  page: Page;
  /** Uncaught page errors and console errors: a test ends by asserting there were none. */
  pageErrors: string[];
}

/** The web host plus a Chromium page at a studio-sized viewport, collecting page errors. */
export async function openStudio(vqa2Home: string): Promise<Studio> {
  const host = await startWebHost(vqa2Home);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  return { host, browser, page, pageErrors };
}

export async function closeStudio(s: Partial<Studio> | undefined, tmp?: string): Promise<void> {
  await s?.browser?.close();
  await s?.host?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

/** As a user: create a project by typing its path on the project screen. */
export async function createProjectViaUi(
  page: Page,
  url: string,
  projectPath: string,
): Promise<void> {
  await page.goto(url);
  await page.getByTestId('project-screen').waitFor();
  await page.getByLabel('Or type a project path on the server').fill(projectPath);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByTestId('library-view').waitFor();
}

/**
 * As a user: Import… → type the folder into the picker → confirm; resolves with the import
 * summary toast. The picker first opens on the project's folder, so wait for the typed folder's
 * entries (`entryNames`, in the picker's order) before confirming.
 */
export async function importFolderViaUi(
  page: Page,
  dir: string,
  entryNames: string[],
): Promise<Locator> {
  await page.getByTestId('import-button').click();
  await page.locator('[data-testid="browser-list"][aria-busy="false"]').waitFor();
  const input = page.getByTestId('browser-path');
  await input.fill(dir);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(dir);
  await page.locator('[data-testid="browser-list"][aria-busy="false"]').waitFor();
  await expect
    .poll(() => page.getByTestId('browser-entry').allTextContents())
    .toEqual(entryNames.map((n) => expect.stringContaining(n)));
  await page.getByTestId('browser-confirm').click();
  const summary = page.getByTestId('import-summary');
  await summary.waitFor({ timeout: 60_000 });
  return summary;
}
