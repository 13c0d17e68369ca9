/**
 * Each training cluster's Slurm as the training feature, the planner and the runbook steps use
 * it: one slurmrestd client per cluster (its token read from the secret store at each request,
 * so a rotated token is picked up), the reads as SchedulerRead, the plan's route (REST where the
 * server has the endpoint, scontrol on `controlVia` otherwise: the last detected API decides) and
 * the steps' changes, sent exactly as the plan rendered them.
 */
import { FleetError, toErrorData } from '../../../shared/errors';
import type { ResolvedNode } from '../../../shared/inventory';
import type { SlurmApi } from '../../../shared/slurm';
import { ACTIVE_JOB_STATES } from '../../../shared/work-at-risk';
import { sshTargetFor } from '../fleet/probe-node';
import type { SlurmRoute } from '../runbooks/plan-context';
import type { SlurmActions } from '../runbook-exec/slurm-step-actions';
import { executeSlurmChange, renderSlurmChange, SlurmRestClient, type ScontrolOptions } from '../slurm';
import type { SshPool } from '../ssh/pool';
import type { SchedulerRead } from './join-training';
import type { TrainingCluster } from './training-inventory';

export interface SlurmConnectorDeps {
  secret: (ref: string) => Promise<string | undefined>;
  pool: Pick<SshPool, 'exec'>;
  nodeFor: (name: string) => ResolvedNode | undefined;
  clusters: () => readonly TrainingCluster[];
  now: () => number;
  /** Per slurmrestd request. Default 10 s. */
  timeoutMs?: number;
}

const SCONTROL_TIMEOUT_MS = 30_000;

export class SlurmConnector {
  private readonly clients = new Map<string, { key: string; client: SlurmRestClient }>();
  private readonly apis = new Map<string, SlurmApi>();
  private readonly lastJobs = new Map<string, ReadonlyArray<{ id: string; state: string; nodes: readonly string[] }>>();

  constructor(private readonly deps: SlurmConnectorDeps) {}

  /** One poll of the cluster's slurmrestd; a server that will not answer is `unreachable` with the reason. */
  async read(c: TrainingCluster): Promise<SchedulerRead> {
    try {
      const snap = await this.client(c).snapshot();
      this.apis.set(c.cluster, snap.api);
      this.lastJobs.set(c.cluster, snap.jobs);
      return { state: 'ok', at: snap.polledAt, apiVersion: snap.api.version, nodes: snap.nodes, jobs: snap.jobs, partitions: snap.partitions };
    } catch (err) {
      const e = toErrorData(err);
      return { state: 'unreachable', at: this.deps.now(), code: e.code, reason: e.message, apiVersion: this.apis.get(c.cluster)?.version ?? null };
    }
  }

  /** How a plan reaches the cluster's Slurm; undefined until the console has read it once (the API decides REST or scontrol). */
  route(cluster: string): SlurmRoute | undefined {
    const c = this.deps.clusters().find((x) => x.cluster === cluster);
    const api = this.apis.get(cluster);
    if (!c || !api) return undefined;
    const opts = scontrolOptions(c);
    return {
      cluster,
      controlVia: c.scheduler.controlVia,
      slurmName: (node) => c.toSlurm.get(node) ?? node,
      jobsOn: (slurmName) => (this.lastJobs.get(cluster) ?? []).filter((j) => ACTIVE_JOB_STATES.has(j.state) && j.nodes.includes(slurmName)).map((j) => j.id),
      render: (change) => {
        if (change.kind === 'requeue') {
          const texts = change.jobs.map((jobId) => renderSlurmChange({ kind: 'requeue', jobId }, api, opts).text);
          return { via: 'scontrol', request: texts.length ? texts.join('\n') : 'no job runs there now: the jobs running when the step runs are requeued the same way' };
        }
        const node = change.slurmName;
        const r = renderSlurmChange(change.kind === 'drain' ? { kind: 'drain', node, reason: change.reason } : { kind: 'resume', node }, api, opts);
        return { via: r.via, request: r.text };
      },
    };
  }

  /** The runbook steps' side: changes sent as planned, and the cluster's jobs read fresh. */
  actions(): SlurmActions {
    return {
      apply: async (action, jobs) => {
        const c = this.cluster(action.cluster);
        const api = this.apis.get(c.cluster) ?? (await this.client(c).currentApi());
        const opts = scontrolOptions(c);
        const runner = {
          rest: this.client(c),
          shell: (command: string) => this.shell(c, command),
          shellWhere: c.scheduler.controlVia,
        };
        if (action.type === 'slurm.requeue') {
          const out: string[] = [];
          for (const jobId of jobs ?? action.jobs) out.push((await executeSlurmChange(renderSlurmChange({ kind: 'requeue', jobId }, api, opts), runner)).output);
          return out.join('\n');
        }
        const change = action.type === 'slurm.drain' ? { kind: 'drain' as const, node: action.slurmName, reason: action.reason } : { kind: 'resume' as const, node: action.slurmName };
        const rendered = renderSlurmChange(change, api, opts);
        // What was reviewed is what is sent: a server upgraded since (REST now, or no longer) needs a new plan.
        if (rendered.text !== action.request) {
          throw new FleetError('BAD_REQUEST', `Slurm of ${c.cluster} would now be sent "${rendered.text}", not the planned "${action.request}" (its API changed since the plan): plan again`, { subject: action.node });
        }
        return (await executeSlurmChange(rendered, runner)).output;
      },
      jobs: async (cluster) => {
        const c = this.cluster(cluster);
        const jobs = (await this.client(c).jobs()).items;
        this.lastJobs.set(cluster, jobs);
        return jobs;
      },
    };
  }

  private cluster(name: string): TrainingCluster {
    const c = this.deps.clusters().find((x) => x.cluster === name);
    if (!c) throw new FleetError('NOT_FOUND', `cluster ${name} has no scheduler in the inventory (any more)`, { subject: name });
    return c;
  }

  private client(c: TrainingCluster): SlurmRestClient {
    const { url, user, tokenRef } = c.scheduler.restd;
    const key = `${url}\u0000${user}\u0000${tokenRef}`;
    const have = this.clients.get(c.cluster);
    if (have?.key === key) return have.client;
    const client = new SlurmRestClient({
      url,
      user,
      timeoutMs: this.deps.timeoutMs,
      now: this.deps.now,
      token: async () => {
        const token = await this.deps.secret(tokenRef);
        if (token === undefined) throw new Error(`secret "${tokenRef}" is not set (set it in the console, or FLEETOPS_SECRET_${tokenRef.toUpperCase().replace(/[^A-Z0-9]/g, '_')})`);
        return token;
      },
    });
    this.clients.set(c.cluster, { key, client });
    this.apis.delete(c.cluster);
    return client;
  }

  private async shell(c: TrainingCluster, command: string) {
    const via = c.scheduler.controlVia;
    const node = this.deps.nodeFor(via);
    if (!node) throw new FleetError('NOT_FOUND', `controlVia node ${via} of cluster ${c.cluster} is not in the inventory`, { subject: via });
    return this.deps.pool.exec(sshTargetFor(node), command, { timeoutMs: SCONTROL_TIMEOUT_MS });
  }
}

function scontrolOptions(c: TrainingCluster): ScontrolOptions {
  return { scontrol: c.scheduler.scontrol?.path, env: c.scheduler.scontrol?.env };
}

