// `vqa2 ask`, `vqa2 qbench` and `vqa2 score --engine-url` as a user runs them (requires
// `npm run build`), against the OpenAI-compatible test server on loopback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { startOpenAiTestServer, type TestServer } from '../helpers/openai-test-server';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { putQbenchSet } from '../../src-main/services/pairs/pair-store';
import { scoreFromLogprobs } from '../../src-main/services/levels/level-score';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'vqa2.js');
const KEY = 'sk-cli-secret-42424242';
let dir: string;
let project: string;
let server: TestServer;

/** Runs the CLI without blocking this process (the test server lives here). */
function vqa2(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, VQA2_HOME: path.join(dir, 'home'), TEST_ENGINE_KEY: KEY },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js')))
    throw new Error('The CLI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-asst-cli-'));
  project = path.join(dir, 'p.vqa2.sqlite');
  await makeClip({
    durationSec: 6,
    width: 320,
    height: 180,
    out: path.join(dir, 'videos', 'alpha.mp4'),
  });
  await makeClip({
    durationSec: 4,
    width: 320,
    height: 180,
    source: 'mandelbrot',
    out: path.join(dir, 'videos', 'beta.mp4'),
  });
  expect((await vqa2('project', 'create', project)).code).toBe(0);
  expect((await vqa2('import', project, path.join(dir, 'videos'))).code).toBe(0);
  expect((await vqa2('score', project, '--pack', 'p1203-mode0')).code).toBe(0);
  server = await startOpenAiTestServer();
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.queue = [];
});

const engineFlags = () => [
  '--engine-url',
  server.url,
  '--engine-model',
  'vqa2-cli',
  '--api-key-env',
  'TEST_ENGINE_KEY',
  '--max-frames',
  '2',
];

describe('vqa2 ask', () => {
  it('answers with the built-in analyst from stored scores', async () => {
    const r = await vqa2('ask', project, 'alpha.mp4', 'How good is the quality overall?');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/built-in analyst \(not an LMM\)/);
    expect(r.stdout).toMatch(
      /^The video's quality score is \d+\.\d \((high|good|fair|poor|low)\)\./,
    );
    const db = new Database(project, { readonly: true });
    const rows = db.prepare('SELECT role, engine FROM chat_messages ORDER BY id').all();
    db.close();
    expect(rows).toEqual([
      { role: 'user', engine: 'analyst' },
      { role: 'assistant', engine: 'analyst' },
    ]);
  });

  it('streams an engine answer; the key goes only into the Authorization header', async () => {
    server.queue = [{ kind: 'text', pieces: ['Blocky ', 'around ', '0:03.'], delayMs: 50 }];
    const r = await vqa2(
      'ask',
      project,
      path.join(dir, 'videos', 'alpha.mp4'),
      'Where',
      'is',
      'it',
      'blocky?',
      ...engineFlags(),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Blocky around 0:03.\n');
    const req = server.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.rawBody).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    const parts = (req.body!.messages as { content: unknown }[])[1]!.content as {
      type: string;
      text?: string;
    }[];
    expect(parts.filter((p) => p.type === 'image_url')).toHaveLength(2);
    expect(parts.at(-1)!.text).toBe('Where is it blocky?');
  });

  it('reports a server error readably with a runtime exit code, and usage errors with 1 or 2', async () => {
    server.queue = [
      {
        kind: 'status',
        status: 400,
        body: JSON.stringify({ error: { message: 'model "vqa2-cli" not found' } }),
      },
    ];
    const r = await vqa2('ask', project, 'beta.mp4', 'q', ...engineFlags());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/HTTP 400.*model "vqa2-cli" not found/);
    expect((await vqa2('ask', project, 'beta.mp4', 'q', '--engine-url', server.url)).code).toBe(1);
    const unset = await vqa2(
      'ask',
      project,
      'beta.mp4',
      'q',
      '--engine-url',
      server.url,
      '--engine-model',
      'm',
      '--api-key-env',
      'NOT_SET_ANYWHERE',
    );
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/NOT_SET_ANYWHERE is not set/);
    expect((await vqa2('ask', project, 'gamma.mp4', 'q')).stderr).toMatch(/No video "gamma.mp4"/);
  });
});

describe('vqa2 score --engine-url', () => {
  it('scores from log-probabilities and stores an engine run', async () => {
    const r = await vqa2('score', project, ...engineFlags(), '--json');
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as {
      path: string;
      status: string;
      videoScore: number;
      levelProbs: Record<string, number>;
    }[];
    const expected = scoreFromLogprobs({
      ' good': -0.3,
      ' fair': -1.6,
      ' high': -2.5,
      Good: -3,
      ' the': -4,
    });
    expect(results).toHaveLength(2);
    for (const x of results) {
      expect(x.status).toBe('ok');
      expect(x.videoScore).toBeCloseTo(expected.score, 12);
    }
    expect(
      server.requests.every((q) => q.body!.logprobs === true && q.body!.top_logprobs === 20),
    ).toBe(true);
    const db = new Database(project, { readonly: true });
    const run = db
      .prepare("SELECT pack_id, settings_json FROM model_runs WHERE kind = 'engine'")
      .get() as { pack_id: string; settings_json: string };
    const jobs = db
      .prepare("SELECT params_json FROM jobs WHERE params_json LIKE '%engine%'")
      .all() as { params_json: string }[];
    db.close();
    expect(run.pack_id).toBe('openai:vqa2-cli');
    expect(run.settings_json).not.toContain(KEY);
    expect(jobs.length).toBeGreaterThan(0);
    for (const j of jobs) expect(j.params_json).not.toContain(KEY);
  });

  it('gives no score when the server returns no log-probabilities', async () => {
    server.fallback = () => ({ kind: 'logprobs', top: null, content: 'good' });
    try {
      const r = await vqa2('score', project, ...engineFlags(), '--json');
      const results = JSON.parse(r.stdout) as {
        status: string;
        videoScore: number | null;
        error: string;
      }[];
      expect(results.every((x) => x.status === 'failed' && x.videoScore === null)).toBe(true);
      expect(results[0]!.error).toMatch(/no log-probabilities/);
    } finally {
      server.fallback = (await import('../helpers/openai-test-server')).defaultFallback;
    }
  });
});

describe('vqa2 qbench', () => {
  it('prints {accuracy, n, byType} for an engine, and unanswered for the analyst', async () => {
    const store = ProjectStore.open(project);
    const ids = store
      .listVideos({ offset: 0, limit: 10, sort: { column: 'name', desc: false } })
      .rows.map((v) => v.id);
    putQbenchSet(store, 'cli-set', [
      {
        videoId: ids[0]!,
        videoName: 'alpha.mp4',
        questionType: 'yes-or-no',
        question: 'Is it blurry?',
        answers: ['Yes', 'No'],
        correctChoice: 'B',
      },
      {
        videoId: ids[1]!,
        videoName: 'beta.mp4',
        questionType: 'what/how',
        question: 'How is the noise?',
        answers: ['None', 'Some', 'Heavy'],
        correctChoice: 'A',
      },
      {
        videoId: ids[1]!,
        videoName: 'beta.mp4',
        questionType: 'what/how',
        question: 'How is the colour?',
        answers: ['Dull', 'Vivid'],
        correctChoice: 'B',
      },
    ]);
    store.close();
    server.queue = [
      { kind: 'text', pieces: ['B.'] },
      { kind: 'text', pieces: ['A.'] },
      { kind: 'text', pieces: ['A.'] },
    ];
    const r = await vqa2('qbench', project, '--set', 'cli-set', ...engineFlags(), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      accuracy: number;
      n: number;
      byType: Record<string, { accuracy: number; n: number }>;
    };
    expect(j.n).toBe(3);
    expect(j.accuracy).toBeCloseTo(2 / 3, 12);
    expect(j.byType).toEqual({
      'yes-or-no': { accuracy: 1, n: 1 },
      'what/how': { accuracy: 0.5, n: 2 },
    });
    const a = await vqa2('qbench', project, '--set', 'cli-set', '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ accuracy: 0, n: 3, unanswered: 3 });
    expect(a.stderr).toMatch(/cannot answer question sets/);
  });
});
