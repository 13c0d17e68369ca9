/**
 * The load balancer buttons through the change gate, against the lab's real HAProxy: a preview
 * with the exact command and the word to type; refusals while read-only (global and per
 * cluster), without the typed confirmation on a protected cluster and while a run holds the
 * server — each leaving HAProxy as it was and each on the audit record; an allowed change in
 * `fleetops audit list` with HAProxy's own setting before and after, and put back from its record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeRecord, type ChangePreview } from '../../shared/change';
import type { PushEvent } from '../../shared/contract';
import type { RunView } from '../../shared/runbook';
import type { FleetEvent } from '../../shared/status';
import { main } from '../../electron/cli/index';
import type { AuditEntry } from '../../electron/core/audit/audit-log';
import { LAB_LB, LAB_SERVICE, LAB_WEIGHT } from '../../electron/core/lab/lab-services';
import { waitFor } from './helpers/free-port';
import { HOLD_RUNBOOK } from './helpers/hold-runbook';
import { allServersUp, startLabConsole, type LabConsole } from './helpers/lab-console';

let c: LabConsole;
let dataDir: string;
let core: LabConsole['core'];
let runtime: LabConsole['runtime'];
let replicas: string[];
let call: LabConsole['call'];
const pushes: RunView[] = [];

beforeAll(async () => {
  c = await startLabConsole({
    name: 'lb-gate',
    identity: { user: 'alice', host: 'console-1' },
    beforeStart: (labDir) => {
      mkdirSync(join(labDir, 'runbooks'));
      writeFileSync(join(labDir, 'runbooks', 'hold-in-maintenance.yaml'), HOLD_RUNBOOK);
    },
    onPush: (e: PushEvent) => void (e.event === 'run.updated' && pushes.push(e.payload)),
  });
  ({ dataDir, core, runtime, replicas, call } = c);
  await allServersUp(c);
}, 60_000);

afterAll(() => c?.stop());

const at = (server: string) => ({ loadBalancer: LAB_LB, backend: LAB_SERVICE, server });
const setting = async (server: string) => {
  const row = (await runtime.showServersState(LAB_SERVICE)).find((r) => r.server === server)!;
  return { adminFlags: [...row.adminFlags], userWeight: row.userWeight };
};
const UNTOUCHED = { adminFlags: [], userWeight: LAB_WEIGHT };
const clusterOf = (replica: string) => core.topology()!.regions.flatMap((r) => r.clusters).find((c) => c.nodes.some((n) => replica.startsWith(n)))!.name;

/** `fleetops audit list --json` on the console's data directory. */
async function auditList(): Promise<AuditEntry[]> {
  let out = '';
  const code = await main(['audit', 'list', '--data-dir', dataDir, '--json', '--limit', '200'], { out: (t) => void (out += t), err: (t) => void (out += t) });
  expect(code).toBe(0);
  return JSON.parse(out) as AuditEntry[];
}

describe('load balancer changes through the change gate', () => {
  it('previews the exact command, the word to type on a protected cluster and HAProxy’s setting now; sends nothing', async () => {
    const name = replicas[0]!;
    const preview = await call<ChangePreview>('lb.previewChange', { ...at(name), change: { kind: 'state', state: 'drain' } });
    expect(preview).toEqual({
      subject: `${LAB_LB}/${LAB_SERVICE}/${name}`,
      replica: name,
      cluster: clusterOf(name),
      command: `set server ${LAB_SERVICE}/${name} state drain`,
      confirmation: name,
      before: { state: 'ready', weight: LAB_WEIGHT },
      refusals: [],
    });
    expect((await call<ChangePreview>('lb.previewChange', { ...at(name), change: { kind: 'weight', weight: 3 } })).command).toBe(`set weight ${LAB_SERVICE}/${name} 3`);
    expect(await setting(name)).toEqual(UNTOUCHED);
  });

  it('refuses without the typed confirmation, while read-only (global, then the replica’s cluster) and while a run holds the server; HAProxy untouched, each refusal audited', async () => {
    const name = replicas[1]!;
    const auditBefore = (await auditList()).length;
    await expect(call('lb.setServerState', { ...at(name), state: 'maint' })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED', detail: { expect: name } });
    await expect(call('lb.setWeight', { ...at(name), weight: 0, confirm: 'not-the-name' })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });

    await call('settings.setReadOnly', { global: true, clusters: [] });
    await expect(call('lb.setServerState', { ...at(name), state: 'drain', confirm: name })).rejects.toMatchObject({ code: 'READ_ONLY', message: expect.stringMatching(/read-only mode is on \(global switch\)/) });
    expect((await call<ChangePreview>('lb.previewChange', { ...at(name), change: { kind: 'state', state: 'drain' } })).refusals.map((r) => r.code)).toEqual(['READ_ONLY']);
    await call('settings.setReadOnly', { global: false, clusters: [clusterOf(name)] });
    await expect(call('lb.setWeight', { ...at(name), weight: 0, confirm: name })).rejects.toMatchObject({ code: 'READ_ONLY', message: expect.stringContaining(`cluster ${clusterOf(name)} is read-only`) });
    await call('settings.setReadOnly', { global: false, clusters: [] });
    expect(await setting(name)).toEqual(UNTOUCHED);

    // A run holds the server (it waits at its third step): the button is refused naming the run.
    const run = await call<RunView>('runbooks.run', { runbook: 'hold-in-maintenance', target: name, params: { weight: '9', restoreWeight: String(LAB_WEIGHT) }, confirm: name });
    await waitFor(() => pushes.find((v) => v.id === run.id && v.steps[2]?.status === 'running'), { what: 'the run to wait at step 3', timeoutMs: 15_000 });
    await expect(call('lb.setServerState', { ...at(name), state: 'ready', confirm: name })).rejects.toMatchObject({
      code: 'RUNBOOK_LOCKED',
      message: expect.stringContaining(`held by run ${run.id} (hold-in-maintenance on ${name}, running, started by alice@console-1)`),
    });
    const preview = await call<ChangePreview>('lb.previewChange', { ...at(name), change: { kind: 'state', state: 'ready' } });
    expect(preview.refusals.map((r) => r.code)).toEqual(['RUNBOOK_LOCKED']);
    expect(preview.before).toEqual({ state: 'maint', weight: 9 });
    await call('runs.abort', { runId: run.id });
    await waitFor(() => pushes.find((v) => v.id === run.id && v.status === 'rolled-back'), { what: 'the rollback', timeoutMs: 15_000 });
    expect(await setting(name)).toEqual(UNTOUCHED);

    const refused = (await auditList()).slice(0, -auditBefore || undefined).filter((e) => e.kind === 'change.refused');
    expect(refused.map((e) => (e.detail as { code: string }).code).reverse()).toEqual(['CONFIRMATION_REQUIRED', 'CONFIRMATION_REQUIRED', 'READ_ONLY', 'READ_ONLY', 'RUNBOOK_LOCKED']);
    // The run's own steps went through the gate too: each with its run and step, and HAProxy's setting before and after.
    const steps = (await auditList()).filter((e) => e.kind === 'change' && (e.detail as { run?: string }).run === run.id).reverse();
    expect(steps.map((e) => [(e.detail as { step: number; phase: string }).step, (e.detail as { phase: string }).phase, (e.detail as { before: unknown }).before, (e.detail as { after: unknown }).after])).toEqual([
      [0, 'do', { state: 'ready', weight: LAB_WEIGHT }, { state: 'maint', weight: LAB_WEIGHT }],
      [1, 'do', { state: 'maint', weight: LAB_WEIGHT }, { state: 'maint', weight: 9 }],
      [1, 'undo', { state: 'maint', weight: 9 }, { state: 'maint', weight: LAB_WEIGHT }],
      [0, 'undo', { state: 'maint', weight: LAB_WEIGHT }, { state: 'ready', weight: LAB_WEIGHT }],
    ]);
  }, 45_000);

  it('an allowed change is audited with HAProxy’s setting before and after, recorded as lb.change, and put back from its record', async () => {
    const name = replicas[2]!;
    const drained = await call<{ servers: Array<{ server: string; status: string }> }>('lb.setServerState', { ...at(name), state: 'drain', confirm: name });
    expect(drained.servers.find((s) => s.server === name)?.status).toBe('DRAIN');
    expect(await setting(name)).toEqual({ adminFlags: ['forced-drain'], userWeight: LAB_WEIGHT });

    const [entry] = (await auditList()).filter((e) => e.kind === 'change');
    expect(entry).toMatchObject({
      osUser: 'alice',
      host: 'console-1',
      subject: `${LAB_LB}/${LAB_SERVICE}/${name}`,
      detail: {
        action: 'lb.set-state',
        command: `set server ${LAB_SERVICE}/${name} state drain`,
        from: 'console',
        before: { state: 'ready', weight: LAB_WEIGHT },
        after: { state: 'drain', weight: LAB_WEIGHT },
        process: { label: 'fleetops', pid: process.pid },
      },
    });

    const events = await call<FleetEvent[]>('events.list', { subject: name });
    const record = ChangeRecord.parse(events.find((e) => e.kind === 'lb.change')!.data);
    expect(record).toMatchObject({ action: 'lb.set-state', before: { state: 'ready', weight: LAB_WEIGHT }, after: { state: 'drain', weight: LAB_WEIGHT }, origin: 'console', user: 'alice', revertOf: null });

    // "Put it back" must be the inverse of the recorded change, on the same server.
    await expect(call('lb.setServerState', { ...at(name), state: 'maint', confirm: name, revertOf: record.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining(`means set server ${LAB_SERVICE}/${name} state ready`) });
    await expect(call('lb.setServerState', { ...at(replicas[0]!), state: 'ready', confirm: replicas[0], revertOf: record.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('lb.setServerState', { ...at(name), state: 'ready', confirm: name, revertOf: 'no-such-change' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await setting(name)).toEqual({ adminFlags: ['forced-drain'], userWeight: LAB_WEIGHT });
    await call('lb.setServerState', { ...at(name), state: 'ready', confirm: name, revertOf: record.id });
    expect(await setting(name)).toEqual(UNTOUCHED);
    const [back] = (await auditList()).filter((e) => e.kind === 'change');
    expect(back!.detail).toMatchObject({ revertOf: record.id, before: { state: 'drain' }, after: { state: 'ready' } });

    // A weight change and its putting back.
    await call('lb.setWeight', { ...at(name), weight: 0, confirm: name });
    const weightEvent = (await call<FleetEvent[]>('events.list', { subject: name })).find((e) => e.kind === 'lb.change')!;
    const weightRecord = ChangeRecord.parse(weightEvent.data);
    expect(weightRecord).toMatchObject({ action: 'lb.set-weight', before: { weight: LAB_WEIGHT }, after: { weight: 0 } });
    await call('lb.setWeight', { ...at(name), weight: LAB_WEIGHT, confirm: name, revertOf: weightRecord.id });
    expect(await setting(name)).toEqual(UNTOUCHED);
    expect((await auditList()).every((e, i, all) => i === all.length - 1 || e.prevHash === all[i + 1]!.hash)).toBe(true);
  });
});
