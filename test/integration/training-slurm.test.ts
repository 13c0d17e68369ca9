/**
 * The training side of the console against a real Slurm 22.05 and a real sshd, through FleetCore:
 * the overview (Slurm's nodes beside the console's verdicts, a running GPU job with its
 * checkpoint verdict listed over SSH), a drain through the runbook (scontrol on the controlVia
 * node, v0.0.38 having no node update) undone by the run's rollback, and slurmrestd down or a
 * refused token shown as the scheduler being unreachable with the reason — nothing thrown.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingOverview } from '../../shared/training';
import { main } from '../../electron/cli/index';
import type { CheckReport } from '../../electron/core/fleet/check';
import { FleetCore } from '../../electron/core/fleet/core';
import { createDispatch, type Dispatch } from '../../electron/core/rpc/dispatch';
import { waitFor } from './helpers/free-port';
import { startSlurm, type TestSlurm } from './helpers/slurm';
import { startSshd, TEST_USER, type TestSshd } from './helpers/sshd';

let sshd: TestSshd;
let slurm: TestSlurm;
let dir: string;
let core: FleetCore;
let dispatch: Dispatch;
let token = '';
const NODES = ['gpu-1', 'gpu-2', 'gpu-3'];

beforeAll(async () => {
  // The sshd helper creates the test user; Slurm makes it SlurmUser, so scontrol over SSH may drain.
  sshd = await startSshd();
  slurm = await startSlurm({ slurmUser: TEST_USER });
  token = slurm.token;
  dir = mkdtempSync(join(tmpdir(), 'fleetops-training-'));
  // A DCP checkpoint the job's listing reads over SSH as the test user: one complete step.
  const step = join(dir, 'ckpt', 'step-100');
  mkdirSync(step, { recursive: true });
  for (const f of ['__0_0.distcp', '__1_0.distcp', '.metadata']) writeFileSync(join(step, f), Buffer.alloc(f === '.metadata' ? 512 : 4096));
  const written = new Date(Date.now() - 5 * 60_000);
  for (const f of ['__0_0.distcp', '__1_0.distcp', '.metadata', '']) utimesSync(join(step, f), written, written);
  for (const d of [dir, join(dir, 'ckpt')]) chmodSync(d, 0o755);
  const inventory = join(dir, 'fleet.yaml');
  writeFileSync(
    inventory,
    `version: 1
defaults:
  user: ${TEST_USER}
  identityFile: ${sshd.identityFile}
  knownHostsFile: ${sshd.knownHostsFile}
  agent: false
  probe: { intervalSeconds: 60, timeoutSeconds: 10, fall: 1, rise: 1 }
regions:
  - name: lab
    clusters:
      - name: train
        role: training
        scheduler:
          kind: slurm
          restd: { url: "${slurm.url}", user: ${slurm.user}, tokenRef: slurm-token }
          controlVia: gpu-1
          intervalSeconds: 1
          scontrol: { env: { SLURM_CONF: "${slurm.remoteEnv.SLURM_CONF}" } }
        nodes:
${NODES.map((n, i) => `          - { name: ${n}, host: ${sshd.host}, port: ${sshd.port}, gpus: { count: 1 }, slurmName: ${slurm.nodeNames[i]} }`).join('\n')}
jobs:
  - name: pretrain
    cluster: train
    checkpoint: { directory: ${join(dir, 'ckpt')}, layout: dcp, every: 30m }
`,
  );
  core = new FleetCore({
    dataDir: join(dir, 'data'),
    inventoryPath: inventory,
    inventoryEnv: { homeDir: dir, defaultUser: TEST_USER },
    watchInventory: false,
    getSecret: async (ref) => (ref === 'slurm-token' ? token : undefined),
    training: { checkpointEveryMs: 1000, publishEveryMs: 100 },
  });
  await core.start();
  dispatch = createDispatch(core.handlers, { validateOutput: true });
}, 60_000);

afterAll(async () => {
  await core?.stop();
  await slurm?.stop();
  await sshd?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function overview(): Promise<TrainingOverview> {
  const r = await dispatch('training.overview', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.result as TrainingOverview;
}

const until = <T>(pick: (o: TrainingOverview) => T | undefined | null, what: string, timeoutMs = 20_000) => waitFor(async () => pick(await overview()), { what, timeoutMs, intervalMs: 100 });

describe('a training cluster under a real Slurm', () => {
  let jobId = '';

  it('shows Slurm beside the console: nodes by inventory name, a running job with its GPUs and its checkpoint verdict', async () => {
    for (const n of NODES) core.monitor.probeSoon(n);
    jobId = String(await slurm.sbatch(['-J', 'pretrain', '-N', '2', `--gres=gpu:${slurm.gpuType}:2`, '--time=30', '--wrap', 'sleep 600']));
    const job = await until((o) => o.jobs.find((j) => j.id === jobId && j.state === 'RUNNING' && j.checkpoint !== null), 'the job running, with its checkpoint listed');
    const o = await overview();
    expect(o.schedulers).toEqual([expect.objectContaining({ cluster: 'train', state: 'ok', apiVersion: 'v0.0.38', reason: null })]);
    expect(o.nodes.map((n) => [n.node, n.slurmName])).toEqual(NODES.map((n, i) => [n, slurm.nodeNames[i]]));
    expect(job).toMatchObject({ name: 'pretrain', gpus: 4, restarts: 0 });
    expect(job.nodes.every((n) => NODES.includes(n))).toBe(true);
    expect(job.checkpoint).toMatchObject({ level: 'ok', layout: 'dcp', newestComplete: { name: 'step-100' } });
    expect(job.workAtRiskGpuHours).toBeGreaterThanOrEqual(0);
    await waitFor(
      () => {
        if (NODES.every((n) => core.monitor.status(n)?.health === 'healthy')) return true;
        throw new Error(JSON.stringify(NODES.map((n) => [core.monitor.status(n)?.health, core.monitor.status(n)?.reasons])));
      },
      { what: 'every node healthy', timeoutMs: 20_000 },
    );
    const busy = await until((x) => x.nodes.find((n) => n.node === job.nodes[0] && n.jobs.includes(jobId)), 'the job on its node');
    expect(busy).toMatchObject({ health: 'healthy', schedulable: true, disagreement: null });
  }, 40_000);

  it('drains a node through cordon-gpu-node (scontrol over SSH) and the rollback resumes it', async () => {
    const node = (await overview()).jobs.find((j) => j.id === jobId)!.nodes[0];
    const plan = await dispatch('runbooks.plan', { runbook: 'cordon-gpu-node', target: node, params: { reason: 'fleetops test: XID 79', jobs: 'wait', timeoutSeconds: '2' } });
    if (!plan.ok) throw new Error(plan.error.message);
    const steps = (plan.result as { steps: Array<{ action: { type: string; via?: string; request?: string } }> }).steps;
    expect(steps[0].action).toMatchObject({ type: 'slurm.drain', via: 'scontrol', request: expect.stringContaining("State=DRAIN Reason='fleetops test: XID 79'") });
    // The job runs on for 10 minutes: waiting 2 s for it fails, and the run rolls back.
    const started = await core.runbooks().run({ runbook: 'cordon-gpu-node', target: node, params: { reason: 'fleetops test: XID 79', jobs: 'wait', timeoutSeconds: '2' } });
    const drained = await until((o) => o.nodes.find((n) => n.node === node && n.flags.includes('DRAIN')), 'the node drained in Slurm');
    expect(drained).toMatchObject({ schedulable: false, reason: 'fleetops test: XID 79', reasonBy: TEST_USER });
    const end = await started.done;
    expect(end.status).toBe('rolled-back');
    expect(end.steps[1].error).toMatch(/jobs on .* to finish/);
    expect(end.steps[0].status).toBe('undone');
    await until((o) => o.nodes.find((n) => n.node === node && n.schedulable && !n.flags.includes('DRAIN')), 'the node resumed by the rollback');
    const kinds = (await dispatch('events.list', { limit: 200 })) as { ok: true; result: Array<{ kind: string; subject: string | null; message: string }> };
    expect(kinds.result.some((e) => e.kind === 'slurm.node.state' && e.subject === node && /DRAIN/.test(e.message))).toBe(true);
  }, 60_000);

  it('a refused token and slurmrestd down are the scheduler being unreachable, with the reason; the rest keeps working', async () => {
    token = 'not-a-jwt';
    const refused = await until((o) => o.schedulers.find((s) => s.state === 'unreachable'), 'the token refused');
    expect(refused.code).toBe('UNAUTHORIZED');
    expect(refused.reason).toMatch(/token/i);
    token = slurm.token;
    await until((o) => o.schedulers.find((s) => s.state === 'ok'), 'Slurm read again');
    await slurm.stopRestd();
    const down = await until((o) => o.schedulers.find((s) => s.state === 'unreachable'), 'slurmrestd down');
    expect(down.code).toBe('HOST_UNREACHABLE');
    // The job's checkpoints are still listed; the nodes' own verdicts still come.
    expect((await overview()).jobs.find((j) => j.name === 'pretrain')?.checkpoint?.level).toBe('ok');
    await slurm.startRestd();
    await until((o) => o.schedulers.find((s) => s.state === 'ok'), 'Slurm back');
  }, 60_000);

  it('fleetops check --json reads the scheduler and the job\'s checkpoint; a stale checkpoint exits 1 (degraded)', async () => {
    const check = async () => {
      let out = '';
      const code = await main(['check', '--inventory', join(dir, 'fleet.yaml'), '--json'], { out: (t) => void (out += `${t}\n`), err: () => undefined });
      return { code, report: JSON.parse(out) as CheckReport };
    };
    process.env.FLEETOPS_SECRET_SLURM_TOKEN = slurm.token;
    try {
      const fresh = await check();
      expect(fresh.report.schedulers).toEqual([expect.objectContaining({ name: 'train', health: 'healthy', apiVersion: 'v0.0.38', nodes: 3 })]);
      expect(fresh.report.jobs).toEqual([expect.objectContaining({ name: 'pretrain', id: jobId, state: 'RUNNING', health: 'healthy', checkpoint: expect.objectContaining({ level: 'ok', newestComplete: 'step-100', policySeconds: 1800 }) })]);
      expect(fresh.code).toBe(0);
      // Two hours old against a 30-minute policy: critical, which the exit status counts as degraded.
      const old = new Date(Date.now() - 2 * 3_600_000);
      const step = join(dir, 'ckpt', 'step-100');
      for (const f of ['__0_0.distcp', '__1_0.distcp', '.metadata', '']) utimesSync(join(step, f), old, old);
      const stale = await check();
      expect(stale.report.jobs[0]).toMatchObject({ health: 'degraded', checkpoint: { level: 'critical' } });
      expect(stale.report.jobs[0].reasons[0]).toMatch(/newest complete checkpoint step-100 is 2 h/);
      expect(stale.code).toBe(1);
    } finally {
      delete process.env.FLEETOPS_SECRET_SLURM_TOKEN;
    }
  }, 60_000);
});
