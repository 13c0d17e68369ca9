/**
 * The read-only switch is stored: a console reopened on the same data directory still shows it
 * and still refuses a runbook that changes something, and an unreadable stored switch comes back
 * ON with the reason on the record. The fleet here is unreachable on purpose (closed loopback
 * ports): the refusal happens while planning, before anything would be sent.
 */
import Database from 'better-sqlite3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import type { FleetSnapshot } from '../../shared/contract';
import type { RunbookPlan } from '../../shared/runbook';
import type { FleetEvent } from '../../shared/status';
import { main } from '../../electron/cli/index';
import { FleetCore } from '../../electron/core/fleet/core';
import { createDispatch } from '../../electron/core/rpc/dispatch';
import { closedPort } from './helpers/free-port';
import { generateEd25519 } from '../../electron/core/lab/lab-keys';
import { contractCall } from './helpers/contract-call';

let dir: string;
let inventoryPath: string;
const open: FleetCore[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-read-only-'));
  const [ssh, http, runtime] = [await closedPort(), await closedPort(), await closedPort()];
  inventoryPath = join(dir, 'fleet.yaml');
  await writeFile(join(dir, 'known_hosts'), '');
  await writeFile(join(dir, 'id_ed25519'), generateEd25519().private, { mode: 0o600 });
  await writeFile(
    inventoryPath,
    `version: 1
defaults: { user: ops, identityFile: ${join(dir, 'id_ed25519')}, knownHostsFile: ${join(dir, 'known_hosts')}, agent: false, probe: { intervalSeconds: 60, timeoutSeconds: 1, fall: 1, rise: 1 } }
regions:
  - name: r1
    clusters:
      - name: c1
        role: inference
        nodes:
          - { name: n1, host: 127.0.0.1, port: ${ssh}, gpus: { count: 8 } }
          - { name: n2, host: 127.0.0.1, port: ${ssh}, gpus: { count: 8 } }
replicas:
  - { name: r-1, node: n1, url: "http://127.0.0.1:${http}", model: llama, health: { path: /health, intervalSeconds: 60 } }
  - { name: r-2, node: n2, url: "http://127.0.0.1:${http}", model: llama, health: { path: /health, intervalSeconds: 60 } }
loadBalancers:
  - name: lb
    kind: haproxy
    runtime: { tcp: "127.0.0.1:${runtime}" }
    frontend: { url: "http://127.0.0.1:${http}" }
    backends:
      llama: [r-1, r-2]
`,
  );
});

afterEach(async () => {
  while (open.length > 0) await open.pop()!.stop();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A console on `dataDir`, started: what a restart of the app or of `serve` does. */
async function startConsole(dataDir: string) {
  const core = new FleetCore({ dataDir, inventoryPath, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, watchInventory: false, identity: { user: 'alice', host: 'console-1' } });
  open.push(core);
  await core.start();
  const dispatch = createDispatch(core.handlers, { validateOutput: true });
  const call = contractCall(dispatch);
  return {
    core,
    call,
    stop: async () => {
      open.splice(open.indexOf(core), 1);
      await core.stop();
    },
  };
}

const READ_ONLY_REFUSAL = { code: 'BAD_REQUEST', message: expect.stringMatching(/read-only mode is on \(global switch\)/) };
const drainPlan = { runbook: 'drain-replica', target: 'r-1' };
const drain = { ...drainPlan, confirm: 'r-1' };
const readOnlyCheck = (plan: RunbookPlan) => plan.preconditions.find((p) => /read-only/.test(p.text));

describe('the read-only switch across restarts', () => {
  it('set on, the console restarted: the snapshot shows it on and a changing runbook is refused; set off, it stays off', async () => {
    const dataDir = join(dir, 'data-restart');
    const first = await startConsole(dataDir);
    expect(await first.call('settings.setReadOnly', { global: true, clusters: ['c1', 'c1'] })).toEqual({ global: true, clusters: ['c1'] });
    await first.stop();

    const second = await startConsole(dataDir);
    expect((await second.call<FleetSnapshot>('fleet.snapshot', {})).readOnly).toEqual({ global: true, clusters: ['c1'] });
    await expect(second.call('runbooks.run', drain)).rejects.toMatchObject(READ_ONLY_REFUSAL);
    expect(readOnlyCheck(await second.call<RunbookPlan>('runbooks.plan', drainPlan))).toMatchObject({ ok: false });
    expect(second.core.runbooks().runs()).toEqual([]);
    expect(await second.call('settings.setReadOnly', { global: false, clusters: [] })).toEqual({ global: false, clusters: [] });
    await second.stop();

    const third = await startConsole(dataDir);
    expect((await third.call<FleetSnapshot>('fleet.snapshot', {})).readOnly).toEqual({ global: false, clusters: [] });
    expect(readOnlyCheck(await third.call<RunbookPlan>('runbooks.plan', drainPlan))).toMatchObject({ ok: true });
    const switches = third.core.store.audit
      .list({ limit: 500 })
      .filter((e) => e.kind === 'settings.read-only')
      .map((e) => [e.detail, e.osUser]);
    expect(switches).toEqual(expect.arrayContaining([[{ global: true, clusters: ['c1'] }, 'alice'], [{ global: false, clusters: [] }, 'alice']]));
    expect(switches).toHaveLength(2);
    expect(third.core.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('a second console on the same data directory sees the switch the first one sets, without a restart', async () => {
    const dataDir = join(dir, 'data-two-consoles');
    const desktop = await startConsole(dataDir);
    const serve = await startConsole(dataDir);
    expect(readOnlyCheck(await serve.call<RunbookPlan>('runbooks.plan', drainPlan))).toMatchObject({ ok: true });
    await desktop.call('settings.setReadOnly', { global: true, clusters: [] });
    expect((await serve.call<FleetSnapshot>('fleet.snapshot', {})).readOnly).toEqual({ global: true, clusters: [] });
    await expect(serve.call('runbooks.run', drain)).rejects.toMatchObject(READ_ONLY_REFUSAL);
  });

  it('before any inventory loads, the snapshot still shows the stored switch, not "off"', async () => {
    const dataDir = join(dir, 'data-no-inventory');
    const first = await startConsole(dataDir);
    await first.call('settings.setReadOnly', { global: true, clusters: [] });
    await first.stop();
    const core = new FleetCore({ dataDir, inventoryPath: join(dir, 'missing.yaml'), inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, watchInventory: false });
    open.push(core);
    await core.start();
    const r = await createDispatch(core.handlers, { validateOutput: true })('fleet.snapshot', {});
    if (!r.ok) throw new Error(r.error.message);
    expect((r.result as FleetSnapshot).readOnly).toEqual({ global: true, clusters: [] });
  });

  it('an unreadable stored switch comes back ON, with the reason in the event log and the audit trail', async () => {
    const dataDir = join(dir, 'data-corrupt');
    const first = await startConsole(dataDir);
    await first.call('settings.setReadOnly', { global: false, clusters: [] });
    const file = first.core.store.path;
    await first.stop();
    const db = new Database(file);
    db.prepare(`UPDATE settings SET value = '{"global":"off"}' WHERE key = 'read-only'`).run();
    db.close();

    const second = await startConsole(dataDir);
    expect((await second.call<FleetSnapshot>('fleet.snapshot', {})).readOnly).toEqual({ global: true, clusters: [] });
    await expect(second.call('runbooks.run', drain)).rejects.toMatchObject(READ_ONLY_REFUSAL);
    const events = await second.call<FleetEvent[]>('events.list', {});
    expect(events.find((e) => e.kind === 'settings.invalid')).toMatchObject({ severity: 'error', message: expect.stringMatching(/^setting "read-only" in .* is unreadable \(global: .*\); using \{"global":true,"clusters":\[\]\}/) });
    const last = second.core.store.audit.list({ limit: 500 }).find((e) => e.kind === 'settings.read-only' && (e.detail as { reason?: string }).reason);
    expect(last?.detail).toMatchObject({ global: true, clusters: [], reason: expect.stringMatching(/unreadable/) });
    // Turning it off is a deliberate act that also repairs the row.
    await second.call('settings.setReadOnly', { global: false, clusters: [] });
    await second.stop();
    const third = await startConsole(dataDir);
    expect((await third.call<FleetSnapshot>('fleet.snapshot', {})).readOnly.global).toBe(false);
  });

  it('`fleetops run --read-only` holds for that command only and cannot loosen the stored switch', async () => {
    const dataDir = join(dir, 'data-cli');
    let err = '';
    const code = await main(['run', 'drain-replica', '--target', 'r-1', '--yes', '--confirm', 'r-1', '--read-only', '--inventory', inventoryPath, '--data-dir', dataDir], {
      out: () => undefined,
      err: (t) => void (err += t),
    });
    expect(code).toBe(2);
    expect(err).toMatch(/read-only mode is on \(global switch\)/);

    const console1 = await startConsole(dataDir);
    expect((await console1.call<FleetSnapshot>('fleet.snapshot', {})).readOnly).toEqual({ global: false, clusters: [] });
    await console1.call('settings.setReadOnly', { global: true, clusters: [] });
    expect(console1.core.runbooks().restrictForThisProcess({ global: false, clusters: ['c1'] })).toEqual({ global: true, clusters: ['c1'] });
    await console1.stop();
    const console2 = await startConsole(dataDir);
    expect((await console2.call<FleetSnapshot>('fleet.snapshot', {})).readOnly).toEqual({ global: true, clusters: [] });
  });
});
