// The README's dataset-formats table must describe what the exporter writes: checked against the
// golden export files the export tests compare byte for byte.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const row = (format: string) => {
  // the first cell names the format (Prettier pads table cells)
  const line = readme.split('\n').find((l) => l.split('|')[1]?.trim() === `\`${format}\``);
  expect(line, `README has a row for ${format}`).toBeDefined();
  return line!;
};
const golden = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(root, 'tests/golden/pairs', file), 'utf8')) as Record<
    string,
    unknown
  >[];
const count = (text: string, token: string) => text.split(token).length - 1;
const firstTurn = (s: Record<string, unknown>) =>
  (s.conversations as { value: string }[])[0]!.value;

describe('README dataset formats', () => {
  it('names the keys and placeholders the llava export writes: image, frames per sec, two <image>', () => {
    const line = row('llava');
    const sample = golden('llava-export.json')[0]!;
    for (const key of Object.keys(sample)) expect(line, `llava row names "${key}"`).toContain(key);
    expect(line).not.toMatch(/\{id, video\b/);
    expect(count(firstTurn(sample), '<image>')).toBe(2);
    const shape = /`(\[\{id.*?\}\])`/.exec(line)?.[1] ?? '';
    expect(count(shape, '<image>')).toBe(2);
    expect(line).not.toContain('<video>');
  });

  it('names the keys and the one <video> placeholder the qwen2.5vl export writes', () => {
    const line = row('qwen2.5vl');
    const sample = golden('qwen-export.json')[0]!;
    for (const key of Object.keys(sample))
      expect(line, `qwen2.5vl row names "${key}"`).toContain(key);
    expect(count(firstTurn(sample), '<video>')).toBe(1);
    expect(line).toContain('<video>');
    expect(line).not.toContain('<image>');
  });
});
