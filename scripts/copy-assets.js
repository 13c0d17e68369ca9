#!/usr/bin/env node
// tsc compiles .ts only; the lab's captured nvidia-smi output and the built-in runbooks and
// drills (YAML) must travel with the compiled code.
const { cpSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
cpSync(join(root, 'electron/core/lab/captured'), join(root, 'dist/electron/core/lab/captured'), { recursive: true });
cpSync(join(root, 'electron/core/runbooks/builtin'), join(root, 'dist/electron/core/runbooks/builtin'), { recursive: true });
cpSync(join(root, 'electron/core/drills/builtin'), join(root, 'dist/electron/core/drills/builtin'), { recursive: true });
