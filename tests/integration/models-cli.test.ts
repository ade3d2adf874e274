// `vqa2 models`, `vqa2 score --model`, `vqa2 ask --model` and `vqa2 qbench --model` as a user runs
// them (requires `npm run build`), on tiny random-weight model folders made by the generator.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, makeClip } from '../helpers/fixtures';
import { loadLmm, type RgbFrame } from '../../src-main/services/lmm/runtime';
import { scoreFromLogits } from '../../src-main/services/levels/level-score';
import { frameSizesFor } from '../../src-main/services/lmm/lmm-frames';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { putQbenchSet } from '../../src-main/services/pairs/pair-store';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'vqa2.js');
let dir: string;
let models: string;
let home: string;
let clip: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout 'data' events before exit: more than one means the answer streamed. */
  chunks: number;
}

function vqa2(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, VQA2_HOME: home },
    });
    let stdout = '';
    let stderr = '';
    let chunks = 0;
    child.stdout.on('data', (d: Buffer) => {
      chunks++;
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, chunks }));
  });
}

const settingsFile = () => path.join(home, 'settings.json');

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js')))
    throw new Error('The CLI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-models-cli-'));
  home = path.join(dir, 'home');
  models = path.join(dir, 'models');
  const gen = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'gen-tiny-models.mjs'), '--out', models],
    { encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gen-tiny-models failed: ${gen.stderr}`);
  clip = await makeClip({
    durationSec: 4,
    width: 320,
    height: 180,
    fps: 10,
    out: path.join(dir, 'videos', 'alpha.mp4'),
  });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('vqa2 models', () => {
  it('adds, lists and removes a model folder, studio-wide', async () => {
    const add = await vqa2(
      'models',
      'add',
      path.join(models, 'vqa2'),
      '--name',
      'Tiny VQA²',
      '--json',
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const added = JSON.parse(add.stdout) as { id: string };
    const list = await vqa2('models', 'list', '--json');
    expect(list.code).toBe(0);
    const all = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(all).toHaveLength(1);
    const m = all[0]!;
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'dir',
        'arch',
        'dtypes',
        'sizeBytes',
        'estMemBytes',
        'providers',
      ]),
    );
    expect(m).toMatchObject({
      id: added.id,
      name: 'Tiny VQA²',
      dir: path.join(models, 'vqa2'),
      arch: 'vqa2',
      dtypes: ['fp32'],
    });
    const onDisk = fs
      .readdirSync(path.join(models, 'vqa2', 'onnx'))
      .reduce((a, f) => a + fs.statSync(path.join(models, 'vqa2', 'onnx', f)).size, 0);
    expect(m.sizeBytes).toBe(onDisk);
    expect(m.estMemBytes as number).toBeGreaterThan(onDisk);
    expect(m.providers).toContain('cpu');
    // the same folder twice is refused
    const again = await vqa2('models', 'add', path.join(models, 'vqa2'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already registered/);
    const rm = await vqa2('models', 'remove', added.id);
    expect(rm.code).toBe(0);
    expect(JSON.parse((await vqa2('models', 'list', '--json')).stdout)).toEqual([]);
    expect((await vqa2('models', 'remove', added.id)).code).toBe(2);
  });

  it('refuses a broken folder with exit 2 and the reason, registering nothing', async () => {
    const bad = path.join(dir, 'bad-model');
    fs.cpSync(path.join(models, 'vqa2'), bad, { recursive: true });
    fs.rmSync(path.join(bad, 'tokenizer.json'));
    const before = fs.existsSync(settingsFile()) ? fs.readFileSync(settingsFile(), 'utf8') : null;
    const r = await vqa2('models', 'add', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MODEL_INVALID.*tokenizer\.json/);
    expect(fs.existsSync(settingsFile()) ? fs.readFileSync(settingsFile(), 'utf8') : null).toBe(
      before,
    );
    expect(JSON.parse((await vqa2('models', 'list', '--json')).stdout)).toEqual([]);
    // a truncated .onnx is refused the same way
    fs.cpSync(path.join(models, 'vqa2'), bad, { recursive: true });
    const dec = path.join(bad, 'onnx', 'decoder_model_merged.onnx');
    fs.truncateSync(dec, Math.floor(fs.statSync(dec).size / 2));
    const t = await vqa2('models', 'add', bad);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/MODEL_INVALID/);
    expect(JSON.parse((await vqa2('models', 'list', '--json')).stdout)).toEqual([]);
    // and `score --model` with it exits 2 without scoring
    const s = await vqa2('score', clip, '--model', bad, '--json');
    expect(s.code).toBe(2);
    expect(s.stdout).toBe('');
  });
});

/** The clip's frames decoded here, independently of the studio's sampler: key frames (first of each second) and all frames. */
async function framesOf(
  file: string,
  sizes: ReturnType<typeof frameSizesFor>,
  fps: number,
): Promise<{ keys: RgbFrame[]; motion: RgbFrame[] }> {
  const k = path.join(dir, 'keys.rgb');
  const m = path.join(dir, 'motion.rgb');
  await ffmpeg([
    '-i',
    file,
    '-vf',
    `select='not(mod(n\\,${fps}))',scale=${sizes.key.width}:${sizes.key.height}:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24`,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    k,
  ]);
  await ffmpeg([
    '-i',
    file,
    '-vf',
    `scale=${sizes.motion.width}:${sizes.motion.height}:flags=area,format=rgb24`,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    m,
  ]);
  const split = (buf: Buffer, s: { width: number; height: number }) => {
    const n = s.width * s.height * 3;
    return Array.from({ length: buf.length / n }, (_, i) => ({
      width: s.width,
      height: s.height,
      data: new Uint8Array(buf.subarray(i * n, (i + 1) * n)),
    }));
  };
  return {
    keys: split(fs.readFileSync(k), sizes.key),
    motion: split(fs.readFileSync(m), sizes.motion),
  };
}

describe('vqa2 score --model', () => {
  it('scores per segment and per video with the level-token score of the runtime logits, the same twice', async () => {
    const folder = path.join(models, 'vqa2');
    const r = await vqa2(
      'score',
      clip,
      '--model',
      folder,
      '--ep',
      'cpu',
      '--segment',
      '2',
      '--json',
    );
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.stdout) as {
      status: string;
      videoScore: number;
      level: string;
      levelProbs: Record<string, number>;
      provider: string;
      segments: { startSec: number; endSec: number; score: number }[];
      model: Record<string, unknown>;
    }[];
    expect(res!.status).toBe('ok');
    expect(res!.provider).toBe('cpu');
    expect(res!.model).toMatchObject({
      id: null,
      dir: folder,
      arch: 'vqa2',
      dtypes: ['fp32'],
      provider: 'cpu',
    });
    expect(res!.segments.map((s) => [s.startSec, s.endSec])).toEqual([
      [0, 2],
      [2, 4],
    ]);

    // the same passes run here on independently decoded frames give the same numbers
    const sizes = frameSizesFor(folder);
    const { keys, motion } = await framesOf(clip, sizes, 10);
    expect(keys).toHaveLength(4);
    expect(motion).toHaveLength(40);
    const lmm = await loadLmm(folder, { ep: 'cpu' });
    try {
      const seg0 = await lmm.scoreLevels({
        keyFrames: keys.slice(0, 2),
        motionFrames: motion.slice(0, 20),
      });
      const s0 = scoreFromLogits(seg0.levelLogits, seg0.weights);
      expect(res!.segments[0]!.score).toBeCloseTo(s0.score, 9);
      const seg1 = await lmm.scoreLevels({
        keyFrames: keys.slice(2, 4),
        motionFrames: motion.slice(20, 40),
      });
      expect(res!.segments[1]!.score).toBeCloseTo(
        scoreFromLogits(seg1.levelLogits, seg1.weights).score,
        9,
      );
      // per video: every key frame and every motion frame (within the default budgets)
      const whole = await lmm.scoreLevels({ keyFrames: keys, motionFrames: motion });
      const v = scoreFromLogits(whole.levelLogits, whole.weights);
      expect(res!.videoScore).toBeCloseTo(v.score, 9);
      expect(res!.levelProbs.high).toBeCloseTo(v.probs.high, 9);
      expect(res!.level).toBe(v.level);
    } finally {
      await lmm.dispose();
    }

    const again = await vqa2(
      'score',
      clip,
      '--model',
      folder,
      '--ep',
      'cpu',
      '--segment',
      '2',
      '--json',
    );
    expect(again.code).toBe(0);
    const [res2] = JSON.parse(again.stdout) as {
      videoScore: number;
      segments: { score: number }[];
    }[];
    expect(res2!.videoScore).toBe(res!.videoScore);
    expect(res2!.segments.map((s) => s.score)).toEqual(res!.segments.map((s) => s.score));
  });

  it('stores a project run with the model, files, provider, prompt, frame settings and weights', async () => {
    const add = JSON.parse(
      (await vqa2('models', 'add', path.join(models, 'llava_onevision'), '--json')).stdout,
    ) as { id: string };
    const project = path.join(dir, 'runs.vqa2.sqlite');
    expect((await vqa2('project', 'create', project)).code).toBe(0);
    expect((await vqa2('import', project, clip)).code).toBe(0);
    const r = await vqa2('score', project, '--model', add.id, '--json');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.stdout) as {
      videoScore: number;
      model: { id: string; arch: string };
    }[];
    expect(res!.model).toMatchObject({ id: add.id, arch: 'llava_onevision' });
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const run = store.connection.prepare('SELECT * FROM model_runs').get() as {
        kind: string;
        pack_id: string;
        settings_json: string;
        provider: string;
        finished_at: string | null;
      };
      expect(run.kind).toBe('model');
      expect(run.pack_id).toBe(add.id);
      expect(run.provider).toBe(res!.model && 'cpu');
      expect(run.finished_at).not.toBeNull();
      const settings = JSON.parse(run.settings_json) as {
        model: { files: { path: string; sizeBytes: number; dtype: string }[] };
        prompt: string;
        weights: number[];
        frames: { segmentSec: number; videoBudget: { keyFrames: number } };
      };
      expect(settings.model.files.map((f) => f.path).sort()).toEqual([
        'onnx/decoder_model_merged.onnx',
        'onnx/embed_tokens.onnx',
        'onnx/vision_encoder.onnx',
      ]);
      expect(settings.prompt).toContain('How would you rate the quality of this video?');
      expect(settings.weights).toEqual([1, 0.75, 0.5, 0.25, 0]);
      expect(settings.frames.segmentSec).toBe(2);
      const vs = store.connection.prepare('SELECT features_json FROM video_scores').get() as {
        features_json: string;
      };
      expect(JSON.parse(vs.features_json)).toMatchObject({
        keyFrames: 4,
        keyFramesInVideo: 4,
        frameBudgetCapped: 0,
      });
    } finally {
      store.close();
    }
    await vqa2('models', 'remove', add.id);
  });
});

describe('vqa2 ask / qbench --model', () => {
  it('streams an answer from the model and stores it in the chat', async () => {
    const project = path.join(dir, 'chat.vqa2.sqlite');
    expect((await vqa2('project', 'create', project)).code).toBe(0);
    expect((await vqa2('import', project, clip)).code).toBe(0);
    const r = await vqa2(
      'ask',
      project,
      'alpha.mp4',
      'How is the sharpness?',
      '--model',
      path.join(models, 'vqa2'),
      '--at',
      '1',
    );
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().length).toBeGreaterThan(0);
    expect(r.chunks).toBeGreaterThan(1);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const msgs = store.connection
        .prepare('SELECT role, text, engine, status FROM chat_messages ORDER BY id')
        .all() as { role: string; text: string; engine: string; status: string }[];
      expect(msgs.map((m) => [m.role, m.status])).toEqual([
        ['user', 'done'],
        ['assistant', 'done'],
      ]);
      expect(msgs[1]!.engine).toMatch(/^lmm:/);
      expect(r.stdout).toContain(msgs[1]!.text.slice(0, 5));
    } finally {
      store.close();
    }
  });

  it('runs a question set with the model', async () => {
    const project = path.join(dir, 'qb.vqa2.sqlite');
    expect((await vqa2('project', 'create', project)).code).toBe(0);
    expect((await vqa2('import', project, clip)).code).toBe(0);
    const store = ProjectStore.open(project);
    putQbenchSet(store, 'mini', [
      {
        videoId: store.videoIds()[0]!,
        videoName: 'alpha.mp4',
        questionType: 'what/how',
        question: 'How is the sharpness?',
        answers: ['Blurry', 'Sharp'],
        correctChoice: 'B',
      },
    ]);
    store.close();
    const r = await vqa2('qbench', project, '--model', path.join(models, 'vqa2'), '--json');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { n: number; engine: string; status: string };
    expect(s).toMatchObject({ n: 1, status: 'done' });
    expect(s.engine).toMatch(/^lmm:/);
  });
});
