import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { compileHints, holds } from './build/compile-hints';

/**
 * The entry (src/main.tsx) only opens the socket; it imports the start (src/start.tsx: the
 * transport, the contract, the query cache) and, once the snapshot has been asked for, the
 * console (src/console.tsx: React, the views) — both needed at once: modulepreload links in
 * index.html have the browser fetch them alongside the entry instead of one after the other.
 * (Their styles are in the page's one style sheet: cssCodeSplit below.)
 */
const PRELOADED = ['/src/start.tsx', '/src/console.tsx'];
const ZOD = /[\\/]node_modules[\\/]zod[\\/]/;

function preloadChunks(): Plugin {
  return {
    name: 'fleetops-preload-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(this: { getModuleInfo(id: string): { importedIds: readonly string[] } | null }, _html, ctx) {
        const files: string[] = [];
        for (const source of PRELOADED) {
          // The chunk holding the module (startChunks groups each with what it imports).
          const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && holds(c, source));
          if (!chunk || chunk.type !== 'chunk') throw new Error(`preloadChunks: no chunk for ${source}`);
          // Its imports but the entry, which index.html loads already.
          const shared = chunk.imports.filter((file) => {
            const c = ctx.bundle?.[file];
            return !(c?.type === 'chunk' && c.isEntry);
          });
          for (const file of [chunk.fileName, ...shared]) if (!files.includes(file)) files.push(file);
        }
        // The first render does not wait for zod and the contract's schemas (api/parse.ts says
        // why): a value import of a module that builds schemas, anywhere in what the page loads
        // at start, would bring them back. Caught here, at build time.
        const entry = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk' && c.isEntry);
        for (const c of [...entry, ...files.map((f) => ctx.bundle?.[f])]) {
          if (c?.type !== 'chunk') continue;
          const zod = c.moduleIds.filter((id) => ZOD.test(id));
          if (zod.length > 0) {
            const users = c.moduleIds.filter((id) => !id.includes('node_modules') && (this.getModuleInfo(id)?.importedIds ?? []).some((i) => ZOD.test(i)));
            throw new Error(`${c.fileName} is loaded at start and holds zod, imported by ${users.join(', ')}: import values from zod-free modules (see renderer/src/api/parse.ts)`);
          }
        }
        return files.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/**
 * The page's start in two chunks and no more (PRELOADED): the start (src/start.tsx and what it
 * imports) and the console (src/console.tsx and what it imports but the start), whole. Without this the
 * bundler cuts out every module the console shares with a view or drawer loaded later
 * (views/lazy-component.ts) into a chunk of its own — a dozen small files more for the first
 * render to fetch, from a server the engine keeps busy. What the entry (src/main.tsx) imports
 * stays in the entry; what only the later chunks use is split as the bundler sees fit.
 */
type ModuleGraph = { getModuleInfo(id: string): { importedIds: readonly string[] } | null };

function staticImports(graph: ModuleGraph, root: string): Set<string> {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of graph.getModuleInfo(id)?.importedIds ?? []) stack.push(next);
  }
  return seen;
}

function startChunks(): (id: string, graph: ModuleGraph) => string | null {
  let closures: { entry: Set<string>; groups: Array<[string, Set<string>]> } | null = null;
  const src = (file: string) => `${import.meta.dirname}${file}`;
  return (id, graph) => {
    closures ??= {
      entry: staticImports(graph, src('/src/main.tsx')),
      groups: PRELOADED.map((file) => [file.replace(/^.*\/(.*)\.tsx$/, '$1'), staticImports(graph, src(file))]),
    };
    if (closures.entry.has(id)) return null;
    for (const [name, members] of closures.groups) if (members.has(id)) return name;
    return null;
  };
}

// Root is this folder; the build lands in <repo>/dist/renderer, which Electron loads from
// file:// and `serve` serves from `/`: hence relative asset URLs (base './').
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), preloadChunks(), compileHints(PRELOADED)],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 39 is Chromium 142; serve targets current browsers on jump hosts.
    target: 'es2022',
    // No inline <script>/<style>/data: URLs: the served page's CSP allows 'self' only.
    assetsInlineLimit: 0,
    // One style sheet, linked from index.html: the console's chunk then brings none of its own,
    // which its import would wait for (another request to a server the engine keeps busy).
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    rolldownOptions: { output: { codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: startChunks() }] } } },
  },
});
