import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Root is this folder; the build lands in <repo>/dist/renderer, which Electron loads from
// file:// and `serve` serves from `/`: hence relative asset URLs (base './').
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 39 is Chromium 142; serve targets current browsers on jump hosts.
    target: 'es2022',
    // No inline <script>/<style>/data: URLs: the served page's CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
