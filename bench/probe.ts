/**
 * `npm run bench:probe`: 500 replicas (health every 5 s) plus the 1,000-node poll, at once, on
 * their real schedules through the engine. The lab nodes and the replicas run in two other
 * processes, so what is measured is the console's own cost. Prints CPU share, event-loop delay
 * p99 (target < 50 ms) and probe scheduling drift p99 (target < 250 ms); last line is JSON.
 *
 *   npm run bench:probe -- [--nodes 1000] [--replicas 500] [--seconds 40]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { FleetCore } from '../electron/core/fleet/core';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '40' },
  },
});
const nodes = Number(values.nodes);
const replicaCount = Number(values.replicas);
const seconds = Number(values.seconds);
const tsx = require.resolve('tsx/cli');

function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetops-bench-probe-'));
  const children: ChildProcess[] = [];
  try {
    const labDir = join(dir, 'lab');
    const lab = spawn(process.execPath, [tsx, 'electron/cli/index.ts', 'lab', '--nodes', String(nodes), '--replicas', '0', '--dir', labDir], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(lab);
    const farm = spawn(process.execPath, [tsx, 'bench/replica-farm.ts', String(replicaCount)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(farm);
    const replicaLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: farm.stdout! }).once('line', resolve);
      farm.once('exit', (c) => reject(new Error(`replica farm exited (${c})`)));
    });
    const replicas = JSON.parse(replicaLine) as { name: string; url: string }[];
    while (!existsSync(join(labDir, 'lab.json'))) {
      if (lab.exitCode !== null) throw new Error(`lab exited early (${lab.exitCode})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The lab's inventory, plus the replicas with a health probe every 5 s.
    const inventoryPath = join(dir, 'fleet.yaml');
    const base = await readFile(join(labDir, 'fleet.yaml'), 'utf8');
    const section = stringify({
      replicas: replicas.map((r) => ({ name: r.name, url: r.url, model: 'meta-llama/Llama-3.1-8B-Instruct', health: { path: '/health', intervalSeconds: 5 } })),
    });
    // The lab probes every 3 s for a lively demo; the benchmark uses the inventory's usual 10 s.
    const tuned = base.replace(/probe:\s*\n(\s+)intervalSeconds: \d+\n\s+timeoutSeconds: \d+/, (_m, indent: string) => `probe:\n${indent}intervalSeconds: 10\n${indent}timeoutSeconds: 5`);
    if (tuned === base) throw new Error('could not find the probe settings in the lab inventory');
    await writeFile(inventoryPath, `${tuned.trimEnd()}\n${section}`);
    const nodeInterval = /intervalSeconds: (\d+)/.exec(tuned)?.[1];
    console.log(`fleet: ${nodes} lab nodes (probe every ${nodeInterval} s) + ${replicas.length} replicas (health every 5 s), in two other processes`);

    const drifts: number[] = [];
    const core = new FleetCore({
      dataDir: join(dir, 'data'),
      inventoryPath,
      inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
      watchInventory: false,
      ssh: { maxConcurrentHandshakes: 16 },
      onDrift: (ms) => {
        if (measuring) drifts.push(ms);
      },
    });
    let measuring = false;
    await core.start();
    // Warm-up: every SSH connection opened and every replica probed once.
    const warmStart = Date.now();
    while (core.monitor.statuses().some((s) => s.lastProbeAt === null) || core.services.replicas.statuses().some((r) => r.lastHealth === null)) {
      await new Promise((r) => setTimeout(r, 250));
      if (Date.now() - warmStart > 120_000) throw new Error('warm-up took more than 2 minutes');
    }
    console.log(`warm-up: ${((Date.now() - warmStart) / 1000).toFixed(1)} s (1,000 SSH handshakes)`);

    // One more node interval so the queue left by the handshakes drains before measuring.
    await new Promise((r) => setTimeout(r, 10_000));

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    measuring = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    measuring = false;
    loop.disable();
    const rss = process.memoryUsage().rss;
    const healthyNodes = core.monitor.statuses().filter((s) => s.health === 'healthy').length;
    const healthyReplicas = core.services.replicas.statuses().filter((s) => s.health === 'healthy').length;
    await core.stop();

    const result = {
      nodes,
      replicas: replicas.length,
      seconds,
      probes: drifts.length,
      cpuShare: Number(((cpu.user + cpu.system) / 1000 / wallMs).toFixed(3)),
      loopDelayP99Ms: Number((loop.percentile(99) / 1e6).toFixed(1)),
      driftP99Ms: Math.round(pct(drifts, 99)),
      driftP50Ms: Math.round(pct(drifts, 50)),
      rssMB: Math.round(rss / 1024 / 1024),
    };
    console.log(`healthy at the end: ${healthyNodes}/${nodes} nodes, ${healthyReplicas}/${replicas.length} replicas`);
    console.log(`${result.probes} probes started in ${seconds} s; CPU share ${(result.cpuShare * 100).toFixed(1)}% of one core`);
    console.log(`event-loop delay p99 ${result.loopDelayP99Ms} ms (target < 50); scheduling drift p50 ${result.driftP50Ms} ms, p99 ${result.driftP99Ms} ms (target < 250); RSS ${result.rssMB} MB`);
    console.log(JSON.stringify(result));
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
