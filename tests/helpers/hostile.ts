// Deterministic generators of hostile input for the host tests: malformed WebSocket messages,
// garbage call inputs, media paths and Range headers. Seeded, so a failure can be replayed.
import { mulberry32 } from '../../src-main/services/util/prng';
import { CALL_NAMES } from '../../src-shared/contract';

export type Rng = () => number;
export const rng = (seed: number): Rng => mulberry32(seed);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];

/** Field names the contract uses, each to be given a value of the wrong type. */
const FIELDS = [
  'path',
  'paths',
  'videoId',
  'videoIds',
  'ids',
  'id',
  'jobId',
  'offset',
  'limit',
  'scorer',
  'kind',
  'rating',
  'text',
  'name',
  'baseUrl',
  'all',
  'format',
];
const WRONG: unknown[] = [
  null,
  -1,
  0.5,
  1e308,
  '',
  'x'.repeat(300),
  [],
  [null],
  {},
  { a: 1 },
  true,
  '1',
  ['1'],
  -0,
];

function randomText(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 0xd7ff));
  return s;
}

/** A polluting object as JSON text, so `__proto__` stays an own key like a browser would send it. */
function pollutingJson(r: Rng): string {
  const key = pick(r, ['__proto__', 'constructor', 'prototype']);
  const inner =
    key === 'constructor' ? '{"prototype":{"polluted":"yes"}}' : '{"polluted":"yes","toString":1}';
  return `{"${key}":${inner},"${pick(r, FIELDS)}":${JSON.stringify(pick(r, WRONG))}}`;
}

/** A call input (as JSON text) that no schema accepts: wrong kind of value, or wrong-typed fields. */
export function garbageInputJson(r: Rng): string {
  switch (Math.floor(r() * 7)) {
    case 0:
      return JSON.stringify(pick(r, [42, -1, 'input', '', true, false, null, [], [1, 2], 1e308]));
    case 1:
      return pollutingJson(r);
    case 2: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 4); i++) o[pick(r, FIELDS)] = pick(r, WRONG);
      o[`unknown_${Math.floor(r() * 1e6)}`] = pick(r, WRONG);
      return JSON.stringify(o);
    }
    case 3:
      return JSON.stringify({
        [pick(r, FIELDS)]: randomText(r, 50),
        path: 7,
        videoId: 'NaN',
        zz: 1,
      });
    case 4:
      // Deep nesting: schema walkers must not overflow the host's stack.
      return `{"a":${'['.repeat(5000)}${']'.repeat(5000)},"videoId":"x"}`;
    case 5:
      return JSON.stringify({
        text: 'y'.repeat(2_000_000),
        path: 'z'.repeat(100_000),
        videoId: -5,
        extra: true,
      });
    default:
      return JSON.stringify([{ __proto__: null, videoId: 1 }]);
  }
}

/** One malformed WebSocket message (text). Roughly: a fifth envelope/JSON errors, the rest real calls with garbage. */
export function malformedMessage(r: Rng, id: number): string {
  const kind = Math.floor(r() * 10);
  switch (kind) {
    case 0:
      return pick(r, [
        '',
        '{',
        'null',
        'undefined',
        '[]',
        '"call"',
        '42',
        'true',
        '{"id":1,',
        '\u0000',
        randomText(r, 40),
        'NaN',
      ]);
    case 1:
      return JSON.stringify(
        pick(r, [
          { id: String(id), call: 'app.info' },
          { id: 1.5, call: 'app.info' },
          { id: null, call: 'app.info' },
          { id, call: 42 },
          { id, call: null },
          { id, call: ['app.info'] },
          { id, call: { toString: 'app.info' } },
          { call: 'app.info' },
          { id: 2 ** 60, call: 'app.info' },
          { id },
        ]),
      );
    case 2:
      return `{"id":${id},"call":${JSON.stringify(pick(r, PROTOTYPE_NAMES))},"input":{}}`;
    case 3:
      return `{"__proto__":{"id":${id},"call":"app.info"},"constructor":{"prototype":{"polluted":"yes"}}}`;
    case 4:
      return JSON.stringify({
        id,
        call: pick(r, [
          'nope',
          'library',
          'library.list.x',
          'LIBRARY.LIST',
          'app.info ',
          'x'.repeat(1_000_000),
        ]),
        input: {},
      });
    default:
      return `{"id":${id},"call":${JSON.stringify(pick(r, CALL_NAMES))},"input":${garbageInputJson(r)}}`;
  }
}

/** Paths for the media routes: traversal, odd encodings, huge and non-numeric ids. */
export function mediaPath(r: Rng, goodId: number): string {
  const kind = pick(r, [
    'media',
    'thumb',
    'proxy',
    'strip',
    'video',
    'MEDIA',
    '..',
    '%2e%2e',
    'media%2f',
  ]);
  const id = pick(r, [
    String(goodId),
    '0',
    '-1',
    '1e3',
    '99999999999999999999',
    `${goodId}%00`,
    `${goodId}.mp4`,
    '..%2f..%2fsecret.txt',
    '%2e%2e%2f%2e%2e%2fsecret.txt',
    '%E0%A4%A',
    '%',
    '%%%',
    encodeURIComponent(randomText(r, 8)),
    '\u00e9',
    '0x1',
    ` ${goodId}`,
    'x'.repeat(4000),
  ]);
  return pick(r, [
    `/${kind}/${id}`,
    `/${kind}/${id}/`,
    `/${kind}/${id}/../../secret.txt`,
    `/${kind}//${id}`,
    `/${kind}/${id}?x=%ZZ`,
    `/../${kind}/${id}`,
  ]);
}

export function rangeHeader(r: Rng): string {
  return pick(r, [
    'bytes=0-0',
    'bytes=abc',
    'bytes=-',
    'bytes=5-1',
    'bytes=0-1,3-4',
    'bytes=99999999999999999999999-',
    'bytes=-99999999999999999999',
    'bytes=1e3-',
    'bytes= 1-2',
    'items=0-1',
    '',
    'bytes=-0',
    'bytes=0-',
    `bytes=${Math.floor(r() * 5000)}-${Math.floor(r() * 5000)}`,
    'bytes=' + '9'.repeat(400),
  ]);
}
