// The assistant through the API as the hosts call it (schema validation included): engine scoring
// from the Score dialog's `score.start` with an engine, streamed answers as events, cancel, save
// as pair, errors for bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip } from '../helpers/fixtures';
import { startOpenAiTestServer, type TestServer } from '../helpers/openai-test-server';
import { StudioApi } from '../../src-main/api/api';
import { getPair } from '../../src-main/services/pairs/pair-store';
import type { CallName } from '../../src-shared/contract';
import type { ChatMessageView } from '../../src-shared/contract-assistant';
import { callApi } from '../helpers/api';

let dir: string;
let api: StudioApi;
let server: TestServer;
let videoId: number;
let engineId: string;
const events: { name: string; payload: unknown }[] = [];

const call = <T = unknown>(name: CallName, input: unknown) => callApi<T>(api, name, input);

const doneOf = (requestId: string) =>
  new Promise<ChatMessageView>((resolve) => {
    const off = api.onEvent((name, payload) => {
      if (name === 'assistant.done' && (payload as { requestId: string }).requestId === requestId) {
        off();
        resolve((payload as { message: ChatMessageView }).message);
      }
    });
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-asst-api-'));
  await makeClip({
    durationSec: 4,
    width: 320,
    height: 180,
    out: path.join(dir, 'videos', 'a.mp4'),
  });
  server = await startOpenAiTestServer();
  api = new StudioApi({ host: 'web', version: 't', home: path.join(dir, 'home') });
  api.onEvent((name, payload) => events.push({ name, payload }));
  await call('project.create', { path: path.join(dir, 'p.vqa2.sqlite') });
  await call('library.import', { paths: [path.join(dir, 'videos')] });
  await api.idle();
  videoId = (await call<number[]>('library.ids', {}))[0]!;
  engineId = (
    await call<{ id: string }>('assistant.putEngine', {
      name: 'srv',
      baseUrl: server.url,
      model: 'm1',
      maxFrames: 2,
      maxSide: 64,
      timeoutSec: 10,
    })
  ).id;
});
afterAll(async () => {
  api?.dispose();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('assistant API', () => {
  it('scores with a configured engine through score.start and shows it as the video run', async () => {
    await call('score.start', { all: true, scorer: `engine.${engineId}` });
    await api.idle();
    const scores = await call<{
      run: { kind: string; packId: string } | null;
      score: number | null;
      level: string | null;
    }>('video.scores', { videoId });
    expect(scores.run).toMatchObject({ kind: 'engine', packId: 'openai:m1' });
    expect(scores.score).toBeGreaterThan(0.5);
    expect(scores.level).not.toBeNull();
    expect(
      events.some(
        (e) => e.name === 'job.progress' && (e.payload as { status: string }).status === 'done',
      ),
    ).toBe(true);
    await expect(call('score.start', { all: true, scorer: 'engine.enope' })).rejects.toThrow(
      /No engine "enope" is configured/,
    );
  });

  it('streams an answer as events, stores the chat, and saves it as a draft pair with the span', async () => {
    events.length = 0;
    server.queue = [{ kind: 'text', pieces: ['Looks ', 'fine ', 'at 0:01.'], delayMs: 30 }];
    const r = await call<{ requestId: string; chatId: number }>('assistant.ask', {
      videoId,
      question: 'How is this part?',
      engineId,
      attachment: { kind: 'span', startSec: 1, endSec: 3 },
    });
    const msg = await doneOf(r.requestId);
    expect(msg).toMatchObject({
      role: 'assistant',
      text: 'Looks fine at 0:01.',
      engine: 'openai:m1',
      status: 'done',
      attachment: { kind: 'span', startSec: 1, endSec: 3 },
    });
    expect(
      events
        .filter((e) => e.name === 'assistant.chunk')
        .map((e) => (e.payload as { text: string }).text),
    ).toEqual(['Looks ', 'fine ', 'at 0:01.']);
    const chat = await call<{ messages: ChatMessageView[] }>('assistant.chat', { videoId });
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const saved = await call<{ pairId: number }>('assistant.savePair', { messageId: msg.id });
    const pair = getPair(api.project!, saved.pairId)!;
    expect(pair).toMatchObject({
      source: 'assistant',
      status: 'draft',
      videoId,
      startSec: 1,
      endSec: 3,
    });
    expect(pair.provenance[0]).toMatchObject({ kind: 'chat', id: msg.id });
    await expect(call('assistant.savePair', { messageId: chat.messages[0]!.id })).rejects.toThrow(
      /No assistant answer/,
    );
  });

  it('cancels a slow answer and keeps what came', async () => {
    server.queue = [{ kind: 'text', pieces: ['one ', 'two ', 'three ', 'four'], delayMs: 400 }];
    const r = await call<{ requestId: string }>('assistant.ask', {
      videoId,
      question: 'q',
      engineId,
    });
    const done = doneOf(r.requestId);
    await new Promise((res) => setTimeout(res, 600));
    expect(await call('assistant.cancel', { requestId: r.requestId })).toEqual({ cancelled: true });
    const msg = await done;
    expect(msg.status).toBe('cancelled');
    expect(msg.text.startsWith('one ')).toBe(true);
    await expect(call('assistant.savePair', { messageId: msg.id })).rejects.toThrow(
      /Only a complete answer/,
    );
  });

  it('stores a server error on the answer, and rejects bad input by field', async () => {
    server.queue = [
      {
        kind: 'status',
        status: 404,
        body: JSON.stringify({ error: { message: 'The model `m1` does not exist.' } }),
      },
    ];
    const r = await call<{ requestId: string }>('assistant.ask', {
      videoId,
      question: 'q',
      engineId,
    });
    const msg = await doneOf(r.requestId);
    expect(msg).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/HTTP 404.*does not exist/),
    });
    await expect(call('assistant.ask', { videoId, question: '   ' })).rejects.toThrow(
      /question is empty/,
    );
    await expect(
      call('assistant.putEngine', { name: 'x', baseUrl: 'ftp://h/v1', model: 'm' }),
    ).rejects.toThrow(/http:\/\/ or https:\/\//);
    await expect(call('assistant.ask', { videoId: 999, question: 'q' })).rejects.toThrow(
      /No video 999/,
    );
  });
});
