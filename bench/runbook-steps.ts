/**
 * Engine overhead per runbook step: a 200-step plan (note, lb.set-weight, alternating) against
 * the real lab HAProxy over its TCP runtime socket. Overhead is everything between one action
 * returning and the next one being called (journal writes after and before, live events,
 * bookkeeping): the step's total time minus the action's own. Measured twice: the engine alone,
 * and the engine with every changing step through the change gate (read-only switch, the run's
 * lock in the store, HAProxy's setting read before and after, the audit entry) as the console
 * runs it. Target p95 < 20 ms for both. Prints a JSON line last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HaproxyRuntime } from '../electron/core/haproxy/runtime-client';
import { startLabHaproxy } from '../electron/core/lab/lab-haproxy';
import { ChangeGate } from '../electron/core/gate/change-gate';
import { gatedStepActions } from '../electron/core/gate/gated-step-actions';
import { ReadOnlySwitch } from '../electron/core/gate/read-only-switch';
import type { LoadedInventory } from '../electron/core/inventory/load-inventory';
import { openCoordination } from '../electron/core/locks/coordination';
import { RunbookEngine } from '../electron/core/runbook-exec/run-engine';
import { openStore } from '../electron/core/store/open-store';
import { fleetMigrations } from '../electron/core/fleet/builtin-features';
import { createStepActions, type StepActions } from '../electron/core/runbook-exec/step-actions';
import type { PlannedStep } from '../shared/runbook';

const STEPS = 200;
const TARGET_P95_MS = 20;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-bench-runbook-'));
  const backend = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  const port = (backend.address() as { port: number }).port;
  const lb = await startLabHaproxy({ dir, backends: { llm: [{ name: 'a', host: '127.0.0.1', port }] }, tcpRuntime: ['admin'] });
  const store = openStore(join(dir, 'data'), { migrations: fleetMigrations() });
  const identity = { user: 'bench', host: 'bench' };
  const coordination = openCoordination(store.path, { label: 'bench', identity });
  try {
    const runtime = new HaproxyRuntime({ kind: 'tcp', host: lb.tcpRuntime[0]!.host, port: lb.tcpRuntime[0]!.port });
    const real = createStepActions({ runtimeFor: () => runtime });
    const gate = new ChangeGate({
      readOnly: new ReadOnlySwitch({ settings: store.settings, audit: store.audit, record: (e) => store.appendEvent(e), now: Date.now }),
      locks: coordination.locks,
      owner: coordination.owner,
      audit: store.audit,
      record: (e) => store.appendEvent(e),
      // The bench's server is no replica of an inventory: no cluster, so neither read-only per cluster nor protected.
      inventory: () => ({ nodes: [], replicas: [] }) as unknown as LoadedInventory,
      now: Date.now,
    });
    const results = [];
    for (const gated of [false, true]) {
      // Times each action call, so what remains of a step is the engine's (and the gate's).
      const spans: Array<{ start: number; end: number }> = [];
      const timed: StepActions = {
        async run(action, signal, ctx) {
          const span = { start: performance.now(), end: 0 };
          spans.push(span);
          try {
            return await real.run(action, signal, ctx);
          } finally {
            span.end = performance.now();
          }
        },
      };
      let events = 0;
      const actions = gated ? gatedStepActions(timed, { gate, inventory: () => ({ nodes: [], replicas: [] }) as unknown as LoadedInventory, runtimeFor: () => runtime }) : timed;
      const engine = new RunbookEngine({ db: coordination.db, owner: coordination.owner, locks: coordination.locks, actions, onEvent: () => events++ });
      const steps: PlannedStep[] = Array.from({ length: STEPS }, (_, i) =>
        i % 2 === 0
          ? { index: i, title: `note ${i}`, action: { type: 'note', text: `step ${i}` }, undo: null, mutating: false, targets: [] }
          : {
              index: i,
              title: `weight ${i}`,
              action: { type: 'lb.set-weight', loadBalancer: 'lab', backend: 'llm', server: 'a', weight: 1 + (i % 50), command: `set weight llm/a ${1 + (i % 50)}` },
              undo: { type: 'lb.set-weight', loadBalancer: 'lab', backend: 'llm', server: 'a', weight: 1, command: 'set weight llm/a 1' },
              mutating: true,
              targets: ['a'],
            },
      );
      const t0 = performance.now();
      const run = await engine.start({ runbook: 'bench', target: 'a', params: {}, confirmation: null, onFailure: 'rollback', steps, preconditions: [], locks: ['a'] }, { operator: identity }).done;
      const t1 = performance.now();
      if (run.status !== 'succeeded') throw new Error(`bench run ended ${run.status}: ${run.steps.find((s) => s.error)?.error ?? ''}`);

      // Step k's overhead: from the run start (k = 0) or the previous action's end, to this action's start.
      const overhead = spans.map((s, k) => s.start - (k === 0 ? t0 : spans[k - 1]!.end));
      overhead.push(t1 - spans[spans.length - 1]!.end); // the last step's journal write and the end of the run
      const actionMs = spans.map((s) => s.end - s.start);
      const result = {
        gate: gated,
        steps: STEPS,
        totalMs: Math.round(t1 - t0),
        actionP50Ms: Number(pct(actionMs, 50).toFixed(2)),
        overheadP50Ms: Number(pct(overhead, 50).toFixed(2)),
        overheadP95Ms: Number(pct(overhead, 95).toFixed(2)),
        overheadMaxMs: Number(Math.max(...overhead).toFixed(2)),
        events,
        auditEntries: store.audit.list({ limit: 1000 }).length,
        targetP95Ms: TARGET_P95_MS,
        pass: pct(overhead, 95) < TARGET_P95_MS,
      };
      const what = gated ? 'engine + change gate' : 'engine alone';
      console.log(`${what}: ${STEPS} steps in ${result.totalMs} ms; action p50 ${result.actionP50Ms} ms`);
      console.log(`${what}: overhead per step p50 ${result.overheadP50Ms} ms, p95 ${result.overheadP95Ms} ms (target < ${TARGET_P95_MS}), max ${result.overheadMaxMs} ms`);
      results.push(result);
    }
    console.log(JSON.stringify({ results, pass: results.every((r) => r.pass) }));
  } finally {
    coordination.close();
    store.close();
    await lb.stop();
    await new Promise<void>((r) => backend.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
