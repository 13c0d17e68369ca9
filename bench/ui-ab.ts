/**
 * `npx tsx bench/ui-ab.ts --base DIR [--runs 9] [--nodes 1000]`: the first render of Topology and
 * Overview (as bench/ui.ts measures it) of two builds of the console, load by load in turns, against
 * one 1,000-node lab and one Chromium: the build in dist/renderer (`npm run build:renderer`) and
 * another one in DIR (e.g. `git worktree add /tmp/base <commit>`, then
 * `npx vite build --config /tmp/base/renderer/vite.config.mts --outDir /tmp/base-dist`).
 *
 * Why: on a shared 2-core machine the same build's first render moves by ±100 ms from one run of
 * bench:ui to the next, as much as a change is worth. Taking turns load by load puts both builds
 * through the same moments of the machine, so their difference is the build's, not the hour's.
 *
 * Both builds are served from one directory (a temporary copy: their hashed assets side by side,
 * the other build's index.html as base.html), so the server, its lab and its load are the same.
 * Prints each build's p50 and main-thread CPU p50 per view, and the difference.
 */
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServe } from '../electron/cli/serve-command';
import { requireBuiltRenderer } from '../test/e2e/helpers/serve';
import { launchChromiumCdp } from './chromium-cdp';
import { measureFirstRender, type View } from './first-render';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    runs: { type: 'string', default: '9' },
    nodes: { type: 'string', default: '1000' },
  },
});
const RUNS = Number(values.runs);
const NODES = Number(values.nodes);
const VIEWS: readonly View[] = ['topology', 'overview'];
const BUILDS = ['this', 'base'] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)];

async function main(): Promise<void> {
  if (!values.base || !existsSync(join(values.base, 'index.html'))) throw new Error('--base DIR: a build of the console (DIR/index.html)');
  requireBuiltRenderer();
  const served = await mkdtemp(join(tmpdir(), 'fleetops-bench-ab-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'fleetops-bench-ab-data-'));
  const cleanup: Array<() => Promise<unknown>> = [() => rm(served, { recursive: true, force: true }), () => rm(dataDir, { recursive: true, force: true })];
  try {
    await cp(resolve(values.base), served, { recursive: true });
    await rename(join(served, 'index.html'), join(served, 'base.html'));
    await cp(resolve('dist/renderer'), served, { recursive: true });
    const handle = await startServe(['--lab', '--lab-nodes', String(NODES), '--lab-no-slurm', '--data-dir', dataDir, '--renderer-dir', served], { out: () => undefined, err: () => undefined });
    cleanup.unshift(() => handle.stop());
    for (;;) {
      const statuses = handle.core.monitor.statuses();
      if (statuses.length === NODES && statuses.every((s) => s.health !== 'unknown')) break;
      await sleep(500);
    }
    const chromium = await launchChromiumCdp();
    cleanup.unshift(() => chromium.close());
    const url = { this: handle.server.url, base: handle.server.url.replace('/?', '/base.html?') };
    // One unmeasured load of each first: the first page of a run pays for starting Chromium's processes.
    for (const view of VIEWS) for (const build of BUILDS) await measureFirstRender(chromium.cdp, url[build], view, { breakdown: false });
    const content: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    for (let i = 0; i < RUNS; i++) {
      for (const view of VIEWS) {
        // Turns alternate which build goes first.
        for (const build of i % 2 === 0 ? BUILDS : [...BUILDS].reverse()) {
          const r = await measureFirstRender(chromium.cdp, url[build], view, { breakdown: false });
          (content[`${view} ${build}`] ??= []).push(r.contentMs);
          if (r.mainThreadCpuMs !== null) (cpu[`${view} ${build}`] ??= []).push(r.mainThreadCpuMs);
        }
      }
    }
    const result: Record<string, unknown> = { bench: 'ui-ab', nodes: NODES, runs: RUNS };
    for (const view of VIEWS) {
      const [a, b] = BUILDS.map((build) => ({ p50: median(content[`${view} ${build}`]), cpu: median(cpu[`${view} ${build}`] ?? [NaN]), runs: content[`${view} ${build}`] }));
      console.log(
        `first render ${view.padEnd(8)}: this build p50 ${a.p50.toFixed(0)} ms (cpu ${a.cpu.toFixed(0)}), base p50 ${b.p50.toFixed(0)} ms (cpu ${b.cpu.toFixed(0)}): ` +
          `${(a.p50 - b.p50).toFixed(0)} ms, cpu ${(a.cpu - b.cpu).toFixed(0)} ms; runs this ${a.runs.map((x) => x.toFixed(0)).join(' ')} | base ${b.runs.map((x) => x.toFixed(0)).join(' ')}`,
      );
      result[view] = { this: { p50Ms: a.p50, cpuP50Ms: a.cpu }, base: { p50Ms: b.p50, cpuP50Ms: b.cpu } };
    }
    console.log(JSON.stringify(result));
  } finally {
    for (const step of cleanup) await step().catch((err: unknown) => console.error(`cleanup: ${(err as Error)?.message ?? err}`));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
