// The import graph of the TypeScript sources, for the structure tests: every relative import,
// export-from and dynamic import (type-only ones included: a cycle of types is still a cycle).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ImportGraph {
  /** Files by path relative to the root, each with the relative files it imports. */
  local: Map<string, string[]>;
  /** Package and node: imports of each file. */
  external: Map<string, string[]>;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm;

export function importGraph(...dirs: string[]): ImportGraph {
  const local = new Map<string, string[]>();
  const external = new Map<string, string[]>();
  for (const file of dirs.flatMap((d) => tsFiles(join(repoRoot, d)))) {
    const text = readFileSync(file, 'utf8');
    const here = relative(repoRoot, file);
    const deps: string[] = [];
    const outside: string[] = [];
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('.')) deps.push(relative(repoRoot, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
      else outside.push(spec);
    }
    local.set(here, deps);
    external.set(here, outside);
  }
  return { local, external };
}

/** Every cycle (strongly connected component of more than one file, or a file importing itself). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The files reachable from `entries` by local imports. */
export function reachable(graph: Map<string, string[]>, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(graph.get(f) ?? []));
  }
  return seen;
}
