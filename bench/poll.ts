/**
 * `npm run bench:poll`: a 1,000-node lab in a separate process, polled through the real engine
 * (SSH pool, probe, parser, judge, rise/fall, event store, pushes, history) at the inventory's
 * cadence (a round of every node each 10 s), once with the history off and once on, each in a
 * process of its own so neither inherits the other's heap.
 *
 * Prints, for each: cycle time p50/p95, CPU share (CPU seconds per wall second over the steady
 * rounds, idle time and background flushes included) and CPU seconds per 1,000 node-probes, peak
 * RSS, event-loop delay p99; then what the history costs on top, and its database growth: bytes
 * added over the run (page_count × page_size, WAL checkpointed, before and after), extrapolated
 * to a day at 1,000 nodes × 8 GPUs every 10 s, and the 30-day steady state with pruning (raw 1 h,
 * minutes 24 h, half hours 30 d). The lab's GPUs report steady readings, which pack smaller than
 * real ones that move, so a simulated hour of moving readings through the same history store
 * (fake clock, no SSH) gives the per-row sizes for the steady state too (bench/history-sim.ts).
 * The lab polled here has no replicas; a second simulation gives what replicas add (health every
 * 5 s, a completion a minute, with their latency sketches for p50/p95), per replica and for
 * --sim-replicas of them, on top of the nodes' figure. The last line is one JSON object.
 *
 *   npm run bench:poll -- [--nodes 1000] [--rounds 13] [--interval 10] [--concurrency 64]
 *                         [--history both|on|off] [--pairs 1] [--sim-minutes 70] [--sim-replicas 500]
 *
 * On a shared machine, --pairs 2 (off, on, off, on; medians) keeps one disturbed run from
 * deciding the comparison; the history's own share (time spent in its code) does not depend
 * on the other run at all.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FleetCore } from '../electron/core/fleet/core';
import { mb, measureDb, simulateNodes, simulateReplicas, steadyState, type DbMeasure } from './history-sim';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '13' },
    interval: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
    history: { type: 'string', default: 'both' },
    /** Runs of each mode, alternating (off, on, off, on…); each figure is then the median: a busy machine skews one run, not all. */
    pairs: { type: 'string', default: '1' },
    'sim-minutes': { type: 'string', default: '70' },
    'sim-replicas': { type: 'string', default: '500' },
    // Internal: one measured run, in a child process.
    child: { type: 'string' },
    'lab-dir': { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const nodes = Number(values.nodes);
const rounds = Number(values.rounds);
const intervalMs = Number(values.interval) * 1000;
const concurrency = Number(values.concurrency);
const simMinutes = Number(values['sim-minutes']);
const simReplicas = Number(values['sim-replicas']);
/** The scale the targets are set at: 1,000 nodes, 8 GPUs each, a probe every 10 s. */
const SCALE = { nodes: 1000, intervalS: 10 };
const DAY_S = 86_400;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

interface RunResult {
  mode: 'on' | 'off';
  nodes: number;
  cycleP50Ms: number;
  cycleP95Ms: number;
  /** CPU seconds per wall second over the steady rounds (1 = one core). */
  cpuShare: number;
  cpuSecondsPer1000Probes: number;
  rssMB: number;
  /** Median of the RSS at the end of each steady round (the peak depends on when the GC runs). */
  rssMedianMB: number;
  /** After a full GC at the end of the window: what is really kept, without the collector's slack. */
  liveHeapMB: number;
  rssAfterGcMB: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  windowS: number;
  db?: { before: DbMeasure; after: DbMeasure; historySamples: number; historyFlushes: number };
  /**
   * Time spent inside the history's own code (recording readings, flushes), per wall second:
   * its CPU share measured directly, whatever else the machine is doing (an upper bound: a
   * preempted call counts its wait too).
   */
  historyShare?: number;
  /** The longest single flush (it runs on the event loop: better-sqlite3 is synchronous). */
  historyFlushMaxMs?: number;
}

/** Each number the median over the runs (the database figures from the last run). */
function medianRun(runs: RunResult[]): RunResult | undefined {
  if (runs.length <= 1) return runs[0];
  const med = (f: (r: RunResult) => number) => {
    const v = runs.map(f).sort((a, b) => a - b);
    const mid = Math.floor(v.length / 2);
    return Number((v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2).toFixed(4));
  };
  const last = runs[runs.length - 1]!;
  return {
    ...last,
    cycleP50Ms: med((r) => r.cycleP50Ms),
    cycleP95Ms: med((r) => r.cycleP95Ms),
    cpuShare: med((r) => r.cpuShare),
    cpuSecondsPer1000Probes: med((r) => r.cpuSecondsPer1000Probes),
    rssMB: med((r) => r.rssMB),
    rssMedianMB: med((r) => r.rssMedianMB),
    liveHeapMB: med((r) => r.liveHeapMB),
    rssAfterGcMB: med((r) => r.rssAfterGcMB),
    loopDelayP99Ms: med((r) => r.loopDelayP99Ms),
    loopDelayMaxMs: med((r) => r.loopDelayMaxMs),
    historyShare: last.historyShare === undefined ? undefined : med((r) => r.historyShare ?? 0),
    historyFlushMaxMs: last.historyFlushMaxMs === undefined ? undefined : med((r) => r.historyFlushMaxMs ?? 0),
  };
}

/** One measured run (history on or off) against the running lab; prints its result as JSON. */
async function child(mode: 'on' | 'off', labDir: string, dataDir: string): Promise<void> {
  const core = new FleetCore({
    dataDir,
    inventoryPath: join(labDir, 'fleet.yaml'),
    inventoryEnv: { homeDir: dataDir, defaultUser: 'ops' },
    watchInventory: false,
    monitorConcurrency: concurrency,
    ssh: { maxConcurrentHandshakes: 16 },
    history: mode === 'on' ? {} : false,
  });
  let pushes = 0;
  core.subscribe(() => pushes++);
  await core.start();
  core.monitor.stop(); // rounds are driven below, at the cadence, not by the monitor's timer

  const log = (line: string) => console.error(`[history ${mode}] ${line}`);
  const round = async (i: number): Promise<number> => {
    const t0 = performance.now();
    await core.monitor.probeAllOnce(concurrency);
    const ms = performance.now() - t0;
    const statuses = core.monitor.statuses();
    const healthy = statuses.filter((s) => s.lastVerdict === 'healthy').length;
    const mem = process.memoryUsage();
    log(`round ${i}${i === 0 ? ' (connect)' : ''}: ${ms.toFixed(0)} ms, ${healthy}/${statuses.length} healthy, rss ${mb(mem.rss)} MB (heap ${mb(mem.heapUsed)})`);
    if (healthy !== statuses.length) {
      const bad = statuses.find((s) => s.lastVerdict !== 'healthy');
      log(`  e.g. ${bad?.name}: ${bad?.lastVerdict} ${bad?.reasons.join('; ')}`);
    }
    return ms;
  };

  await round(0); // opens the 1,000 SSH connections: not measured
  const file = core.store.path;
  core.history?.flush();
  const before = mode === 'on' ? measureDb(file) : undefined;
  let historyMs = 0;
  let flushMaxMs = 0;
  if (core.history) {
    const h = core.history;
    for (const name of ['recordNodeProbe', 'flush'] as const) {
      const inner = h[name].bind(h) as (...args: unknown[]) => void;
      (h as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          inner(...args);
        } finally {
          const ms = performance.now() - t0;
          historyMs += ms;
          if (name === 'flush') flushMaxMs = Math.max(flushMaxMs, ms);
        }
      };
    }
  }

  const cycles: number[] = [];
  const rssAfterRounds: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  loop.enable();
  const cpu0 = process.cpuUsage();
  historyMs = 0;
  flushMaxMs = 0;
  const start = performance.now();
  for (let i = 1; i < rounds; i++) {
    await sleep(start + (i - 1) * intervalMs - performance.now());
    cycles.push(await round(i));
    rssAfterRounds.push(process.memoryUsage().rss);
  }
  // The last round's interval too: the idle time and the history's background flushes count.
  await sleep(start + (rounds - 1) * intervalMs - performance.now());
  const cpu = process.cpuUsage(cpu0);
  const windowS = (performance.now() - start) / 1000;
  const historyWindowMs = historyMs;
  loop.disable();
  clearInterval(rssTimer);
  (globalThis as { gc?: () => void }).gc?.();
  const afterGc = process.memoryUsage();

  let db: RunResult['db'];
  if (mode === 'on' && core.history) {
    core.history.flush();
    db = { before: before!, after: measureDb(file), historySamples: core.history.counters.samples, historyFlushes: core.history.counters.flushes };
  }
  await core.stop();

  const sorted = [...cycles].sort((a, b) => a - b);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const result: RunResult = {
    mode,
    nodes,
    cycleP50Ms: Math.round(pct(sorted, 50)),
    cycleP95Ms: Math.round(pct(sorted, 95)),
    cpuShare: Number((cpuS / windowS).toFixed(4)),
    cpuSecondsPer1000Probes: Number((cpuS / ((cycles.length * nodes) / 1000)).toFixed(3)),
    rssMB: mb(peakRss),
    rssMedianMB: mb(pct([...rssAfterRounds].sort((a, b) => a - b), 50)),
    liveHeapMB: mb(afterGc.heapUsed),
    rssAfterGcMB: mb(afterGc.rss),
    loopDelayP99Ms: Number((loop.percentile(99) / 1e6).toFixed(1)),
    loopDelayMaxMs: Number((loop.max / 1e6).toFixed(1)),
    windowS: Number(windowS.toFixed(1)),
    db,
    historyShare: core.history ? Number((historyWindowMs / 1000 / windowS).toFixed(4)) : undefined,
    historyFlushMaxMs: core.history ? Number(flushMaxMs.toFixed(1)) : undefined,
  };
  log(`${pushes} pushes`);
  console.log(JSON.stringify(result));
}

function runChild(mode: 'on' | 'off', labDir: string, dataDir: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const args = [require.resolve('tsx/cli'), 'bench/poll.ts', '--child', mode, '--lab-dir', labDir, '--data-dir', dataDir];
    args.push('--nodes', String(nodes), '--rounds', String(rounds), '--interval', String(intervalMs / 1000), '--concurrency', String(concurrency));
    // --expose-gc: a full collection at the end tells live memory from the collector's slack. In
    // NODE_OPTIONS, because tsx runs the script in a node process of its own.
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() };
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let last = '';
    createInterface({ input: p.stdout! }).on('line', (line) => (last = line));
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the "${mode}" run exited with ${code}`));
      try {
        resolve(JSON.parse(last) as RunResult);
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function main(): Promise<void> {
  if (values.child) return child(values.child as 'on' | 'off', values['lab-dir']!, values['data-dir']!);
  const once = values.history === 'both' ? (['off', 'on'] as const) : [values.history as 'on' | 'off'];
  const modes = Array.from({ length: Math.max(1, Number(values.pairs)) }, () => once).flat();
  const dir = await mkdtemp(join(tmpdir(), 'fleetops-bench-'));
  const labDir = join(dir, 'lab');
  const started = Date.now();
  const lab = spawn(process.execPath, [require.resolve('tsx/cli'), 'electron/cli/index.ts', 'lab', '--nodes', String(nodes), '--replicas', '0', '--dir', labDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let labOut = '';
  lab.stdout!.on('data', (d) => (labOut += d));
  const results: RunResult[] = [];
  let sim: ReturnType<typeof simulateNodes> | null = null;
  let simR: ReturnType<typeof simulateReplicas> | null = null;
  try {
    // The lab writes lab.json once every node listens.
    while (!existsSync(join(labDir, 'lab.json'))) {
      if (lab.exitCode !== null) throw new Error(`lab exited early (${lab.exitCode}): ${labOut}`);
      await sleep(100);
    }
    console.log(`lab: ${nodes} nodes ready in ${((Date.now() - started) / 1000).toFixed(1)} s (separate process, pid ${lab.pid}); ${rounds} rounds every ${intervalMs / 1000} s per run`);
    for (const [i, mode] of modes.entries()) {
      const r = await runChild(mode, labDir, join(dir, `data-${i}-${mode}`));
      results.push(r);
      console.log(
        `history ${mode}: cycle p50 ${r.cycleP50Ms} ms, p95 ${r.cycleP95Ms} ms (target < 5000); CPU ${(r.cpuShare * 100).toFixed(1)} % of a core over ${r.windowS} s, ` +
          `${r.cpuSecondsPer1000Probes} s per 1,000 node-probes${r.historyShare !== undefined ? ` (in the history's code: ${(r.historyShare * 100).toFixed(2)} % of a core, longest flush ${r.historyFlushMaxMs} ms)` : ''}; ` +
          `RSS peak ${r.rssMB} MB (target < 400), median ${r.rssMedianMB} MB, live heap after a full GC ${r.liveHeapMB} MB; event-loop delay p99 ${r.loopDelayP99Ms} ms (target < 50), max ${r.loopDelayMaxMs} ms`,
      );
    }
    lab.kill('SIGTERM');
    await new Promise((r) => (lab.exitCode !== null ? r(null) : lab.once('exit', r)));
    if (simMinutes > 0) {
      console.log(`simulating ${simMinutes} min of ${SCALE.nodes} nodes × 8 GPUs every ${SCALE.intervalS} s with moving readings (fake clock, no SSH)…`);
      sim = simulateNodes(simMinutes, dir, SCALE.nodes, SCALE.intervalS);
      if (simReplicas > 0) {
        console.log(`simulating ${simMinutes} min of ${simReplicas} replicas (health every 5 s, a completion a minute)…`);
        simR = simulateReplicas(simMinutes, dir, simReplicas);
      }
    }
  } finally {
    // Also when a run fails: the lab stopped, and its directory (and the runs' data) removed.
    if (lab.exitCode === null && lab.signalCode === null) {
      lab.kill('SIGTERM');
      await new Promise((r) => lab.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  }

  const off = medianRun(results.filter((r) => r.mode === 'off'));
  const on = medianRun(results.filter((r) => r.mode === 'on'));
  if (Number(values.pairs) > 1) {
    for (const r of [off, on]) if (r) console.log(`history ${r.mode}, median of ${Number(values.pairs)} runs: CPU ${(r.cpuShare * 100).toFixed(1)} % of a core, RSS median ${r.rssMedianMB} MB, event-loop p99 ${r.loopDelayP99Ms} ms`);
  }
  const summary: Record<string, unknown> = { nodes, rounds, intervalS: intervalMs / 1000, off, on };
  if (off && on) {
    const cost = {
      cpuIncreasePct: Number((((on.cpuShare - off.cpuShare) / off.cpuShare) * 100).toFixed(1)),
      /** The history's own share over the run without it: what it adds, free of the machine's noise. */
      historyCpuIncreasePct: Number((((on.historyShare ?? 0) / off.cpuShare) * 100).toFixed(1)),
      rssIncreaseMB: on.rssMB - off.rssMB,
      rssMedianIncreaseMB: on.rssMedianMB - off.rssMedianMB,
      rssAfterGcIncreaseMB: on.rssAfterGcMB - off.rssAfterGcMB,
      liveHeapIncreaseMB: on.liveHeapMB - off.liveHeapMB,
      loopP99: { off: off.loopDelayP99Ms, on: on.loopDelayP99Ms },
      loopMax: { off: off.loopDelayMaxMs, on: on.loopDelayMaxMs },
    };
    summary.cost = cost;
    console.log(
      `history costs ${cost.cpuIncreasePct} % more CPU, run against run (target ≤ 15; its own code: ${cost.historyCpuIncreasePct} % of the "off" run's CPU), ` +
        `${cost.rssIncreaseMB} MB more peak RSS, ${cost.rssMedianIncreaseMB} MB more median RSS (target ≤ 50), ` +
        `live heap +${cost.liveHeapIncreaseMB} MB; event-loop p99 ${off.loopDelayP99Ms} → ${on.loopDelayP99Ms} ms (max ${off.loopDelayMaxMs} → ${on.loopDelayMaxMs} ms)`,
    );
  }
  if (on?.db) {
    const { before, after } = on.db;
    const added = after.fileBytes - before.fileBytes;
    const scale = (SCALE.nodes / nodes) * (intervalMs / 1000 / SCALE.intervalS);
    const perDay = (added / on.windowS) * DAY_S * scale;
    const growth = {
      addedBytes: added,
      windowS: on.windowS,
      rawRowsAdded: after.raw.rows - before.raw.rows,
      perDayExtrapolatedMB: mb(perDay),
      steadyStateLab: steadyState(after, SCALE.nodes, 3600 / SCALE.intervalS),
    };
    summary.growth = growth;
    console.log(
      `database: +${(added / 1024).toFixed(0)} KiB in ${on.windowS} s (${growth.rawRowsAdded} probes kept); extrapolated to 1,000 nodes every 10 s: ` +
        `${growth.perDayExtrapolatedMB} MB/day while the first hour of raw readings fills (raw stops growing after an hour: pruned)`,
    );
    const s = growth.steadyStateLab;
    console.log(
      `  lab readings (steady): ${s.bytesPerRawProbe} B per node probe, ${s.bytesPerMinuteRow} B per node-minute, ${s.bytesPerHalfHourRow} B per node-half-hour → ` +
        `30-day steady state ${s.totalMB} MB (raw ${s.rawMB} + minutes ${s.minuteMB} + half hours ${s.halfHourMB}); ${s.writtenPerDayMB} MB written a day before pruning`,
    );
  }
  if (sim) {
    const s = steadyState(sim.db, SCALE.nodes, 3600 / SCALE.intervalS);
    summary.simulated = { minutes: simMinutes, probes: sim.probes, historyCpuMsPer1000Probes: sim.cpuMsPer1000Probes, steadyState: s };
    console.log(
      `  moving readings (simulated ${simMinutes} min): ${s.bytesPerRawProbe} B per node probe, ${s.bytesPerMinuteRow} B per node-minute, ${s.bytesPerHalfHourRow} B per node-half-hour → ` +
        `30-day steady state ${s.totalMB} MB (raw ${s.rawMB} + minutes ${s.minuteMB} + half hours ${s.halfHourMB}; target ≤ 1024); ${s.writtenPerDayMB} MB written a day before pruning; ` +
        `history CPU ${sim.cpuMsPer1000Probes} ms per 1,000 node probes`,
    );
  }
  if (simR) {
    // A replica: 720 health probes and 60 completions an hour.
    const r = steadyState(simR.db, simReplicas, 780);
    const perReplicaKB = (mbOf: number) => Math.round((mbOf * 1024) / simReplicas);
    const sketchMB = mb((simR.sketchBytes.minute * (1455 * simReplicas) + simR.sketchBytes.halfHour * (1442 * simReplicas)));
    summary.simulatedReplicas = { replicas: simReplicas, probes: simR.probes, historyCpuMsPer1000Probes: simR.cpuMsPer1000Probes, steadyState: r, sketchBytesPerRow: simR.sketchBytes, sketchMB };
    console.log(
      `  replicas (simulated ${simMinutes} min): ${r.bytesPerRawProbe} B per probe, ${r.bytesPerMinuteRow} B per replica-minute (sketches ${simR.sketchBytes.minute.toFixed(0)}), ` +
        `${r.bytesPerHalfHourRow} B per replica-half-hour (sketches ${simR.sketchBytes.halfHour.toFixed(0)}) → 30-day steady state of ${simReplicas} replicas ${r.totalMB} MB ` +
        `(raw ${r.rawMB} + minutes ${r.minuteMB} + half hours ${r.halfHourMB}; the p50/p95 sketches ${sketchMB} of it), ~${perReplicaKB(r.totalMB)} KB a replica; ` +
        `history CPU ${simR.cpuMsPer1000Probes} ms per 1,000 replica probes`,
    );
    if (sim) console.log(`  nodes and replicas together: ${steadyState(sim.db, SCALE.nodes, 3600 / SCALE.intervalS).totalMB + r.totalMB} MB at the 30-day steady state`);
  }
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
