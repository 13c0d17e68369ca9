/**
 * The runbook engine against a real HAProxy (lab): aborting a run mid-wait restores `show servers
 * state`, and a run whose process is SIGKILLed mid-step is found interrupted by the next engine,
 * whose rollback restores it too.
 */
import type Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaproxyRuntime } from '../../electron/core/haproxy/runtime-client';
import { startLabHaproxy, type LabHaproxy } from '../../electron/core/lab/lab-haproxy';
import type { RunUpdatedEvent } from '../../electron/core/runbook-exec/run-types';
import { waitFor } from './helpers/free-port';
import { startNamedBackends, type NamedBackends } from './helpers/haproxy';
import { drainPlan, labEngine, openJournalDb, type LabRuntimeAddress } from './runbook-exec-lab';

const ROOT = join(__dirname, '..', '..');
let dir: string;
let backends: NamedBackends;
let lb: LabHaproxy;
let unix: HaproxyRuntime;
let tcpAddress: LabRuntimeAddress;
const dbs: Database.Database[] = [];

/** `show servers state` without what moves by itself (seconds since last change, raw fields). */
async function serversState(): Promise<Array<Record<string, unknown>>> {
  return (await unix.showServersState('llm')).map(({ secondsSinceLastChange: _s, fields: _f, ...rest }) => rest);
}

const withoutHealthCounter = (rows: Array<Record<string, unknown>>) => rows.map(({ checkHealth: _h, ...rest }) => rest);

/**
 * Right after the rollback everything equals `before` but the check counter: leaving maintenance
 * HAProxy restarts it at `rise` and the next passing check (inter 1s) brings it back to the top.
 */
async function expectRestored(before: Array<Record<string, unknown>>): Promise<void> {
  expect(withoutHealthCounter(await serversState())).toEqual(withoutHealthCounter(before));
  const want = JSON.stringify(before);
  await waitFor(async () => JSON.stringify(await serversState()) === want, { what: 'the check counters back where they were', timeoutMs: 5000, intervalMs: 50 });
}

/** Every server UP with its check counter at the top (rise + fall - 1 = 3): a state that does not move by itself. */
async function settledState(): Promise<Array<Record<string, unknown>>> {
  return waitFor(
    async () => {
      const rows = await serversState();
      return rows.every((r) => r.opState === 'running' && r.checkHealth === 3 && (r.adminFlags as string[]).length === 0) ? rows : undefined;
    },
    { what: 'all servers settled UP', timeoutMs: 10_000, intervalMs: 50 },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-runbook-it-'));
  chmodSync(dir, 0o700);
  backends = await startNamedBackends(['a', 'b', 'c']);
  lb = await startLabHaproxy({ dir, backends: { llm: backends.list.map(({ name, host, port }) => ({ name, host, port })) }, tcpRuntime: ['admin'] });
  unix = new HaproxyRuntime({ kind: 'unix', path: lb.socketPath });
  tcpAddress = { host: lb.tcpRuntime[0]!.host, port: lb.tcpRuntime[0]!.port };
  await waitFor(async () => (await unix.servers()).filter((v) => v.backend === 'llm').every((v) => v.status === 'UP' && v.checkStatus === 'L7OK'), {
    what: 'a, b and c UP after their first checks',
  });
}, 30_000);

afterAll(async () => {
  for (const db of dbs) if (db.open) db.close();
  await lb?.stop();
  await backends?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('runbook engine on a real HAProxy', () => {
  it('abort during a long lb.wait: after the rollback, show servers state equals the state before the run', async () => {
    const before = await settledState();
    const db = openJournalDb(join(dir, 'abort.db'));
    dbs.push(db);
    let reachedWait!: () => void;
    const waiting = new Promise<void>((r) => (reachedWait = r));
    const engine = labEngine(db, tcpAddress, (e) => {
      if (e.run.steps[3]!.status === 'running') reachedWait();
    });
    const handle = engine.start(drainPlan('b', 600), { operator: { user: 'it', host: 'test' } });
    await waiting;
    // Mid-run HAProxy really has b in maintenance.
    expect((await unix.showServersState('llm')).find((r) => r.server === 'b')!.adminFlags).toContain('forced-maint');
    engine.abort(handle.runId);
    const run = await handle.done;
    expect(run).toMatchObject({ status: 'rolled-back', reason: 'aborted' });
    expect(run.steps.map((s) => s.status)).toEqual(['undone', 'succeeded', 'undone', 'failed']);
    await expectRestored(before);
  }, 30_000);

  it('SIGKILL mid-run: the next engine finds the run interrupted at step 4 and its rollback restores the state', async () => {
    const before = await settledState();
    const file = join(dir, 'crash.db');
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(__dirname, 'runbook-exec-crash-child.ts'), file, tcpAddress.host, String(tcpAddress.port), 'c'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // Kill it in the step that cannot end by itself (a server in maintenance is never DOWN), after
    // two mutating steps. Not in step 2: its sessions-zero wait ends at the first poll on an idle
    // server, and a loaded machine delivers the kill after the child has gone on (CI saw that).
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const e = JSON.parse(line) as RunUpdatedEvent;
        if (e.run.steps[3]!.status === 'running') resolve();
      });
      void exited.then(() => reject(new Error(`child exited before step 4 started: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;
    expect((await unix.showServersState('llm')).find((r) => r.server === 'c')!.adminFlags).toEqual(['forced-maint']);

    const db = openJournalDb(file);
    dbs.push(db);
    const engine = labEngine(db, tcpAddress);
    const interrupted = engine.recover();
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]).toMatchObject({ status: 'interrupted', interruptedStep: 3, runbook: 'drain-server' });
    const run = await engine.rollback(interrupted[0]!.id).done;
    expect(run.status).toBe('rolled-back');
    expect(run.steps.map((s) => s.status)).toEqual(['undone', 'succeeded', 'undone', 'failed']);
    await expectRestored(before);
  }, 30_000);
});
