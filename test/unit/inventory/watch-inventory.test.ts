import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchInventory, type InventoryWatchResult } from '../../../electron/core/inventory/watch-inventory';

const env = { homeDir: '/home/me', defaultUser: 'me' };

function inventory(...nodes: string[]): string {
  return [
    'version: 1',
    'regions:',
    '  - name: r',
    '    clusters:',
    '      - name: c',
    '        role: inference',
    '        nodes:',
    ...nodes.map((n) => `          - { name: ${n}, host: ${n}.internal, gpus: { count: 8 } }`),
    '',
  ].join('\n');
}

/** Condition-based waiting: resolves as soon as `predicate` holds, fails after the deadline. */
async function until(predicate: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const nodeNames = (r: InventoryWatchResult | undefined) => (r && r.ok ? r.inventory.nodes.map((n) => n.name) : undefined);

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A fresh directory with fleet.yaml and a started watcher recording everything it reports. */
function setup(initial: string | null = inventory('a')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-watch-'));
  const file = path.join(dir, 'fleet.yaml');
  if (initial !== null) writeFileSync(file, initial);
  const results: InventoryWatchResult[] = [];
  const checks: boolean[] = [];
  const watcher = watchInventory(file, env, (r) => results.push(r), { onChecked: (reported) => checks.push(reported) });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => watcher.close());
  const waitForResult = (n: number) => until(() => results.length >= n, `result #${n}`);
  return { dir, file, results, checks, watcher, waitForResult };
}

describe('watchInventory', () => {
  it('reports the current inventory, then each in-place edit', async () => {
    const { file, results, waitForResult } = setup();
    await waitForResult(1);
    expect(nodeNames(results[0])).toEqual(['a']);
    writeFileSync(file, inventory('a', 'b'));
    await waitForResult(2);
    expect(nodeNames(results[1])).toEqual(['a', 'b']);
  });

  it('follows an editor-style atomic save (write temp file, rename over) and keeps watching afterwards', async () => {
    const { dir, file, results, waitForResult } = setup();
    await waitForResult(1);
    const temp = path.join(dir, '.fleet.yaml.swp');
    writeFileSync(temp, inventory('x'));
    renameSync(temp, file);
    await waitForResult(2);
    expect(nodeNames(results[1])).toEqual(['x']);
    writeFileSync(file, inventory('x', 'y'));
    await waitForResult(3);
    expect(nodeNames(results[2])).toEqual(['x', 'y']);
  });

  it('reports a broken edit as INVENTORY_INVALID with its position, then the fix', async () => {
    const { file, results, waitForResult } = setup();
    await waitForResult(1);
    writeFileSync(file, inventory('a').replace('count: 8', 'count: eight'));
    await waitForResult(2);
    const broken = results[1];
    expect(broken.ok).toBe(false);
    if (broken.ok) return;
    expect(broken.error.code).toBe('INVENTORY_INVALID');
    expect(broken.error.message).toBe('fleet.yaml:8:57: regions[0].clusters[0].nodes[0].gpus.count: expected a number');
    writeFileSync(file, inventory('a', 'c'));
    await waitForResult(3);
    expect(nodeNames(results[2])).toEqual(['a', 'c']);
  });

  it('does not report identical content twice', async () => {
    const { file, results, checks, waitForResult } = setup();
    await waitForResult(1);
    await until(() => checks.length >= 1, 'first check');
    writeFileSync(file, inventory('a'));
    await until(() => checks.length >= 2, 'check after rewrite');
    expect(checks[1]).toBe(false);
    expect(results).toHaveLength(1);
  });

  it('debounces a burst of writes into one re-read of the final content', async () => {
    const { file, results, checks, waitForResult } = setup();
    await waitForResult(1);
    await until(() => checks.length >= 1, 'first check');
    for (let i = 0; i < 20; i++) writeFileSync(file, inventory('a', `burst${i}`));
    await waitForResult(2);
    expect(nodeNames(results[1])).toEqual(['a', 'burst19']);
    expect(checks).toHaveLength(2);
  });

  it('reports a deleted file as NOT_FOUND and picks it up again when it comes back', async () => {
    const { file, results, waitForResult } = setup();
    await waitForResult(1);
    unlinkSync(file);
    await waitForResult(2);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    writeFileSync(file, inventory('a'));
    await waitForResult(3);
    expect(nodeNames(results[2])).toEqual(['a']);
  });

  it('starts on a missing file and reports it once it is created', async () => {
    const { file, results, waitForResult } = setup(null);
    await waitForResult(1);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    writeFileSync(file, inventory('late'));
    await waitForResult(2);
    expect(nodeNames(results[1])).toEqual(['late']);
  });

  it('reports nothing after close', async () => {
    const closed = setup();
    await closed.waitForResult(1);
    closed.watcher.close();
    // A second watcher on the same file is the clock: once it has seen the edit, the closed one had the same chance.
    const reference: InventoryWatchResult[] = [];
    const ref = watchInventory(closed.file, env, (r) => reference.push(r));
    cleanups.push(() => ref.close());
    await until(() => reference.length >= 1, 'reference watcher start');
    writeFileSync(closed.file, inventory('after-close'));
    await until(() => reference.length >= 2, 'reference watcher to see the edit');
    expect(closed.results).toHaveLength(1);
  });

  it('throws NOT_FOUND when the directory does not exist', () => {
    expect(() => watchInventory('/nonexistent-fleetops-dir/fleet.yaml', env, () => {})).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
