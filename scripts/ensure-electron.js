#!/usr/bin/env node
// `npm start` needs Electron's binary. `npm install` skips its download (package.json
// allowScripts) so installs work where it cannot be fetched; fetch it on first start instead.
const { existsSync } = require('node:fs');
const { join, dirname } = require('node:path');
const { spawnSync } = require('node:child_process');

const electronDir = dirname(require.resolve('electron/package.json'));
if (existsSync(join(electronDir, 'path.txt'))) process.exit(0);
console.error('Electron binary missing: downloading it once (node_modules/electron/install.js)…');
const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
if (r.status !== 0) {
  console.error('Could not download Electron. On a machine without access to its download site, use the browser console instead: npm run serve -- --lab');
  process.exit(1);
}
