import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The entry (src/main.tsx) only opens the socket; it imports the start (src/start.tsx: the
 * transport, the contract, the query cache) and, once the snapshot has been asked for, the
 * console (src/console.tsx: React, the views) — both needed at once: modulepreload links in
 * index.html have the browser fetch them alongside the entry instead of one after the other.
 * (Their styles are in the page's one style sheet: cssCodeSplit below.)
 */
const PRELOADED = ['/src/start.tsx', '/src/console.tsx'];

function preloadChunks(): Plugin {
  return {
    name: 'fleetops-preload-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const files: string[] = [];
        for (const source of PRELOADED) {
          const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isDynamicEntry && c.facadeModuleId?.endsWith(source));
          if (!chunk || chunk.type !== 'chunk') throw new Error(`preloadChunks: no chunk for ${source}`);
          // Its imports but the entry, which index.html loads already.
          const shared = chunk.imports.filter((file) => {
            const c = ctx.bundle?.[file];
            return !(c?.type === 'chunk' && c.isEntry);
          });
          for (const file of [chunk.fileName, ...shared]) if (!files.includes(file)) files.push(file);
        }
        return files.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

// Root is this folder; the build lands in <repo>/dist/renderer, which Electron loads from
// file:// and `serve` serves from `/`: hence relative asset URLs (base './').
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), preloadChunks()],
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
  },
});
