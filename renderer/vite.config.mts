import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The console's chunk (src/console.tsx: React, the views) is imported by the entry only once the
 * snapshot has been asked for (src/main.tsx), but it is needed at once: a modulepreload link in
 * index.html has the browser fetch it alongside the entry instead of after it. (Its styles are in
 * the page's one style sheet: cssCodeSplit below.)
 */
function preloadConsoleChunk(): Plugin {
  return {
    name: 'fleetops-preload-console',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isDynamicEntry && c.facadeModuleId?.endsWith('/src/console.tsx'));
        if (!chunk || chunk.type !== 'chunk') throw new Error('preloadConsoleChunk: no chunk for src/console.tsx');
        // Its imports but the entry, which index.html loads already.
        const shared = chunk.imports.filter((file) => {
          const c = ctx.bundle?.[file];
          return !(c?.type === 'chunk' && c.isEntry);
        });
        return [chunk.fileName, ...shared].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

// Root is this folder; the build lands in <repo>/dist/renderer, which Electron loads from
// file:// and `serve` serves from `/`: hence relative asset URLs (base './').
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), preloadConsoleChunk()],
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
