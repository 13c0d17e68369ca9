#!/usr/bin/env node
// Installed entry point: the compiled CLI (npm run build puts it in dist/).
require('../dist/electron/cli/index.js').run();
