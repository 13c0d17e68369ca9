/**
 * No module of the application imports itself back through others (issue 9: the store's
 * migration list and the feature migrations it listed imported each other). Type-only imports
 * count: they tie two modules as much for whoever reads, moves or splits them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const COMPOSITION_ROOT = 'electron/core/fleet/core.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** A throwaway source tree: file name → text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fleetops-imports-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the application import graph', () => {
  const graph = importGraph(ROOT, ['electron', 'shared', 'renderer/src']);

  it('resolves every relative import (a file it could not resolve would hide its cycles)', () => {
    expect(graph.unresolved).toEqual([]);
    // The graph is the application's, not an empty directory: the core and its contract are in it.
    expect(graph.edges.get(COMPOSITION_ROOT)).toContain('electron/core/feature.ts');
    expect(graph.edges.get('electron/core/rpc/dispatch.ts')).toContain('shared/contract.ts');
  });

  it('has no import cycle in electron/, shared/ or renderer/src, type-only imports included', () => {
    expect(importCycles(graph.edges).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('has nothing inside the engine import its composition root back', () => {
    const importers = [...graph.edges].filter(([file, targets]) => file.startsWith('electron/core/') && targets.includes(COMPOSITION_ROOT)).map(([file]) => file);
    expect(importers).toEqual([]);
  });
});

describe('importCycles', () => {
  it('finds type-only cycles, cycles through export-from, index files and .js specifiers, and names their files', () => {
    const root = tree({
      'src/store/list.ts': "import type { Step } from '../feature/step';\nexport const list: Step[] = [];\n",
      'src/feature/step.ts': "import type { Kind } from '../store/list';\nexport interface Step { kind: Kind }\n",
      'src/barrel/index.ts': "export * from '../leaf';\n",
      'src/leaf.ts': "import { other } from './barrel';\nexport const leaf = other;\n",
      'src/esm/a.ts': "export { b } from './b.js';\n",
      'src/esm/b.ts': "import('./a.js');\nexport const b = 1;\n",
      'src/self.ts': "import * as me from './self';\nexport const x = me;\n",
      'src/ok/top.tsx': "import { leaf } from './bottom';\nimport { readFileSync } from 'node:fs';\nimport './styles.css';\nexport const t = [leaf, readFileSync];\n",
      'src/ok/bottom.ts': 'export const leaf = 1;\n',
      'src/ok/styles.css': 'body {}\n',
    });
    const { edges, unresolved } = importGraph(root, ['src']);
    expect(unresolved).toEqual([]);
    expect(importCycles(edges)).toEqual([
      ['src/barrel/index.ts', 'src/leaf.ts', 'src/barrel/index.ts'],
      ['src/esm/a.ts', 'src/esm/b.ts', 'src/esm/a.ts'],
      ['src/feature/step.ts', 'src/store/list.ts', 'src/feature/step.ts'],
      ['src/self.ts', 'src/self.ts'],
    ]);
  });

  it('gives a cycle of three files as the path through all three', () => {
    expect(
      importCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', ['a.ts', 'd.ts']],
          ['d.ts', []],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('names every file of a tangle, not only its first circle (the list and the three migrations it imported)', () => {
    const list = 'store/migrations.ts';
    const features = ['history/history-migration.ts', 'locks/ownership-migration.ts', 'runbook-exec/journal-migration.ts'];
    const edges = new Map<string, string[]>([[list, features], ...features.map((f): [string, string[]] => [f, [list]])]);
    expect(importCycles(edges)).toEqual(features.map((f) => [f, list, f]));
  });

  it('reports a relative import that names no file', () => {
    const root = tree({ 'src/a.ts': "import { gone } from './gone';\nexport const a = gone;\n" });
    expect(importGraph(root, ['src']).unresolved).toEqual([{ from: path.join('src', 'a.ts'), specifier: './gone' }]);
  });
});
