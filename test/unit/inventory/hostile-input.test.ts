import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { loadInventoryFile, MAX_INVENTORY_BYTES, parseInventory } from '../../../electron/core/inventory/load-inventory';
import { MAX_ALIAS_COUNT, MAX_FLOW_DEPTH } from '../../../electron/core/inventory/yaml-source';

const env = { homeDir: '/home/me', defaultUser: 'me' };
const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn`, expects INVENTORY_INVALID, and returns the error with how long the rejection took. */
async function rejection(fn: () => unknown): Promise<{ error: FleetError; ms: number }> {
  const start = performance.now();
  try {
    await fn();
  } catch (err) {
    const ms = performance.now() - start;
    if (!(err instanceof FleetError)) throw err;
    expect(err.code).toBe('INVENTORY_INVALID');
    return { error: err, ms };
  }
  throw new Error('expected a rejection');
}

describe('hostile inventory input is rejected quickly', () => {
  it('refuses a 10 MB file by its size with a clear message', async () => {
    const file = path.join(dir, 'huge.yaml');
    writeFileSync(file, `version: 1\n# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const { error, ms } = await rejection(() => loadInventoryFile(file, env));
    expect(error.message).toBe('huge.yaml:1:1: file is 10.0 MB, over the 5.0 MB limit for an inventory');
    expect(ms).toBeLessThan(200);
  });

  it('refuses oversized text handed straight to parseInventory', async () => {
    const text = `# ${'x'.repeat(MAX_INVENTORY_BYTES)}\n`;
    const { error, ms } = await rejection(() => parseInventory(text, '/x/fleet.yaml', env));
    expect(error.message).toMatch(/^fleet\.yaml:1:1: file is 5\.0 MB, over the 5\.0 MB limit/);
    expect(ms).toBeLessThan(200);
  });

  it('stops a billion-laughs alias bomb', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { error, ms } = await rejection(() => parseInventory(`${levels.join('\n')}\n`, '/x/fleet.yaml', env));
    expect(error.message).toBe(`fleet.yaml:2:8: too many alias expansions (limit ${MAX_ALIAS_COUNT})`);
    expect(ms).toBeLessThan(500);
  });

  it(`refuses flow nesting deeper than ${MAX_FLOW_DEPTH} levels, even 4 MB of it`, async () => {
    const text = `regions: ${'['.repeat(4 * 1024 * 1024)}`;
    const { error, ms } = await rejection(() => parseInventory(text, '/x/fleet.yaml', env));
    expect(error.message).toBe(`fleet.yaml:1:${10 + MAX_FLOW_DEPTH}: nesting deeper than ${MAX_FLOW_DEPTH} levels`);
    expect(ms).toBeLessThan(1000);
  });

  it('does not count brackets inside quotes and comments as nesting', () => {
    const noise = '[{'.repeat(MAX_FLOW_DEPTH);
    const text = [
      `# ${noise}`,
      'version: 1',
      'regions:',
      '  - name: r',
      '    clusters:',
      '      - name: c',
      '        role: training',
      '        nodes:',
      `          - { name: n, host: h, gpus: { count: 1, model: "${noise}" } }`,
      '',
    ].join('\n');
    expect(parseInventory(text, '/x/fleet.yaml', env).nodes[0].gpus.model).toBe(noise);
  });

  it('survives deeply nested block mappings within the size limit', async () => {
    // Block nesting costs indentation, so 5 MB holds only a few thousand levels.
    const lines: string[] = [];
    for (let i = 0; i < 2500; i++) lines.push(`${' '.repeat(i)}k:`);
    const { ms } = await rejection(() => parseInventory(lines.join('\n'), '/x/fleet.yaml', env));
    expect(ms).toBeLessThan(3000);
  });

  it('rejects megabytes of random garbage with a position, not a crash', async () => {
    // A fixed linear congruential generator keeps the garbage the same on every run.
    let seed = 42;
    const alphabet = 'ab:- [{]},\'"&*!|>#\n\t  ';
    const chars: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      chars.push(alphabet[seed % alphabet.length]);
    }
    const { error, ms } = await rejection(() => parseInventory(chars.join(''), '/x/fleet.yaml', env));
    expect(error.message).toMatch(/^fleet\.yaml:\d+:\d+: /);
    expect(ms).toBeLessThan(5000);
  });
});
