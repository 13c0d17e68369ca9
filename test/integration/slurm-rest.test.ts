/**
 * The Slurm connector against a real Slurm 22.05 (Debian 12) started on loopback by the test:
 * node states and jobs read over slurmrestd's v0.0.38 plugin, drain and resume with scontrol
 * over a real sshd as the test user (the product path: `scontrol` on the cluster's controlVia
 * node, because v0.0.38 has no node update), a requeue that runs again at once elsewhere, and
 * the failures (a refused token, slurmrestd down) reported as FleetErrors, never thrown raw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import type { SlurmChange, SlurmJob, SlurmNode, SlurmSnapshot } from '../../shared/slurm';
import { executeSlurmChange, type SlurmChangeRunner } from '../../electron/core/slurm/execute-change';
import { renderSlurmChange } from '../../electron/core/slurm/render-change';
import { SlurmRestClient } from '../../electron/core/slurm/rest-client';
import { SshPool } from '../../electron/core/ssh/pool';
import { waitFor } from './helpers/free-port';
import { startSlurm, type TestSlurm } from './helpers/slurm';
import { startSshd, TEST_USER, type TestSshd } from './helpers/sshd';

let sshd: TestSshd;
let slurm: TestSlurm;
let client: SlurmRestClient;
const pool = new SshPool();

beforeAll(async () => {
  // The sshd helper creates the test user; Slurm then makes it SlurmUser, so it may drain.
  sshd = await startSshd();
  slurm = await startSlurm({ slurmUser: TEST_USER });
  client = new SlurmRestClient({ url: slurm.url, user: slurm.user, token: slurm.token });
});

afterAll(async () => {
  await pool.closeAll();
  await slurm?.stop();
  await sshd?.dispose();
});

/** scontrol on the "controlVia" node: the test sshd, as fleetops-test, with SLURM_CONF given on the line. */
function runner(): SlurmChangeRunner {
  return {
    rest: client,
    shell: (command) => pool.exec(sshd.target('slurm-control'), command, { timeoutMs: 20_000 }),
    shellWhere: 'slurm-control',
  };
}

async function change(c: SlurmChange): Promise<string> {
  const rendered = renderSlurmChange(c, await client.currentApi(), { env: slurm.remoteEnv });
  return (await executeSlurmChange(rendered, runner())).output;
}

const snapshotWhere = <T>(pick: (s: SlurmSnapshot) => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> =>
  waitFor(async () => pick(await client.snapshot()), { what, timeoutMs, intervalMs: 100 }) as Promise<T>;

const nodeOf = (s: SlurmSnapshot, name: string): SlurmNode => s.nodes.find((n) => n.name === name)!;
const jobOf = (s: SlurmSnapshot, id: string): SlurmJob | undefined => s.jobs.find((j) => j.id === id);

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a rejection');
}

describe('Slurm over REST (v0.0.38, real slurmrestd 22.05)', () => {
  let jobId = '';

  it('detects the plugin and reads every node idle, with its fake GPUs', async () => {
    const snap = await client.snapshot();
    expect(snap.api).toMatchObject({ version: 'v0.0.38', family: 'v0.0.38', nodeUpdate: false, release: '22.05.8' });
    expect(snap.nodes.map((n) => n.name)).toEqual(slurm.nodeNames);
    for (const n of snap.nodes) expect(n).toMatchObject({ state: 'IDLE', drain: 'none', schedulable: true, gpusTotal: slurm.gpusPerNode, gpusUsed: 0 });
    expect(snap.partitions).toEqual([{ name: slurm.partition, state: 'UP', nodes: slurm.nodeNames, maxTimeMinutes: null }]);
    expect(snap.skipped).toEqual([]);
  });

  it('reads a running GPU job: its nodes, GPUs from gres_detail, limit and checkpoint path', async () => {
    jobId = String(await slurm.sbatch(['-J', 'train-it', '-N', '2', `--gres=gpu:${slurm.gpuType}:2`, '--comment=fleetops:ckpt=/data/ckpt/train-it', '--time=30', '--wrap', 'sleep 600']));
    const job = await snapshotWhere((s) => jobOf(s, jobId)?.state === 'RUNNING' && jobOf(s, jobId), 'the job running');
    expect(job).toMatchObject({ name: 'train-it', gpus: 4, timeLimitMinutes: 30, restarts: 0, checkpointPath: '/data/ckpt/train-it', user: 'root' });
    expect(job.nodes).toHaveLength(2);
    const snap = await client.snapshot();
    for (const name of job.nodes) expect(nodeOf(snap, name)).toMatchObject({ state: 'MIXED', gpusUsed: 2, schedulable: true });
  });

  it('drains a busy node with scontrol over SSH (v0.0.38 refuses POST /node), then resumes it', async () => {
    const node = jobOf(await client.snapshot(), jobId)!.nodes[0];
    // The REST route is not there on 22.05: 405, reported, not thrown raw.
    const viaRest = await rejection(client.post(`/slurm/v0.0.38/node/${node}`, { state: ['DRAIN'], reason: 'x' }));
    expect(viaRest).toMatchObject({ code: 'COMMAND_FAILED', detail: { reason: 'method-not-allowed', status: 405 } });

    const reason = "XID 79 on GPU 3 — it's $(not run)";
    expect(await change({ kind: 'drain', node, reason })).toMatch(/State=DRAIN Reason=.*: done$/);
    const drained = await snapshotWhere((s) => nodeOf(s, node).drain === 'draining' && nodeOf(s, node), 'the node draining');
    expect(drained).toMatchObject({ state: 'MIXED', flags: ['DRAIN'], schedulable: false, reason, reasonBy: TEST_USER });
    expect(drained.reasonAt).toBeGreaterThan(Date.now() - 60_000);

    await change({ kind: 'resume', node });
    // Slurm marks a resumed node NOT_RESPONDING until it has pinged it again (about a second here).
    const resumed = await snapshotWhere((s) => nodeOf(s, node).schedulable && nodeOf(s, node), 'the node resumed');
    expect(resumed).toMatchObject({ drain: 'none', flags: [] });
    // Resuming again is no error: the node is already schedulable.
    expect(await change({ kind: 'resume', node })).toMatch(/nothing to resume/);
  });

  it('drains an idle node to drained', async () => {
    const busy = new Set(jobOf(await client.snapshot(), jobId)!.nodes);
    const idle = slurm.nodeNames.find((n) => !busy.has(n))!;
    await change({ kind: 'drain', node: idle, reason: 'bad HBM' });
    expect(await snapshotWhere((s) => nodeOf(s, idle).drain === 'drained' && nodeOf(s, idle), 'drained')).toMatchObject({ state: 'IDLE', stateText: 'drained' });
    await change({ kind: 'resume', node: idle });
    await snapshotWhere((s) => nodeOf(s, idle).schedulable, 'the idle node back');
  });

  it('requeues the job off a drained node: it runs again at once elsewhere', async () => {
    const before = jobOf(await client.snapshot(), jobId)!;
    const bad = before.nodes[0];
    await change({ kind: 'drain', node: bad, reason: 'cordon for requeue' });
    const started = Date.now();
    const out = await change({ kind: 'requeue', jobId });
    expect(out).toMatch(/scontrol requeue '\d+': done\n.*StartTime=now: done$/);
    const again = await snapshotWhere((s) => {
      const j = jobOf(s, jobId);
      return j?.state === 'RUNNING' && j.restarts === 1 && j;
    }, 'the job running again');
    // StartTime=now: without it the requeued job would wait ~120 s (BeginTime).
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(again.nodes).toHaveLength(2);
    expect(again.nodes).not.toContain(bad);
    await change({ kind: 'resume', node: bad });
  }, 45_000);

  it('reports scontrol refusals from the node, not raw errors', async () => {
    const err = await rejection(change({ kind: 'resume', node: 'no-such-node' }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', subject: 'no-such-node' });
    const gone = await rejection(change({ kind: 'requeue', jobId: '999999' }));
    expect(gone).toMatchObject({ code: 'NOT_FOUND', detail: { reason: 'unknown-job' } });
  });

  it('reports a refused token (HTTP 500 in 22.05, not 401) as UNAUTHORIZED', async () => {
    const garbage = await rejection(new SlurmRestClient({ url: slurm.url, user: slurm.user, token: 'garbage' }).nodes());
    expect(garbage).toMatchObject({ code: 'UNAUTHORIZED', detail: { reason: 'token-refused', status: 500 } });
    expect(garbage.message).toMatch(/not a JWT/);

    // Well-formed and unexpired, but not signed with this cluster's key.
    const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000), sun: slurm.user })).toString('base64url');
    const forged = await rejection(new SlurmRestClient({ url: slurm.url, user: slurm.user, token: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${claims}.Zm9yZ2Vk` }).jobs());
    expect(forged).toMatchObject({ code: 'UNAUTHORIZED', detail: { reason: 'token-refused' } });
    expect(forged.message).toMatch(/most likely refused the token/);
  });

  it('reports slurmrestd down as HOST_UNREACHABLE, and reads again once it is back', async () => {
    await slurm.stopRestd();
    try {
      const err = await rejection(client.snapshot());
      expect(err).toMatchObject({ code: 'HOST_UNREACHABLE', detail: { reason: 'refused' } });
      expect(err.message).toMatch(/refused the connection: it is not running/);
    } finally {
      await slurm.startRestd();
    }
    expect((await client.snapshot()).nodes).toHaveLength(slurm.nodeNames.length);
  });
});
