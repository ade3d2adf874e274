// `vqa2 demo`: cuts sample clips with ffmpeg, builds a fresh project from them, scores it,
// asks the built-in analyst about the weakest clip, and exports the rating pairs made from the
// scores as a VQA²/LLaVA dataset — the studio's main path, on its embedded defaults.
// The clips come from real footage when scripts/fetch-real-clips.sh can provide it (clips from
// Debian packages, cached in .cache/real-clips), otherwise from lavfi test patterns; `--synthetic`
// asks for the patterns. The output says which, because the built-in scorer is built for natural
// footage and ranks synthetic patterns arbitrarily.
// Nobody rates the demo's clips, so its rating pairs take their level from the model score: they
// stay drafts marked "from model", are exported explicitly as drafts (status draft), and the demo
// says so — the same file a user gets by exporting drafts, never presented as approved data.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ProjectStore, projectFilePath, cacheDirFor } from '../../services/store/project-store';
import { importVideos } from '../../services/library/import';
import {
  REAL_SAMPLE_SPECS,
  generateRealSampleClips,
  generateSampleClips,
  readRealClipList,
} from '../../services/media/samples';
import { findAppRoot } from '../../services/settings/app-root';
import { listLibrary } from '../../services/library/library-view';
import { EXIT, listJson, videoTable } from './output';
import { scoreStore, scoreTable } from './score';
import { loadVideoFacts } from '../../services/assistant/facts';
import { analystAnswer, ANALYST_LABEL } from '../../services/assistant/analyst';
import { generatePairs } from '../../services/pairs/generate';
import { exportDataset } from '../../services/export/export-dataset';

const DEMO_QUESTION = 'How good is the quality of this video, and why?';

interface DemoClips {
  kind: 'real' | 'synthetic';
  files: string[];
  /** for real clips: what each was cut from and what was done to it */
  clips: { name: string; from: string; distortion: string }[];
  note: string;
}

/** Runs the fetch script (idempotent; quick once cached) and resolves with its error, if any. */
function runFetch(script: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('bash', [script], { timeout: 600_000 }, (err, _out, stderr) => {
      if (!err) resolve(null);
      else resolve((String(stderr).trim().split('\n').pop() ?? '') || err.message);
    });
  });
}

async function demoClips(
  dir: string,
  synthetic: boolean,
  say: (s: string) => void,
): Promise<DemoClips> {
  if (!synthetic) {
    const root = findAppRoot();
    const list = path.join(root, '.cache', 'real-clips', 'clips.tsv');
    const script = path.join(root, 'scripts', 'fetch-real-clips.sh');
    let sources = readRealClipList(list);
    let why = 'scripts/fetch-real-clips.sh is not in this installation';
    if (!sources && fs.existsSync(script)) {
      say(
        'Fetching real camera and film clips from Debian packages (scripts/fetch-real-clips.sh) …',
      );
      const err = await runFetch(script);
      sources = readRealClipList(list);
      why = err ?? 'the fetched list lacks clips the demo needs';
    }
    if (sources) {
      const videosDir = path.join(dir, 'videos');
      say(`Cutting sample clips from real footage into ${videosDir} …`);
      return {
        kind: 'real',
        files: await generateRealSampleClips(videosDir, sources),
        clips: REAL_SAMPLE_SPECS.map((s) => ({
          name: s.name,
          from: s.from,
          distortion: s.distortion,
        })),
        note: 'real camera and film footage, clean and distorted',
      };
    }
    say(`  no real footage (${why}); using synthetic test patterns instead`);
  }
  const videosDir = path.join(dir, 'videos-synthetic');
  say(`Generating synthetic sample clips in ${videosDir} …`);
  return {
    kind: 'synthetic',
    files: await generateSampleClips(videosDir),
    clips: [],
    note:
      'synthetic lavfi test patterns: the built-in scorer is built for natural footage, so these ' +
      'scores check the pipeline, not the clips’ quality order',
  };
}

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      json: { type: 'boolean' },
      synthetic: { type: 'boolean' },
    },
  });
  const dir = path.resolve(values.dir ?? 'vqa2-demo');
  const say = (s: string) => process.stderr.write(s + '\n');

  const clips = await demoClips(dir, !!values.synthetic, say);
  const videosDir = path.dirname(clips.files[0]!);
  say(`  ${clips.files.length} clips ready (${clips.note})`);

  const file = projectFilePath(path.join(dir, 'demo'));
  // A fresh project each run: the demo must always show the same result.
  for (const p of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(p, { force: true });
  fs.rmSync(cacheDirFor(file), { recursive: true, force: true });
  const store = ProjectStore.create(file);
  try {
    say(`Importing into ${store.path} …`);
    const summary = await importVideos(store, [videosDir], { jobId: randomUUID() });
    say(
      `  ${summary.added} added, ${summary.failed} failed (kept with a reason), ${summary.skipped} skipped, ${summary.elapsedSec.toFixed(1)} s`,
    );
    say(
      'Scoring with the built-in pack (BRISQUE + temporal measures, a classical baseline — not the VQA² LMM) …',
    );
    const scored = await scoreStore(store, {
      scorer: 'builtin-nr',
      providers: ['cuda', 'cpu'],
      quiet: !!values.json,
    });
    const { rows, runId } = listLibrary(store, {
      offset: 0,
      limit: 1000,
      sort: { column: 'name', desc: false },
    });

    const weakest = rows
      .filter((r) => r.videoScore != null)
      .sort((a, b) => a.videoScore! - b.videoScore!)[0];
    const facts = weakest ? loadVideoFacts(store, weakest.id) : null;
    const assistant =
      weakest && facts
        ? {
            video: weakest.name,
            engine: ANALYST_LABEL,
            question: DEMO_QUESTION,
            answer: analystAnswer(facts, DEMO_QUESTION),
          }
        : null;

    say(
      'Making rating pairs from the model scores (drafts: nobody rated these clips) and exporting the drafts as VQA²/LLaVA JSON …',
    );
    const generated = generatePairs(store, ['rating']);
    const datasetDir = path.join(dir, 'dataset-llava');
    fs.rmSync(datasetDir, { recursive: true, force: true });
    const manifest = await exportDataset(store, {
      format: 'llava',
      outDir: datasetDir,
      status: 'draft',
      videos: 'reference',
    });
    const pairs = manifest.counts.pairs ?? { approved: 0, draft: 0, draftLevelFromModel: 0 };
    const dataset = {
      dir: datasetDir,
      format: manifest.format,
      status: 'draft' as const,
      samples: manifest.counts.samples,
      pairsGenerated: generated.created,
      approved: pairs.approved,
      drafts: pairs.draft,
      levelFromModel: pairs.draftLevelFromModel,
      files: manifest.files,
    };

    if (values.json) {
      process.stdout.write(
        JSON.stringify(
          {
            samples: { kind: clips.kind, note: clips.note, clips: clips.clips },
            videos: listJson(rows, (p) => store.toAbsPath(p), runId),
            scores: scored.results,
            assistant,
            dataset,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      process.stdout.write(
        `\nClips: ${clips.note}.\nProject ${store.path}\n\n${videoTable(rows)}\n\nScores (${scored.results[0]?.provider ?? 'cpu'}):\n\n${scoreTable(scored.results)}\n\n`,
      );
      if (assistant)
        process.stdout.write(
          `Assistant — ${assistant.engine}, on ${assistant.video}:\n  Q: ${assistant.question}\n  A: ${assistant.answer.replace(/\n/g, '\n     ')}\n\n`,
        );
      process.stdout.write(
        `Dataset: ${dataset.samples} rating pairs in ${path.relative(process.cwd(), datasetDir) || datasetDir}/train.json (VQA²/LLaVA JSON), exported as drafts: ` +
          `${dataset.levelFromModel} state a level taken from the model score, not from people's ratings; ${dataset.approved} approved by a person.\n` +
          `  Train on them only after rating the clips (then regenerate: the level comes from MOS) or reviewing and approving the pairs.\n`,
      );
      const rel = path.relative(process.cwd(), store.path);
      process.stdout.write(
        `Open it in the studio: npx vqa2 serve ${rel.startsWith('..') ? store.path : rel}\n`,
      );
    }
    return EXIT.OK;
  } finally {
    store.close();
  }
}
