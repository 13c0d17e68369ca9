/**
 * `serve --lab --lab-probe-interval S`: the console probes every lab node every S seconds (the
 * lab's inventory says so, and the monitor follows it); without it, every 3 s. A big lab at a real
 * fleet's cadence (10 s) is what bench:ui measures the renderer against.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from '../../electron/cli/serve-command';

const io = { out: () => undefined, err: () => undefined };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-cadence-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>fleetops</title>');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cadence(extra: string[]): Promise<{ monitor: number[]; inventory: string }> {
  const handle: ServeHandle = await startServe(['--lab', '--lab-nodes', '2', '--lab-no-slurm', '--renderer-dir', dir, '--data-dir', join(dir, `data-${extra.length}`), ...extra], io);
  try {
    const monitor = handle.core.monitor.statuses().map((s) => handle.core.monitor.node(s.name)?.probe.intervalSeconds ?? -1);
    const inventory = await readFile(handle.lab!.inventoryPath, 'utf8');
    return { monitor, inventory };
  } finally {
    await handle.stop();
  }
}

describe('serve --lab-probe-interval', () => {
  it('sets how often each lab node is probed; 3 s without it', async () => {
    const set = await cadence(['--lab-probe-interval', '7']);
    expect(set.monitor.length).toBeGreaterThanOrEqual(2);
    expect(new Set(set.monitor)).toEqual(new Set([7]));
    expect(set.inventory).toMatch(/intervalSeconds: 7\b/);
    const unset = await cadence([]);
    expect(new Set(unset.monitor)).toEqual(new Set([3]));
  }, 60_000);
});
