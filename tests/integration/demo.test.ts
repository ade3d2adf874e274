// `vqa2 demo` (what `npm run demo` runs): clips → project → scores → the analyst's answer about
// the weakest clip → rating pairs exported as VQA²/LLaVA JSON, all on the embedded defaults. Nobody
// rated the clips, so the pairs' levels come from the model: they are exported as drafts, and the
// demo says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVqa2 } from '../helpers/cli';
import { levelOfScore } from '../../src-main/services/levels/level-score';
import { runFetchScript } from '../helpers/fetch-data';

interface DemoJson {
  samples: {
    kind: 'real' | 'synthetic';
    note: string;
    clips: { name: string; from: string; distortion: string }[];
  };
  videos: {
    path: string;
    status: string;
    error: string | null;
    videoScore: number | null;
    runId: number | null;
  }[];
  scores: { path: string; status: string; videoScore: number | null; level: string | null }[];
  assistant: { video: string; engine: string; question: string; answer: string } | null;
  dataset: {
    dir: string;
    format: string;
    status: string;
    samples: number;
    pairsGenerated: number;
    approved: number;
    drafts: number;
    levelFromModel: number;
    files: string[];
  };
}

let text: { code: number | null; stdout: string; stderr: string };

let dir: string;
let out: DemoJson;

beforeAll(() => {
  // the demo cuts its clips from real footage when the fetch script can provide it; fetch it here
  // (cached) so the demo's own fetch is instant and the real-footage path is what is tested
  runFetchScript('fetch-real-clips.sh');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-demo-'));
  const r = runVqa2(
    path.join(dir, 'home'),
    ['demo', '--dir', path.join(dir, 'demo'), '--json'],
    300_000,
  );
  if (r.code !== 0) throw new Error(`vqa2 demo exited ${r.code}: ${r.stderr}`);
  out = JSON.parse(r.stdout) as DemoJson;
  // the same demo for people: what it exported, in words
  text = runVqa2(path.join(dir, 'home'), ['demo', '--dir', path.join(dir, 'demo-text')], 300_000);
}, 640_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vqa2 demo', () => {
  it('cuts its clips from real footage and says so', () => {
    expect(out.samples.kind).toBe('real');
    expect(out.samples.note).toMatch(/real camera and film footage/);
    expect(text.stdout).toMatch(/^Clips: real camera and film footage/m);
    const names = out.videos.map((v) => path.basename(v.path)).sort();
    expect(names).toEqual([...out.samples.clips.map((c) => c.name), 'broken_truncated.mp4'].sort());
    // several sources, each distortion kind the built-in scorer measures
    expect(new Set(out.samples.clips.map((c) => c.from)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(out.samples.clips.map((c) => c.distortion))).toEqual(
      new Set(['clean', 'blur', 'compression', 'noise', 'freeze', 'dark']),
    );
  });

  it('scores every distorted clip below the clean clip it was cut from', () => {
    const score = (name: string) =>
      out.videos.find((v) => path.basename(v.path) === name)?.videoScore ?? null;
    const pairs: string[] = [];
    for (const c of out.samples.clips.filter((x) => x.distortion !== 'clean')) {
      const clean = out.samples.clips.find((x) => x.from === c.from && x.distortion === 'clean');
      if (!clean) continue;
      pairs.push(c.name);
      expect(score(c.name), `${c.name} vs ${clean.name}`).toBeLessThan(score(clean.name)!);
    }
    expect(pairs.length).toBeGreaterThanOrEqual(4);
  });

  it('falls back to synthetic patterns on request, and says what they are good for', () => {
    const r = runVqa2(
      path.join(dir, 'home'),
      ['demo', '--dir', path.join(dir, 'demo-synthetic'), '--synthetic', '--json'],
      300_000,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as DemoJson;
    expect(j.samples.kind).toBe('synthetic');
    expect(j.samples.note).toMatch(/check the pipeline, not the clips’ quality order/);
    expect(j.videos.some((v) => path.basename(v.path) === 'testsrc2_clean.mp4')).toBe(true);
    expect(j.videos.filter((v) => v.videoScore != null).length).toBeGreaterThanOrEqual(3);
  });

  it('imports the sample clips, keeps the broken one with a reason, and scores the rest', () => {
    const broken = out.videos.find((v) => v.path.endsWith('broken_truncated.mp4'));
    expect(broken).toMatchObject({ status: 'failed' });
    expect(broken!.error).toMatch(/\S/);
    const ok = out.videos.filter((v) => v.status === 'ok');
    expect(ok.length).toBeGreaterThanOrEqual(3);
    for (const v of ok) expect(v.videoScore).toEqual(expect.any(Number));
  });

  it("asks the built-in analyst about the weakest clip and answers with that clip's stored score", () => {
    const scored = out.videos
      .filter((v) => v.videoScore != null)
      .sort((a, b) => a.videoScore! - b.videoScore!);
    const weakest = scored[0]!;
    expect(out.assistant).not.toBeNull();
    expect(out.assistant!.video).toBe(path.basename(weakest.path));
    expect(out.assistant!.engine).toMatch(/not an LMM/);
    // the analyst states the score on the studio's 0–100 scale, rounded to one decimal
    expect(out.assistant!.answer).toContain((weakest.videoScore! * 100).toFixed(1));
  });

  it('exports one rating pair per scored clip as VQA²/LLaVA JSON whose level is the score’s level', () => {
    const ok = out.videos.filter((v) => v.videoScore != null);
    expect(out.dataset).toMatchObject({
      format: 'llava',
      samples: ok.length,
      pairsGenerated: ok.length,
    });
    // all scores shown are of one run
    expect(new Set(out.videos.map((v) => v.runId)).size).toBe(1);
    const samples = JSON.parse(
      fs.readFileSync(path.join(out.dataset.dir, 'train.json'), 'utf8'),
    ) as { image: string; gt_score: number; conversations: { from: string; value: string }[] }[];
    expect(samples).toHaveLength(ok.length);
    for (const s of samples) {
      const v = ok.find((x) => path.basename(x.path) === path.basename(s.image))!;
      expect(v).toBeDefined();
      expect(s.conversations[0]!.from).toBe('human');
      expect(s.conversations[1]!.value).toBe(
        `The quality of the video is ${levelOfScore(v.videoScore!)}.`,
      );
      expect(fs.existsSync(path.join(out.dataset.dir, s.image))).toBe(true);
    }
    expect(fs.existsSync(path.join(out.dataset.dir, 'manifest.json'))).toBe(true);
  });

  it('exports them as drafts whose level is from the model, never as approved, and says so', () => {
    const n = out.dataset.samples;
    expect(out.dataset).toMatchObject({
      status: 'draft',
      approved: 0,
      drafts: n,
      levelFromModel: n,
    });
    const manifest = JSON.parse(
      fs.readFileSync(path.join(out.dataset.dir, 'manifest.json'), 'utf8'),
    ) as {
      settings: { status: string };
      counts: { pairs: { approved: number; draft: number; draftLevelFromModel: number } };
    };
    expect(manifest.settings.status).toBe('draft');
    expect(manifest.counts.pairs).toEqual({ approved: 0, draft: n, draftLevelFromModel: n });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(
        `Dataset: ${n} rating pairs in .*train\\.json \\(VQA²/LLaVA JSON\\), exported as drafts: ${n} state a level taken from the model score, not from people's ratings; 0 approved by a person\\.`,
      ),
    );
  });
});
