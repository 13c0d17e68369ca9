/**
 * `npm run bench:poll`: a 1,000-node lab in a separate process, polled by this process through
 * the real engine (SSH pool, probe, parser, judge, rise/fall, event store, pushes).
 * Prints cycle time p50/p95, CPU seconds per 1,000 node-probes, RSS, event-loop delay p99;
 * the last line is one JSON object.
 *
 *   npm run bench:poll -- [--nodes 1000] [--rounds 6] [--concurrency 64]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FleetCore } from '../electron/core/fleet/core';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '64' },
  },
});
const nodes = Number(values.nodes);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetops-bench-'));
  const labDir = join(dir, 'lab');
  const started = Date.now();
  const lab = spawn(process.execPath, [require.resolve('tsx/cli'), 'electron/cli/index.ts', 'lab', '--nodes', String(nodes), '--replicas', '0', '--dir', labDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let labOut = '';
  lab.stdout!.on('data', (d) => (labOut += d));
  // The lab writes lab.json once every node listens.
  while (!existsSync(join(labDir, 'lab.json'))) {
    if (lab.exitCode !== null) throw new Error(`lab exited early (${lab.exitCode}): ${labOut}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`lab: ${nodes} nodes ready in ${((Date.now() - started) / 1000).toFixed(1)} s (separate process, pid ${lab.pid})`);

  const core = new FleetCore({
    dataDir: join(dir, 'data'),
    inventoryPath: join(labDir, 'fleet.yaml'),
    inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
    watchInventory: false,
    monitorConcurrency: concurrency,
    ssh: { maxConcurrentHandshakes: 16 },
  });
  let pushes = 0;
  core.subscribe(() => pushes++);
  await core.start();
  core.monitor.stop(); // rounds are driven below, not by the interval timer

  const cycles: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let cpuSteady = { user: 0, system: 0 };
  let peakRss = 0;
  for (let i = 0; i < rounds; i++) {
    const steady = i > 0; // round 0 opens the 1,000 SSH connections
    if (steady && i === 1) loop.enable();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await core.monitor.probeAllOnce(concurrency);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const mem = process.memoryUsage();
    peakRss = Math.max(peakRss, mem.rss);
    const statuses = core.monitor.statuses();
    const healthy = statuses.filter((s) => s.lastVerdict === 'healthy').length;
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(
      `round ${i}${steady ? '' : ' (connect)'}: ${ms.toFixed(0)} ms, ${healthy}/${statuses.length} healthy, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, ` +
        `rss ${mb(mem.rss)} MB (heap ${mb(mem.heapUsed)}, external ${mb(mem.external)}, buffers ${mb(mem.arrayBuffers)})`,
    );
    if (healthy !== statuses.length) {
      const bad = statuses.find((s) => s.lastVerdict !== 'healthy');
      console.log(`  e.g. ${bad?.name}: ${bad?.lastVerdict} ${bad?.reasons.join('; ')}`);
    }
    if (steady) {
      cycles.push(ms);
      cpuSteady = { user: cpuSteady.user + cpu.user, system: cpuSteady.system + cpu.system };
    }
  }
  loop.disable();
  await core.stop();
  lab.kill('SIGTERM');
  await new Promise((r) => lab.once('exit', r));
  await rm(dir, { recursive: true, force: true });

  const sorted = [...cycles].sort((a, b) => a - b);
  const probes = cycles.length * nodes;
  const result = {
    nodes,
    cycleP50Ms: Math.round(pct(sorted, 50)),
    cycleP95Ms: Math.round(pct(sorted, 95)),
    cpuSecondsPer1000Probes: Number((((cpuSteady.user + cpuSteady.system) / 1e6) / (probes / 1000)).toFixed(3)),
    rssMB: Math.round(peakRss / 1024 / 1024),
    loopDelayP99Ms: Number((loop.percentile(99) / 1e6).toFixed(1)),
  };
  console.log(`cycle p50 ${result.cycleP50Ms} ms, p95 ${result.cycleP95Ms} ms (target < 5000)`);
  console.log(`CPU ${result.cpuSecondsPer1000Probes} s per 1,000 node-probes; RSS ${result.rssMB} MB (target < 400); event-loop delay p99 ${result.loopDelayP99Ms} ms (target < 50); ${pushes} pushes`);
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
