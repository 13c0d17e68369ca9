/**
 * Engine overhead per runbook step: a 200-step plan (note, lb.set-weight, alternating) against
 * the real lab HAProxy over its TCP runtime socket. Overhead is everything between one action
 * returning and the next one being called (journal writes after and before, live events,
 * bookkeeping): the step's total time minus the action's own. Target p95 < 20 ms.
 * Prints a JSON line last.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HaproxyRuntime } from '../electron/core/haproxy/runtime-client';
import { startLabHaproxy } from '../electron/core/lab/lab-haproxy';
import { RUNBOOK_JOURNAL_MIGRATION } from '../electron/core/runbook-exec/journal-migration';
import { RunbookEngine } from '../electron/core/runbook-exec/run-engine';
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
  const db = new Database(join(dir, 'journal.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(RUNBOOK_JOURNAL_MIGRATION.up);
    const runtime = new HaproxyRuntime({ kind: 'tcp', host: lb.tcpRuntime[0]!.host, port: lb.tcpRuntime[0]!.port });
    const real = createStepActions({ runtimeFor: () => runtime });
    // Times each action call, so what remains of a step is the engine's.
    const spans: Array<{ start: number; end: number }> = [];
    const timed: StepActions = {
      async run(action, signal) {
        const span = { start: performance.now(), end: 0 };
        spans.push(span);
        try {
          return await real.run(action, signal);
        } finally {
          span.end = performance.now();
        }
      },
    };
    let events = 0;
    const engine = new RunbookEngine({ db, actions: timed, onEvent: () => events++ });
    const steps: PlannedStep[] = Array.from({ length: STEPS }, (_, i) =>
      i % 2 === 0
        ? { index: i, title: `note ${i}`, action: { type: 'note', text: `step ${i}` }, undo: null, mutating: false, targets: [] }
        : {
            index: i,
            title: `weight ${i}`,
            action: { type: 'lb.set-weight', loadBalancer: 'lab', backend: 'llm', server: 'a', weight: 1 + (i % 50), command: `set weight llm/a ${1 + (i % 50)}` },
            undo: { type: 'lb.set-weight', loadBalancer: 'lab', backend: 'llm', server: 'a', weight: 1, command: 'set weight llm/a 1' },
            mutating: true,
            targets: ['llm/a'],
          },
    );
    const t0 = performance.now();
    const run = await engine.start(
      { runbook: 'bench', target: 'llm/a', params: {}, confirmation: null, onFailure: 'rollback', steps, preconditions: [], locks: ['llm/a'] },
      { operator: { user: 'bench', host: 'bench' } },
    ).done;
    const t1 = performance.now();
    if (run.status !== 'succeeded') throw new Error(`bench run ended ${run.status}: ${run.steps.find((s) => s.error)?.error ?? ''}`);

    // Step k's overhead: from the run start (k = 0) or the previous action's end, to this action's start.
    const overhead = spans.map((s, k) => s.start - (k === 0 ? t0 : spans[k - 1]!.end));
    overhead.push(t1 - spans[spans.length - 1]!.end); // the last step's journal write and the end of the run
    const actionMs = spans.map((s) => s.end - s.start);
    const result = {
      steps: STEPS,
      totalMs: Math.round(t1 - t0),
      actionP50Ms: Number(pct(actionMs, 50).toFixed(2)),
      overheadP50Ms: Number(pct(overhead, 50).toFixed(2)),
      overheadP95Ms: Number(pct(overhead, 95).toFixed(2)),
      overheadMaxMs: Number(Math.max(...overhead).toFixed(2)),
      events,
      targetP95Ms: TARGET_P95_MS,
      pass: pct(overhead, 95) < TARGET_P95_MS,
    };
    console.log(`${STEPS} steps in ${result.totalMs} ms; action p50 ${result.actionP50Ms} ms`);
    console.log(`engine overhead per step p50 ${result.overheadP50Ms} ms, p95 ${result.overheadP95Ms} ms (target < ${TARGET_P95_MS}), max ${result.overheadMaxMs} ms`);
    console.log(JSON.stringify(result));
  } finally {
    db.close();
    await lb.stop();
    await new Promise<void>((r) => backend.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
