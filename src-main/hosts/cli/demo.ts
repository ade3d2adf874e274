// `vqa2 demo`: generates sample clips with ffmpeg, builds a fresh project from them, lists it.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ProjectStore, projectFilePath, cacheDirFor } from '../../services/store/project-store';
import { importVideos } from '../../services/library/import';
import { generateSampleClips } from '../../services/media/samples';
import { EXIT, listJson, videoTable } from './output';
import { scoreStore, scoreTable } from './score';

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, json: { type: 'boolean' } } });
  const dir = path.resolve(values.dir ?? 'vqa2-demo');
  const videosDir = path.join(dir, 'videos');
  const say = (s: string) => process.stderr.write(s + '\n');

  say(`Generating sample clips in ${videosDir} …`);
  const clips = await generateSampleClips(videosDir);
  say(`  ${clips.length} clips ready`);

  const file = projectFilePath(path.join(dir, 'demo'));
  // A fresh project each run: the demo must always show the same result.
  for (const p of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(p, { force: true });
  fs.rmSync(cacheDirFor(file), { recursive: true, force: true });
  const store = ProjectStore.create(file);
  try {
    say(`Importing into ${store.path} …`);
    const summary = await importVideos(store, [videosDir], { jobId: randomUUID() });
    say(`  ${summary.added} added, ${summary.failed} failed (kept with a reason), ${summary.skipped} skipped, ${summary.elapsedSec.toFixed(1)} s`);
    say('Scoring with the built-in pack (BRISQUE + temporal measures, a classical baseline — not the VQA² LMM) …');
    const scored = await scoreStore(store, { scorer: 'builtin-nr', providers: ['cuda', 'cpu'], quiet: !!values.json });
    const { rows } = store.listVideos({ offset: 0, limit: 1000, sort: { column: 'name', desc: false } });
    if (values.json) {
      process.stdout.write(JSON.stringify({ videos: listJson(rows, (p) => store.toAbsPath(p)), scores: scored.results }, null, 2) + '\n');
    } else {
      process.stdout.write(`\nProject ${store.path}\n\n${videoTable(rows)}\n\nScores (${scored.results[0]?.provider ?? 'cpu'}):\n\n${scoreTable(scored.results)}\n\n`);
      const rel = path.relative(process.cwd(), store.path);
      process.stdout.write(`Open it in the studio: npx vqa2 serve ${rel.startsWith('..') ? store.path : rel}\n`);
    }
    return EXIT.OK;
  } finally {
    store.close();
  }
}
