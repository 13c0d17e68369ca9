/**
 * Requests lost while the built-in runbooks run under steady load: the lab (3 inference nodes,
 * one per region, the eu-central-1 replica a stopped spare in maintenance), real HAProxy, the
 * traffic generator at RATE req/s through the frontend, and the console's own engine running, in
 * turn, replace-replica (the spare takes over from us-west-2, started over SSH), drain-replica
 * (us-west-2, its service stopped), replace-replica back, region-failover us-west-2 →
 * eu-central-1 and region-failback. For each: how long it ran, requests sent meanwhile (plus a
 * second after, for requests in flight), failed, loss; the cycle repeats CYCLES times and each
 * runbook's requests are summed. Target: ≤ 0.1 % per runbook. The requests are chat completions
 * taking GENERATION_MS each; for comparison, the same load through a replica that crashes while in
 * rotation (no runbook) is measured last, to show what the measurement sees when requests are lost.
 * Prints a JSON line last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FleetCore } from '../electron/core/fleet/core';
import { startLab } from '../electron/core/lab/lab-fleet';
import { startLabServices, type LabServices } from '../electron/core/lab/lab-services';

const RATE = Number(process.env.FAILOVER_BENCH_RATE ?? 200);
/** The five runs leave the fleet as it started, so they repeat: more requests, a loss rate worth its digits. */
const CYCLES = Number(process.env.FAILOVER_BENCH_CYCLES ?? 3);
const TARGET_LOSS_PCT = 0.1;
/** Each request is a chat completion taking this long: in flight when a runbook changes the fleet. */
const GENERATION_MS = Number(process.env.FAILOVER_BENCH_GENERATION_MS ?? 300);
const OVERRIDE = 'benchmark: the lab is minutes old, its availability history is too short to judge capacity';

async function waitUntil(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row {
  runbook: string;
  target: string;
  status: string;
  seconds: number;
  sent: number;
  failed: number;
  lossPct: number;
}

async function measure(services: LabServices, core: FleetCore, runbook: string, target: string, params: Record<string, string>): Promise<Row> {
  const before = services.info().traffic;
  const t0 = performance.now();
  const started = await core.runbooks().run({ runbook, target, params, confirm: target, overrideReason: OVERRIDE });
  const end = await started.done;
  const seconds = (performance.now() - t0) / 1000;
  // Requests in flight when the run ended finish, and traffic lands on the new layout for a second.
  const sentAtEnd = services.info().traffic.sent;
  await waitUntil('traffic after the run', () => services.info().traffic.sent >= sentAtEnd + RATE, 10_000);
  const after = services.info().traffic;
  const sent = after.sent - before.sent;
  const failed = after.failed - before.failed;
  if (end.status !== 'succeeded') throw new Error(`${runbook} on ${target} ended ${end.status}: ${end.steps.find((s) => s.error)?.error ?? ''}`);
  return { runbook, target, status: end.status, seconds: Number(seconds.toFixed(1)), sent, failed, lossPct: Number(((failed / sent) * 100).toFixed(3)) };
}

/** The counterfactual: a replica in rotation crashes (connections cut) for 2 s, then comes back. */
async function crashInRotation(services: LabServices, replica: string): Promise<{ sent: number; failed: number; lossPct: number }> {
  const before = services.info().traffic;
  await services.setReplicaFault(replica, 'down');
  const sentAtCrash = services.info().traffic.sent;
  await waitUntil('traffic during the crash', () => services.info().traffic.sent >= sentAtCrash + RATE * 2, 10_000);
  await services.setReplicaFault(replica, null);
  const sentAtEnd = services.info().traffic.sent;
  await waitUntil('traffic after the crash', () => services.info().traffic.sent >= sentAtEnd + RATE, 10_000);
  const after = services.info().traffic;
  const sent = after.sent - before.sent;
  const failed = after.failed - before.failed;
  return { sent, failed, lossPct: Number(((failed / sent) * 100).toFixed(3)) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-bench-failover-'));
  const lab = await startLab({ dir: join(dir, 'lab'), nodes: 6, probeIntervalSeconds: 10 });
  const services = await startLabServices({ dir: join(dir, 'lab'), inventoryPath: lab.inventoryPath, maxReplicas: 3,
    spares: 1,
    fleet: lab,
    healthIntervalSeconds: 1,
    promptIntervalSeconds: 5,
    traffic: { kind: 'completion', generationMs: GENERATION_MS },
  });
  const core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: lab.inventoryPath, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, watchInventory: false });
  const rows: Row[] = [];
  try {
    await core.start();
    const [usw2, , euc1] = services.info().replicas.map((r) => r.name);
    await services.setTrafficRate(RATE);
    await waitUntil('steady traffic', () => services.info().traffic.sent >= RATE * 2, 10_000);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      rows.push(await measure(services, core, 'replace-replica', usw2!, { spare: euc1! }));
      rows.push(await measure(services, core, 'drain-replica', usw2!, { stopService: 'yes' }));
      rows.push(await measure(services, core, 'replace-replica', euc1!, { spare: usw2! }));
      rows.push(await measure(services, core, 'region-failover', 'us-west-2', { to: 'eu-central-1' }));
      rows.push(await measure(services, core, 'region-failback', 'us-west-2', { from: 'eu-central-1' }));
      // Back to the start: the spare stopped and in maintenance again.
      rows.push(await measure(services, core, 'drain-replica', euc1!, { stopService: 'yes' }));
    }
    const byRunbook = new Map<string, { runs: number; seconds: number[]; sent: number; failed: number }>();
    for (const r of rows) {
      const a = byRunbook.get(r.runbook) ?? { runs: 0, seconds: [], sent: 0, failed: 0 };
      a.runs++;
      a.seconds.push(r.seconds);
      a.sent += r.sent;
      a.failed += r.failed;
      byRunbook.set(r.runbook, a);
    }
    const summary = [...byRunbook].map(([runbook, a]) => ({
      runbook,
      runs: a.runs,
      secondsMax: Math.max(...a.seconds),
      sent: a.sent,
      failed: a.failed,
      lossPct: Number(((a.failed / a.sent) * 100).toFixed(3)),
    }));
    for (const r of summary) {
      console.log(`${r.runbook.padEnd(16)} ${r.runs} runs, longest ${r.secondsMax} s: ${r.failed} failed of ${r.sent} requests (${r.lossPct} %)`);
    }
    const crash = await crashInRotation(services, usw2!);
    console.log(`for comparison, ${usw2} crashing in rotation for 2 s (no runbook): ${crash.failed} failed of ${crash.sent} requests (${crash.lossPct} %)`);
    const worst = Math.max(...summary.map((r) => r.lossPct));
    console.log(`traffic ${RATE} completions/s (${GENERATION_MS} ms each) through HAProxy, ${CYCLES} cycles; worst loss ${worst} % (target ≤ ${TARGET_LOSS_PCT} %)`);
    console.log(
      JSON.stringify({ ratePerSecond: RATE, generationMs: GENERATION_MS, cycles: CYCLES, summary, crashInRotation: crash, worstLossPct: worst, targetLossPct: TARGET_LOSS_PCT, pass: worst <= TARGET_LOSS_PCT }),
    );
  } finally {
    await services.setTrafficRate(0).catch(() => undefined);
    await core.stop();
    await services.stop();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
