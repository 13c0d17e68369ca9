/**
 * Runbooks through the contract against the lab: real HAProxy in front of real replicas, the
 * engine's handlers called through the dispatcher with output validation, progress as pushes.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/contract';
import type { RunbookPlan, RunbookSummary, RunView } from '../../shared/runbook';
import { LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { waitFor } from './helpers/free-port';
import { allServersUp, startLabConsole, type LabConsole } from './helpers/lab-console';

let c: LabConsole;
let services: LabConsole['services'];
let core: LabConsole['core'];
let runtime: LabConsole['runtime'];
let replicas: string[];
let call: LabConsole['call'];
const pushes: RunView[] = [];

beforeAll(async () => {
  c = await startLabConsole({
    name: 'runbook-svc',
    identity: { user: 'alice', host: 'console-1' },
    onPush: (e: PushEvent) => void (e.event === 'run.updated' && pushes.push(e.payload)),
  });
  ({ services, core, runtime, replicas, call } = c);
  await allServersUp(c);
}, 60_000);

afterAll(() => c?.stop());

const statusOf = async (server: string) => (await runtime.servers()).find((s) => s.server === server)?.status;
/** The administrative and weight columns of `show servers state` (check counters move on their own). */
const adminState = async () => (await runtime.showServersState(LAB_SERVICE)).map((r) => ({ server: r.server, adminFlags: r.adminFlags, userWeight: r.userWeight }));
const sessionsOn = async (server: string) => (await runtime.servers()).find((s) => s.server === server)?.sessions ?? 0;

/**
 * Opens requests through the frontend (round robin spreads them) until `server` has one, each
 * sending its body a byte at a time, well within HAProxy's 10 s client timeout.
 */
async function holdSessionOn(server: string): Promise<{ release(): void }> {
  const url = new URL(services.info().loadBalancer.frontendUrl!);
  const sockets: Socket[] = [];
  const timer = setInterval(() => {
    for (const s of sockets) s.write('x');
  }, 1000);
  const release = () => {
    clearInterval(timer);
    for (const s of sockets) s.destroy();
  };
  // Probes and health checks pass through the server now and then: a session counts as held only
  // once it is still there across three reads over a second (ours stay open; theirs do not).
  const heldSteadily = async () => {
    for (let k = 0; k < 3; k++) {
      if ((await sessionsOn(server)) === 0) return false;
      await delay(400);
    }
    return true;
  };
  try {
    for (let i = 0; !(await heldSteadily()); i++) {
      if (i >= 30) throw new Error(`no session stayed on ${server} after ${sockets.length} requests`);
      const s = connect(Number(url.port), url.hostname);
      s.on('error', () => undefined);
      s.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
      sockets.push(s);
      // HAProxy picks the server once the headers are in; give it a moment before opening another.
      await waitFor(async () => (await sessionsOn(server)) > 0, { timeoutMs: 500 }).catch(() => undefined);
    }
  } catch (err) {
    release();
    throw err;
  }
  return { release };
}
const ended = (id: string) => () => pushes.find((v) => v.id === id && ['succeeded', 'rolled-back', 'rollback-failed'].includes(v.status));

describe('runbooks through the contract', () => {
  it('lists the six built-ins and plans drain-replica with the HAProxy commands exactly', async () => {
    const list = await call<RunbookSummary[]>('runbooks.list', {});
    expect(list.map((r) => r.name).sort()).toEqual(['cordon-gpu-node', 'drain-replica', 'promote-spare-node', 'region-failback', 'region-failover', 'replace-replica']);
    expect(list.every((r) => r.builtin)).toBe(true);
    expect(list.find((r) => r.name === 'drain-replica')!.params.map((p) => p.name)).toContain('drainTimeoutSeconds');

    const target = replicas[0];
    const plan = await call<RunbookPlan>('runbooks.plan', { runbook: 'drain-replica', target });
    const commands = plan.steps.flatMap((s) => ('command' in s.action ? [s.action.command] : []));
    expect(commands).toEqual([`set server ${LAB_SERVICE}/${target} state drain`, `set server ${LAB_SERVICE}/${target} state maint`]);
    expect(plan.confirmation).toBe(target);
    // Capacity: each replica's 24 h measurement from the availability monitor, weighed against the
    // lab's SLO; each lab replica declares 100 req/s, so the two left carry HAProxy's rate into the backend.
    expect(plan.preconditions.at(-1)).toEqual({
      ok: true,
      overridable: true,
      text: expect.stringMatching(
        new RegExp(`^after step 2, lab-lb backend ${LAB_SERVICE} keeps 2 serving servers: estimated availability [0-9.]+% >= SLO 99\\.9% \\(2 replicas measured [0-9.-]+% over 24 h\\); load [0-9.]+ req/s <= capacity 200 req/s$`),
      ),
    });
    // The rate the load check reads: HAProxy's BACKEND row, from the poll the plan made, and its peak over the polls so far.
    const [backend] = core.services.loadBalancers.status('lab-lb')?.backends ?? [];
    expect(backend).toEqual({ backend: LAB_SERVICE, rate: expect.any(Number), ratePeak5m: expect.any(Number) });
    expect(backend!.ratePeak5m!).toBeGreaterThanOrEqual(backend!.rate!);
    expect(await statusOf(target)).toBe('UP');
    await expect(call('runbooks.plan', { runbook: 'no-such-runbook', target })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a run without the typed confirmation, then runs it with pushes until the server is in MAINT', async () => {
    const target = replicas[1];
    await expect(call('runbooks.run', { runbook: 'drain-replica', target })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    await expect(call('runbooks.run', { runbook: 'drain-replica', target, confirm: 'someone-else' })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(await statusOf(target)).toBe('UP');

    const started = await call<RunView>('runbooks.run', { runbook: 'drain-replica', target, confirm: target });
    expect(started.operator).toEqual({ user: 'alice', host: 'console-1' });
    const last = await waitFor(ended(started.id), { what: 'run to end', timeoutMs: 20_000 });
    expect(last.status).toBe('succeeded');
    const seen = pushes.filter((v) => v.id === started.id).flatMap((v) => v.steps.map((s) => `${s.index}:${s.status}`));
    for (const i of [1, 2, 3]) expect(seen).toEqual(expect.arrayContaining([`${i}:running`, `${i}:succeeded`]));
    expect(await statusOf(target)).toBe('MAINT');
    const runs = await call<RunView[]>('runs.list', {});
    expect(runs.find((r) => r.id === started.id)?.status).toBe('succeeded');
    const snap = await call<{ runs: RunView[] }>('fleet.snapshot', {});
    expect(snap.runs.map((r) => r.id)).toContain(started.id);
    await runtime.setServerState(LAB_SERVICE, target, 'ready');

    const kinds = core.store.audit.list({ limit: 200 }).map((e) => e.kind);
    for (const k of ['runbook.dry-run', 'runbook.refused', 'runbook.plan', 'runbook.confirmation', 'runbook.run', 'runbook.step', 'runbook.end']) expect(kinds).toContain(k);
  });

  it('a second run on a target held by a running one is RUNBOOK_LOCKED naming the holder; abort rolls back to the state before', async () => {
    const target = replicas[2];
    await waitFor(async () => (await statusOf(target)) === 'UP', { what: `${target} UP`, timeoutMs: 20_000 });
    const before = await adminState();
    // Requests whose body trickles in keep sessions open on the servers they went to: the
    // drain wait lasts exactly as long as this test holds them.
    const held = await holdSessionOn(target);
    try {
      const first = await call<RunView>('runbooks.run', { runbook: 'drain-replica', target, confirm: target, params: { drainTimeoutSeconds: '120' } });
      await waitFor(() => pushes.find((v) => v.id === first.id && v.steps[2]?.status === 'running'), { what: 'drain wait to start', timeoutMs: 20_000 });

      await expect(call('runbooks.run', { runbook: 'drain-replica', target, confirm: target })).rejects.toMatchObject({
        code: 'RUNBOOK_LOCKED',
        message: expect.stringContaining(`held by run ${first.id} (drain-replica on ${target}, running, started by alice@console-1)`),
      });

      const aborting = await call<RunView>('runs.abort', { runId: first.id });
      expect(aborting.id).toBe(first.id);
      const last = await waitFor(ended(first.id), { what: 'rollback to end', timeoutMs: 20_000 });
      expect(last.status).toBe('rolled-back');
      expect(last.reason).toBe('aborted');
      expect(last.steps[1]?.status).toBe('undone');
      expect(await adminState()).toEqual(before);
      expect(core.store.audit.list({ limit: 200 }).map((e) => e.kind)).toContain('runbook.abort');
    } finally {
      held.release();
    }
  }, 60_000);

  it('read-only refuses a run with the read-only message and changes nothing', async () => {
    const target = replicas[0];
    expect(await call('settings.setReadOnly', { global: true, clusters: [] })).toEqual({ global: true, clusters: [] });
    try {
      await expect(call('runbooks.run', { runbook: 'drain-replica', target, confirm: target })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/read-only mode is on \(global switch\)/),
      });
      expect((await call<{ readOnly: { global: boolean } }>('fleet.snapshot', {})).readOnly.global).toBe(true);
      expect(await statusOf(target)).toBe('UP');
      expect(core.store.audit.list({ limit: 200 }).map((e) => e.kind)).toContain('settings.read-only');
    } finally {
      await call('settings.setReadOnly', { global: false, clusters: [] });
    }
  });
});
