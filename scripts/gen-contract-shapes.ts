/**
 * Writes renderer/src/api/contract-shapes.json: the contract's schemas as plain shapes
 * (shared/contract-shapes/shape.ts), which the page checks the server's replies and pushes
 * against without loading zod (renderer/src/api/parse.ts). Run by `npm run build:renderer`;
 * test/unit/renderer/contract-shapes.test.ts fails when the file in the tree is not what this writes.
 *
 *   tsx scripts/gen-contract-shapes.ts [--check]   (--check: exit 1 if the file is out of date)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractShapesJson, CONTRACT_SHAPES_FILE } from '../shared/contract-shapes/generate';

const file = join(__dirname, '..', CONTRACT_SHAPES_FILE);
const text = contractShapesJson();
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {
  // Not written yet.
}
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error(`${CONTRACT_SHAPES_FILE} is out of date: run tsx scripts/gen-contract-shapes.ts`);
    process.exit(1);
  }
} else if (current !== text) {
  writeFileSync(file, text);
  console.log(`wrote ${CONTRACT_SHAPES_FILE} (${Math.round(text.length / 1024)} KB)`);
}
