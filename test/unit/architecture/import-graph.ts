/**
 * The project's import graph, as TypeScript's own scanner sees it (`ts.preProcessFile`): every
 * `import`, `import type`, `export ... from`, `import x = require(...)` and `import(...)`, type-only
 * ones included — a type-only cycle still ties the two modules together for whoever reads or
 * moves them. Relative specifiers are resolved the way the project writes them: the file itself,
 * or with .ts / .tsx, or its index.ts / index.tsx (and `./x.js` to `./x.ts`, as ESM sources write it).
 * Package and `node:` imports are not edges.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export interface ImportGraph {
  /** Every source file, relative to the root, with the source files it imports. */
  edges: Map<string, string[]>;
  /** Relative imports of a source file that name no file: the graph would be incomplete. */
  unresolved: { from: string; specifier: string }[];
}

const SOURCE = /\.(ts|tsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);

/** Reads the graph of every .ts/.tsx file under `dirs` (relative to `root`). */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files = dirs.flatMap((d) => sourceFiles(path.join(root, d))).map((f) => path.relative(root, f));
  const edges = new Map<string, string[]>();
  const unresolved: ImportGraph['unresolved'] = [];
  for (const file of files) {
    const abs = path.join(root, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      const resolved = resolveRelative(path.dirname(abs), specifier);
      if (resolved === null) unresolved.push({ from: file, specifier });
      else if (SOURCE.test(resolved) && !resolved.endsWith('.d.ts')) targets.add(path.relative(root, resolved));
    }
    edges.set(file, [...targets].sort());
  }
  return { edges, unresolved };
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveRelative(fromDir: string, specifier: string): string | null {
  const base = path.resolve(fromDir, specifier);
  const withoutJs = base.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${withoutJs}.ts`, `${withoutJs}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/**
 * The import cycles, each a concrete path of files from one file back to itself, e.g.
 * ['a.ts', 'b.ts', 'a.ts']: for every file in a strongly connected component (Tarjan), the
 * shortest cycle through it, without repeats — so every file caught in a circle is named, not
 * only the first circle of a tangle. Sorted, so a report is stable. A file importing itself is
 * a cycle too.
 */
export function importCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;

  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);

  const cycles = new Map<string, string[]>();
  for (const component of components) {
    if (component.length === 1 && !(edges.get(component[0]) ?? []).includes(component[0])) continue;
    const members = new Set(component);
    for (const file of component) {
      const cycle = canonical(cycleThrough(file, members, edges));
      cycles.set(cycle.join('\n'), cycle);
    }
  }
  return [...cycles.values()].sort((a, b) => a.join().localeCompare(b.join()));
}

/** The same cycle whichever file it was found from: started at its first file in sort order. */
function canonical(cycle: string[]): string[] {
  const ring = cycle.slice(0, -1);
  const first = ring.indexOf([...ring].sort()[0]);
  const rotated = [...ring.slice(first), ...ring.slice(0, first)];
  return [...rotated, rotated[0]];
}

/** The shortest path from `start` back to itself inside one component (breadth first). */
function cycleThrough(start: string, inComponent: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!inComponent.has(w)) continue;
      if (w === start) {
        const between: string[] = [];
        for (let u = v; u !== start; u = cameFrom.get(u)!) between.unshift(u);
        return [start, ...between, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`no cycle through ${start}: not a strongly connected component`);
}
