// The jobs panel's list for score jobs this server did not run itself (started from the command
// line, or before a restart): the provider comes from the job's model run, failures name the video.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioApi } from '../../src-main/api/api';
import { dispatch } from '../../src-main/api/dispatch';
import { ProjectStore } from '../../src-main/services/store/project-store';
import { ScoreStore } from '../../src-main/services/scoring/score-store';
import { JobStore } from '../../src-main/services/jobs/job-store';
import { video } from './pairs-fixture';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-jobs-list-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('jobs.list for a job run elsewhere', () => {
  it('shows the provider its run recorded and names the videos that failed', async () => {
    const store = ProjectStore.create(path.join(dir, 'p'));
    const [ok, bad] = store.insertVideos([video(dir, 'ok.mp4'), video(dir, 'bad.mp4')]);
    const note = 'cuda unavailable: CUDA 12 libraries are missing';
    const run = new ScoreStore(store.connection).createRun({
      kind: 'pack',
      packId: 'builtin-nr',
      packVersion: '1.0.0',
      provider: 'cpu',
      providerNote: note,
      settings: {},
      jobId: null,
    });
    const jobs = new JobStore(store.connection);
    const job = jobs.create('score', { scorer: 'builtin-nr', runId: run.id }, [ok!, bad!]);
    jobs.markItem(job.id, ok!, 'done');
    jobs.markItem(job.id, bad!, 'failed', 'unreadable');
    jobs.setStatus(job.id, 'done');
    const file = store.path;
    store.close();

    const api = new StudioApi({ host: 'web', version: 'test', home: path.join(dir, 'home') });
    expect(await dispatch(api.handlers, 'project.open', { path: file })).toMatchObject({
      ok: true,
    });
    const listed = await dispatch(api.handlers, 'jobs.list', {});
    expect(listed).toMatchObject({
      ok: true,
      result: [
        {
          jobId: job.id,
          status: 'done',
          provider: 'cpu',
          providerNote: note,
          videosDone: 1,
          videosFailed: 1,
          errors: [{ videoId: bad, name: 'bad.mp4', error: 'unreadable' }],
        },
      ],
    });
    await dispatch(api.handlers, 'project.close', {});
  });
});
