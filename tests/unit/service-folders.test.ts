// The service folders form layers: a folder may import from folders below it, never back up.
// A cycle between folders means neither can be understood, tested or moved without the other,
// so the folder-level import graph (type-only imports included) must stay acyclic.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVICES = path.resolve(__dirname, '../../src-main/services');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers of every static import/export-from and dynamic import() in a source text. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** folder → the other service folders its files import from. */
export function folderGraph(root: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of tsFiles(root)) {
    const from = path.relative(root, file).split(path.sep)[0]!;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const spec of importSpecifiers(fs.readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const rel = path.relative(root, path.resolve(path.dirname(file), spec));
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // outside services/
      const to = rel.split(path.sep)[0]!;
      if (to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** One cycle as a path [a, b, …, a], or null when the graph is acyclic. */
export function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of [...(graph.get(n) ?? [])].sort()) {
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...graph.keys()].sort()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe('service folder graph', () => {
  it('parses static, re-export, side-effect and dynamic imports', () => {
    const src = [
      "import type { A } from '../a/x';",
      "import {\n  B,\n  C,\n} from '../b/y';",
      "export { D } from '../d/z';",
      "import '../e/side';",
      "const m = await import('../f/lazy');",
    ].join('\n');
    expect(importSpecifiers(src)).toEqual(['../a/x', '../b/y', '../d/z', '../e/side', '../f/lazy']);
  });

  it('finds a cycle when there is one and none when there is not', () => {
    const g = (edges: [string, string][]) => {
      const m = new Map<string, Set<string>>();
      for (const [a, b] of edges) {
        if (!m.has(a)) m.set(a, new Set());
        if (!m.has(b)) m.set(b, new Set());
        m.get(a)!.add(b);
      }
      return m;
    };
    expect(
      findCycle(
        g([
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'c'],
        ]),
      ),
    ).toBeNull();
    expect(
      findCycle(
        g([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  it('has no cycle between the folders of src-main/services', () => {
    const graph = folderGraph(SERVICES);
    expect(graph.size).toBeGreaterThan(5);
    expect(graph.get('scoring')?.has('store')).toBe(true); // the parser sees real edges
    expect(findCycle(graph)).toBeNull();
  });
});
