/**
 * `npm run bench:ui`: the console's renderer against a 1,000-node lab (`serve --lab --lab-nodes
 * 1000 --lab-probe-interval 10`, started in-process as the e2e tests start it), in Debian's
 * Chromium with the e2e tests' flags, while the lab's probes run: every node every 10 s, a real
 * fleet's default cadence and the scale issue 9 states (1,000 nodes × 8 GPUs every 10 s), so a
 * `nodes.updated` push every 200 ms carries what changed in the ~20 nodes probed since the last.
 * `--probe-interval 3` measures at the lab's own default instead (3.3 times the probes: ~60 nodes a
 * push, and the serving process busy ~50-60 % of a core instead of ~30 %, on the same 2 cores as
 * Chromium).
 *
 * Chromium is driven over a bare DevTools connection (bench/chromium-cdp.ts), not Playwright:
 * a Playwright page has the Network domain on, which makes the renderer copy every WebSocket
 * frame into the inspector on the page's main thread — ~6 ms per push here, not the console's.
 * Nor is the Runtime domain on (Playwright's is): with it V8 works out the source positions of
 * every Error the page creates, 40-49 ms of a first render's main thread (chromium-cdp.ts).
 *
 *  1. First render of Topology and of Overview: a fresh browser context (empty cache and
 *     storage) opens the console's URL on the view; an init script's MutationObserver notes
 *     performance.now() — ms since navigation start — when the view's content is in the DOM
 *     (Topology: its cluster sections; Overview: the attention list and the failure domains),
 *     and when the frame after it has run (bench/first-render.ts). It includes what the page
 *     waits for (HTML, the bundle, the WebSocket, the server building and sending the 1 MB
 *     snapshot) and what it does (evaluating the bundle, parsing and checking the snapshot,
 *     React): `main thread` is the renderer main thread's busy time up to that point, from a
 *     trace of the same load. With --breakdown, the load's phases one after the other (HTML,
 *     entry, socket, snapshot asked, waited for, parsed, checked, React: the page's own marks,
 *     bench/load-breakdown.ts), what the main thread ran (trace slices), the files and when
 *     they arrived, and the server's cost of building and encoding the snapshot
 *     (bench/snapshot-cost.ts). Chromium's omnibox popup, which it loads into every new window
 *     it opens, is turned off (bench/chromium-cdp.ts says why).
 *  2. Cost of one `nodes.updated` push: the page runs with push marks on (push-sync.ts marks
 *     `fleetops:push:<event>` in the task that received each push, behind the perf-marks flag
 *     this bench's init script sets: renderer/src/api/perf-marks.ts). A Chromium trace (`toplevel` + `blink.user_timing`) gives every task of
 *     the renderer's main thread. A push's cost is the sum of the main thread's tasks from the
 *     start of the one that received it (WebSocket frame, JSON, contract check, cache merge)
 *     until the one that received the next push of any kind: the TanStack notification, React's
 *     render and commit, style, layout, paint, and whatever else ran in between (timers, GC) —
 *     an upper bound. `wall` is the tasks' wall time (what a frame waits for, including the OS
 *     running other processes on this 2-core machine: the lab, the server, Chromium's browser
 *     process); `cpu` is the main thread's own CPU time in them (the work itself). Faults are
 *     injected and cleared on lab nodes as it runs, so pushes carry health changes, not only new
 *     probe times. Measured on the Overview, on the Topology as it opens (healthy clusters
 *     collapsed), and on the Topology with every cluster expanded (all 1,000 tiles on the page).
 *
 * Targets: first render < 500 ms (median of the runs); push < 16 ms p95 (a frame at 60 Hz) of
 * main-thread work (cpu), the wall time given beside it. The last line printed is one JSON object.
 *
 *   npm run bench:ui -- [--nodes 1000] [--probe-interval 10] [--runs 9] [--pushes 120] [--faults 8] [--breakdown]
 *                       [--only first-topology,first-overview,push-overview,push-topology,push-topology-expanded]
 *                       [--renderer-dir DIR]   (another build of the console, e.g. unminified for profiling)
 *                       [--trace-dir DIR]      (keep each scenario's trace there, for chrome://tracing)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServe, type ServeHandle } from '../electron/cli/serve-command';
import type { LabFaultKind } from '../shared/status';
import { PUSH_MARK_PREFIX } from '../renderer/src/api/push-sync';
import { requireBuiltRenderer } from '../test/e2e/helpers/serve';
import { launchChromiumCdp, openCdpPage, traceWhile, type Cdp } from './chromium-cdp';
import { firstRenderScript, MARKS_SCRIPT, measureFirstRender, traceCategories, VIEW_CONTENT, waitForFirstRender, type FirstRenderRun, type View } from './first-render';
import { medianPhases, medianSlices, type Phase } from './load-breakdown';
import { snapshotCost, type SnapshotCost } from './snapshot-cost';
import { pushCosts, type TraceEvent } from './trace-costs';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    'probe-interval': { type: 'string', default: '10' },
    // Nine loads and 120 pushes: on this 2-core machine single loads spread over ±100 ms and a p95
    // of 60 pushes is their 3rd-largest, so fewer said more about the hour than about the page.
    runs: { type: 'string', default: '9' },
    pushes: { type: 'string', default: '120' },
    faults: { type: 'string', default: '8' },
    breakdown: { type: 'boolean', default: false },
    // Development: measure another build of the console (vite build --outDir DIR), or fewer scenarios.
    'renderer-dir': { type: 'string' },
    only: { type: 'string' },
    'trace-dir': { type: 'string' },
  },
});
const NODES = Number(values.nodes);
const PROBE_INTERVAL_S = Number(values['probe-interval']);
const RUNS = Number(values.runs);
const PUSHES = Number(values.pushes);
const FAULTS = Number(values.faults);
const BREAKDOWN = values.breakdown === true;
const SCENARIOS = ['first-topology', 'first-overview', 'push-overview', 'push-topology', 'push-topology-expanded'] as const;
const ONLY = values.only ? values.only.split(',') : [...SCENARIOS];
for (const o of ONLY) if (!(SCENARIOS as readonly string[]).includes(o)) throw new Error(`--only: unknown scenario ${o} (${SCENARIOS.join(', ')})`);
const TARGET_FIRST_RENDER_MS = 500;
/** Seconds between the lab's first probes and the first page load. */
const SETTLE_S = 20;
const TARGET_PUSH_P95_MS = 16;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
function pct(list: readonly number[], p: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const r1 = (n: number) => Math.round(n * 10) / 10;

const TRACE_CATEGORIES = traceCategories(BREAKDOWN);
const firstRender = (cdp: Cdp, url: string, view: View) => measureFirstRender(cdp, url, view, { breakdown: BREAKDOWN, traceDir: values['trace-dir'] });

interface PushScenario {
  scenario: string;
  pushes: number;
  wall: { p50Ms: number; p95Ms: number; maxMs: number };
  cpu: { p50Ms: number; p95Ms: number; maxMs: number };
  receiveP50Ms: number;
  receiveP95Ms: number;
  longestTaskP95Ms: number;
  /** With --breakdown: mean ms per push by trace slice name, the largest first. */
  breakdown: Array<[string, number]>;
  /** The machine's load average (1, 5, 15 min) when the scenario ended: other processes share the 2 cores. */
  loadAverage: number[];
  /** cpu p95 under the target; `wallPass`: wall p95 under it as well. */
  pass: boolean;
  wallPass: boolean;
}

/**
 * Keeps the lab's health moving while pushes are measured: every 1.5 s one node gets a fault
 * (GPU lost, thermal slowdown, XID 79, unreachable in turn) and the oldest of `live` is cleared.
 */
function faultChurn(handle: ServeHandle, names: readonly string[], live: number): { stop(): Promise<void> } {
  const lab = handle.lab;
  if (!lab) throw new Error('no lab');
  const kinds: LabFaultKind[] = ['gpu-lost', 'thermal-slowdown', 'xid-79', 'node-unreachable'];
  const injected: string[] = [];
  let i = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const node = names[(i * 97) % names.length];
      const kind = kinds[i % kinds.length];
      i++;
      if (!injected.includes(node)) {
        lab.inject(kind === 'node-unreachable' ? { node, kind } : { node, kind, gpuIndex: 0 });
        injected.push(node);
      }
      while (injected.length > live) lab.clear(injected.shift() as string);
      await sleep(1500);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      for (const node of injected.splice(0)) lab.clear(node);
    },
  };
}

const stats = (list: number[]) => ({ p50Ms: r1(pct(list, 50)), p95Ms: r1(pct(list, 95)), maxMs: r1(Math.max(...list)) });

async function measurePushes(cdp: Cdp, url: string, scenario: 'overview' | 'topology' | 'topology-expanded', handle: ServeHandle, names: readonly string[]): Promise<PushScenario> {
  const view = scenario === 'overview' ? 'overview' : 'topology';
  const page = await openCdpPage(cdp, `${url}#/${view}`, [MARKS_SCRIPT, firstRenderScript(VIEW_CONTENT[view])]);
  let churn: { stop(): Promise<void> } | null = null;
  try {
    await waitForFirstRender(page);
    if (scenario === 'topology-expanded') {
      await page.evaluate(`document.querySelector('[data-testid="topology-expand-all"]').click()`);
      const started = Date.now();
      while ((await page.evaluate<number>(`document.querySelectorAll('[data-testid^="node-tile-"]').length`)) < names.length) {
        if (Date.now() - started > 30_000) throw new Error('the expanded topology did not show every tile in 30 s');
        await sleep(100);
      }
    }
    await sleep(1000);
    churn = faultChurn(handle, names, FAULTS);
    const count = `performance.getEntriesByName(${JSON.stringify(`${PUSH_MARK_PREFIX}nodes.updated`)}).length`;
    const { events } = await traceWhile(cdp, TRACE_CATEGORIES, async () => {
      const before = await page.evaluate<number>(count);
      const started = Date.now();
      // Two more than needed: the last push's window is open-ended, the first may be cut by the trace's start.
      while ((await page.evaluate<number>(count)) - before < PUSHES + 2) {
        if (Date.now() - started > 120_000) throw new Error(`fewer than ${PUSHES} nodes.updated pushes in 120 s`);
        await sleep(250);
      }
    });
    if (values['trace-dir']) await writeFile(join(values['trace-dir'], `push-${scenario}.json`), JSON.stringify({ traceEvents: events }));
    const errors = await page.errors();
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const costs = pushCosts(events as TraceEvent[]).filter((c) => c.event === 'nodes.updated');
    if (costs.length < PUSHES) throw new Error(`the trace holds ${costs.length} nodes.updated pushes, fewer than ${PUSHES}`);
    const sums: Record<string, number> = {};
    for (const c of costs) for (const [k, v] of Object.entries(c.breakdown)) sums[k] = (sums[k] ?? 0) + v;
    const breakdown = Object.entries(sums)
      .map(([k, v]) => [k, r1(v / costs.length)] as [string, number])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
    const wall = stats(costs.map((c) => c.wallMs));
    const cpu = stats(costs.map((c) => c.cpuMs));
    return {
      scenario,
      pushes: costs.length,
      wall,
      cpu,
      receiveP50Ms: r1(pct(costs.map((c) => c.receiveMs), 50)),
      receiveP95Ms: r1(pct(costs.map((c) => c.receiveMs), 95)),
      longestTaskP95Ms: r1(pct(costs.map((c) => c.longestTaskMs), 95)),
      breakdown,
      loadAverage: loadavg().map((l) => r1(l)),
      // The target is on the work (CPU); the wall time is given beside it, and whether it meets it too.
      pass: cpu.p95Ms < TARGET_PUSH_P95_MS,
      wallPass: wall.p95Ms < TARGET_PUSH_P95_MS,
    };
  } finally {
    await churn?.stop();
    await page.close();
  }
}

/** Waits until every node has had its first probe (the console then shows the fleet as it runs). */
async function waitForFirstProbes(handle: ServeHandle, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const statuses = handle.core.monitor.statuses();
    const unknown = statuses.filter((s) => s.health === 'unknown').length;
    if (statuses.length === NODES && unknown === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${unknown} of ${statuses.length} nodes still not probed after ${timeoutMs} ms`);
    await sleep(500);
  }
}

async function main(): Promise<void> {
  if (!values['renderer-dir']) requireBuiltRenderer();
  const cleanup: Array<() => Promise<unknown>> = [];
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const step of cleanup.reverse()) await step().catch((err: unknown) => console.error(`cleanup: ${(err as Error)?.message ?? err}`));
    })());
  // Ctrl-C: stop the lab, the server and Chromium, remove the temp dirs, then go.
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const dataDir = await mkdtemp(join(tmpdir(), 'fleetops-bench-ui-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  try {
    console.log(`bench:ui: starting serve --lab --lab-nodes ${NODES} --lab-probe-interval ${PROBE_INTERVAL_S} …`);
    const output: string[] = [];
    const rendererArgs = values['renderer-dir'] ? ['--renderer-dir', values['renderer-dir']] : [];
    // No Slurm: the lab's training clusters would run a slurmd per node (hundreds at 1,000 nodes), which is not the console's cost.
    const handle = await startServe(['--lab', '--lab-nodes', String(NODES), '--lab-probe-interval', String(PROBE_INTERVAL_S), '--lab-no-slurm', '--data-dir', dataDir, ...rendererArgs], {
      out: (t) => void output.push(t),
      err: (t) => void output.push(`[err] ${t}`),
    });
    cleanup.push(() => handle.stop());
    const t0 = Date.now();
    await waitForFirstProbes(handle, 180_000);
    console.log(`bench:ui: ${NODES} nodes probed in ${((Date.now() - t0) / 1000).toFixed(1)} s; letting the server settle for ${SETTLE_S} s`);
    // Measured on a console that has been running, as an operator meets it: right after the
    // first probes this process's CPU is well above its steady share for ~10 s (JIT, the lab's
    // first readings, history's first batches; at a 3 s cadence 70-80 % of a core, then ~50-60 %).
    const cpuBefore = process.cpuUsage();
    await sleep(SETTLE_S * 1000);
    const cpuAfter = process.cpuUsage(cpuBefore);
    console.log(`bench:ui: this process (server and lab) used ${Math.round((cpuAfter.user + cpuAfter.system) / (SETTLE_S * 10_000))} % of a core while settling; launching Chromium`);
    const names = handle.core.monitor.statuses().map((s) => s.name);
    const chromium = await launchChromiumCdp();
    cleanup.push(() => chromium.close());
    const { cdp } = chromium;
    const url = handle.server.url;

    let server: SnapshotCost | null = null;
    if (BREAKDOWN) {
      server = await snapshotCost(handle);
      console.log(
        `server: fleet.snapshot built in ${r1(server.buildMs)} ms, encoded in ${r1(server.encodeMs)} ms (median of 5, in the serving process): ` +
          `${r1(server.bytes / 1024 / 1024)} MB for ${server.nodes} nodes, ${server.nonAscii} non-ASCII characters escaped`,
      );
    }

    const firstRenders: Record<
      string,
      { runs: FirstRenderRun[]; p50Ms: number; maxMs: number; frameP50Ms: number; mainThreadP50Ms: number; mainThreadCpuP50Ms: number; loadAverage: number[]; pass: boolean; phases?: Phase[]; slices?: Array<[string, number]> }
    > = {};
    for (const view of ['topology', 'overview'] as const satisfies readonly View[]) {
      if (!ONLY.includes(`first-${view}`)) continue;
      const runs: FirstRenderRun[] = [];
      // One unmeasured warm-up: the first page of a run pays for starting Chromium's processes.
      await firstRender(cdp, url, view);
      for (let i = 0; i < RUNS; i++) runs.push(await firstRender(cdp, url, view));
      const content = runs.map((r) => r.contentMs);
      const p50 = pct(content, 50);
      const f = {
        runs: runs.map((r) => ({
          contentMs: r1(r.contentMs),
          frameMs: r1(r.frameMs),
          mainThreadWallMs: r.mainThreadWallMs === null ? null : r1(r.mainThreadWallMs),
          mainThreadCpuMs: r.mainThreadCpuMs === null ? null : r1(r.mainThreadCpuMs),
        })),
        p50Ms: r1(p50),
        maxMs: r1(Math.max(...content)),
        frameP50Ms: r1(pct(runs.map((r) => r.frameMs), 50)),
        mainThreadP50Ms: r1(pct(runs.map((r) => r.mainThreadWallMs ?? NaN), 50)),
        mainThreadCpuP50Ms: r1(pct(runs.map((r) => r.mainThreadCpuMs ?? NaN), 50)),
        loadAverage: loadavg().map((l) => r1(l)),
        pass: p50 < TARGET_FIRST_RENDER_MS,
        ...(BREAKDOWN
          ? {
              phases: medianPhases(runs.map((r) => r.phases ?? [])).map((p) => ({ phase: p.phase, ms: r1(p.ms), atMs: r1(p.atMs) })),
              slices: medianSlices(runs.map((r) => r.slices ?? {})).map(([k, v]) => [k, r1(v)] as [string, number]),
            }
          : {}),
      };
      firstRenders[view] = f;
      console.log(
        `first render ${view.padEnd(8)}: content in DOM p50 ${f.p50Ms} ms, max ${f.maxMs} ms (runs: ${content.map((c) => Math.round(c)).join(', ')}); next frame p50 ${f.frameP50Ms} ms; ` +
          `renderer main thread busy until then p50 ${f.mainThreadP50Ms} ms (cpu ${f.mainThreadCpuP50Ms} ms); load ${f.loadAverage.join(' ')} → ${f.pass ? 'PASS' : 'FAIL'} (< ${TARGET_FIRST_RENDER_MS} ms)`,
      );
      if (f.phases) console.log(`  phases, median ms (reached at): ${f.phases.map((p) => `${p.phase} ${p.ms} (${p.atMs})`).join('; ')}`);
      if (f.slices) console.log(`  main thread until the content, median ms by trace slice: ${f.slices.map(([k, v]) => `${k} ${v}`).join(', ')}`);
      const median = runs.find((r) => r.contentMs === p50);
      if (median?.files) console.log(`  files of the median run (arrived at, ms): ${median.files}`);
    }

    const pushes: PushScenario[] = [];
    for (const scenario of ['overview', 'topology', 'topology-expanded'] as const) {
      if (!ONLY.includes(`push-${scenario}`)) continue;
      const r = await measurePushes(cdp, url, scenario, handle, names);
      pushes.push(r);
      console.log(
        `push nodes.updated on ${scenario.padEnd(17)}: wall p50 ${r.wall.p50Ms} ms, p95 ${r.wall.p95Ms} ms, max ${r.wall.maxMs} ms; cpu p50 ${r.cpu.p50Ms} ms, p95 ${r.cpu.p95Ms} ms ` +
          `over ${r.pushes} pushes; receiving task p50 ${r.receiveP50Ms} / p95 ${r.receiveP95Ms} ms; longest task p95 ${r.longestTaskP95Ms} ms; load ${r.loadAverage.join(' ')} → ` +
          `${r.pass ? 'PASS' : 'FAIL'} (cpu p95 < ${TARGET_PUSH_P95_MS} ms; wall p95 ${r.wallPass ? 'meets it too' : 'does not'})`,
      );
      if (BREAKDOWN) console.log(`  per push, by trace slice (ms): ${r.breakdown.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    const result = {
      bench: 'ui',
      nodes: NODES,
      probeIntervalSeconds: PROBE_INTERVAL_S,
      ...(server ? { server } : {}),
      firstRender: firstRenders,
      push: pushes,
      targets: { firstRenderMs: TARGET_FIRST_RENDER_MS, pushP95Ms: TARGET_PUSH_P95_MS },
      pass: Object.values(firstRenders).every((f) => f.pass) && pushes.every((p) => p.pass),
    };
    console.log(JSON.stringify(result));
    process.exitCode = result.pass ? 0 : 1;
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
