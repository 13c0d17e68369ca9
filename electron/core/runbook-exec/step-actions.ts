import { describeAction } from '../../../shared/runbook-text';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve as resolvePath } from 'node:path';
import { FleetError } from '../../../shared/errors';
import type { Health } from '../../../shared/health';
import type { ResolvedNode } from '../../../shared/inventory';
import type { LabFaultTarget, PlannedAction } from '../../../shared/runbook';
import { sshTargetFor } from '../fleet/probe-node';
import type { HaproxyRuntime } from '../haproxy/runtime-client';
import type { LbServerView } from '../haproxy/server-view';
import type { SshPool } from '../ssh/pool';
import { abortedError, pollUntil, raceAbort } from './abortable';
import { checkpointCommand, judgeCheckpoint } from './checkpoint';
import { runSlurmStep, type SlurmActions } from './slurm-step-actions';

/** Which run and step an action belongs to: the change gate checks and records each step by it. */
export interface StepContext {
  runId: string;
  stepIndex: number;
  /** The step itself, or its undo (a rollback). */
  phase: 'do' | 'undo';
  /** Whether it changes something (the plan's word for the step; every undo does). */
  mutating: boolean;
}

/**
 * The fault switches of one running fleetops lab (lab.fault / lab.clear, the drills' lab faults):
 * in process for `serve --lab`, or another adapter over the lab's control API.
 */
export interface LabFaultPort {
  /** The lab's directory: an action planned against another lab is refused. */
  readonly dir: string;
  inject(fault: LabFaultTarget): Promise<void>;
  clear(fault: LabFaultTarget): Promise<void>;
}

/** Runs one rendered action. Rejects when the action failed; rejects with an aborted error when `signal` fired. */
export interface StepActions {
  run(action: PlannedAction, signal: AbortSignal, ctx?: StepContext): Promise<{ output: string }>;
}

export interface StepActionDeps {
  /** The runtime API of a load balancer named in the inventory. */
  runtimeFor(loadBalancer: string): HaproxyRuntime;
  /** For ssh.run and verify.checkpoint; without it those steps fail (BAD_REQUEST). */
  ssh?: { pool: Pick<SshPool, 'exec'>; nodeFor(name: string): ResolvedNode };
  /**
   * Asks for a fresh verdict while wait.healthy waits (a runbook that just started a replica
   * should not wait out the usual probe cadence); may do nothing.
   */
  refreshHealth?(kind: 'node' | 'replica', name: string): Promise<void>;
  /** Current verdict of a node or replica; undefined while it has none yet. Without it wait.healthy fails. */
  healthOf?(kind: 'node' | 'replica', name: string): Health | undefined;
  now?: () => number;
  /** Between polls of lb.wait / wait.healthy. Default 250 ms. */
  pollIntervalMs?: number;
  /** Per request of verify.traffic. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** For lab.fault and lab.clear; without it (not a lab) those steps fail (BAD_REQUEST). */
  lab?: LabFaultPort;
  /** For slurm.* steps; without it (no training feature) those steps fail (BAD_REQUEST). */
  slurm?: SlurmActions;
}

/** The real actions, on the HAProxy runtime API, the SSH pool and the health verdicts. */
export function createStepActions(deps: StepActionDeps): StepActions {
  const now = deps.now ?? Date.now;
  const intervalMs = deps.pollIntervalMs ?? 250;
  return {
    async run(action, signal) {
      if (signal.aborted) throw abortedError(describeAction(action));
      switch (action.type) {
        case 'lb.set-state':
          await raceAbort(deps.runtimeFor(action.loadBalancer).setServerState(action.backend, action.server, action.state), signal, action.command);
          return { output: `${action.command}: done` };
        case 'lb.set-weight':
          await raceAbort(deps.runtimeFor(action.loadBalancer).setWeight(action.backend, action.server, action.weight), signal, action.command);
          return { output: `${action.command}: done` };
        case 'lb.wait': {
          const runtime = deps.runtimeFor(action.loadBalancer);
          const name = `${action.backend}/${action.server}`;
          const view = await pollUntil(
            async () => {
              const v = (await runtime.servers()).find((s) => s.backend === action.backend && s.server === action.server);
              if (!v) throw new FleetError('NOT_FOUND', `${action.loadBalancer} has no server ${name}`, { subject: name });
              return { done: reached(v, action.until) ? v : undefined, observed: v };
            },
            (v) => (v ? `status ${v.status}, ${v.sessions} sessions` : 'nothing'),
            { timeoutMs: action.timeoutSeconds * 1000, intervalMs, signal, what: `${name} to reach ${action.until}`, now },
          );
          return { output: `${name}: ${view.status}, ${view.sessions} sessions` };
        }
        case 'ssh.run': {
          const ssh = needSsh(deps, action.node);
          const r = await raceAbort(ssh.pool.exec(sshTargetFor(ssh.nodeFor(action.node)), action.commandLine, { timeoutMs: action.timeoutSeconds * 1000 }), signal, action.commandName);
          const output = `${r.stdout}${r.stderr === '' ? '' : `\n[stderr]\n${r.stderr}`}`;
          if (r.code !== 0) {
            throw new FleetError('COMMAND_FAILED', `${action.commandName} on ${action.node} exited ${r.code ?? `on ${r.signal}`}: ${r.stderr.trim() || r.stdout.trim()}`, {
              subject: action.node,
              detail: { output, code: r.code, signal: r.signal },
            });
          }
          return { output };
        }
        case 'wait.healthy': {
          const healthOf = deps.healthOf;
          if (!healthOf) throw new FleetError('BAD_REQUEST', `cannot wait for ${action.subject} to be healthy: no health verdicts given to the runbook engine`);
          const health = await pollUntil(
            async () => {
              // A refresh that fails only means no fresh verdict this time: the verdict decides.
              await deps.refreshHealth?.(action.subjectKind, action.subject).catch(() => undefined);
              const h = healthOf(action.subjectKind, action.subject);
              return { done: h === 'healthy' ? h : undefined, observed: h };
            },
            (h) => h ?? 'no verdict yet',
            { timeoutMs: action.timeoutSeconds * 1000, intervalMs, signal, what: `${action.subject} to be healthy`, now },
          );
          return { output: `${action.subject}: ${health}` };
        }
        case 'verify.traffic':
          return verifyTraffic(action, signal, deps.requestTimeoutMs ?? 5000);
        case 'verify.checkpoint': {
          const ssh = needSsh(deps, action.node);
          const r = await raceAbort(ssh.pool.exec(sshTargetFor(ssh.nodeFor(action.node)), checkpointCommand(action.directory), { timeoutMs: 30_000 }), signal, 'checkpoint check');
          if (r.code !== 0) throw new FleetError('COMMAND_FAILED', `checkpoint check on ${action.node} failed: ${r.stderr.trim() || r.stdout.trim()}`, { subject: action.node });
          return { output: judgeCheckpoint(r.stdout, action.maxAgeSeconds, action.directory) };
        }
        case 'slurm.drain':
        case 'slurm.resume':
        case 'slurm.requeue':
        case 'slurm.wait-jobs':
          return runSlurmStep(deps.slurm, action, signal, { now, intervalMs });
        case 'confirm':
          // The typed confirmation is checked before the run starts (RunbookEngine.start).
          return { output: 'confirmed before the run' };
        case 'note':
          return { output: action.text };
        case 'lab.fault':
        case 'lab.clear': {
          const lab = needLab(deps, action.lab);
          const what = describeAction(action);
          await raceAbort(action.type === 'lab.fault' ? lab.inject(action.fault) : lab.clear(action.fault), signal, what);
          return { output: `${what}: done` };
        }
        case 'drill.hold':
          // Changes nothing: keeps the drill's fault run open until the drill restores (aborts
          // it), so the engine's rollback undoes the inject steps before it, journaled.
          await waitForAbort(signal);
          throw abortedError(describeAction(action));
      }
    },
  };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function needSsh(deps: StepActionDeps, node: string): NonNullable<StepActionDeps['ssh']> {
  if (!deps.ssh) throw new FleetError('BAD_REQUEST', `cannot reach ${node}: no SSH pool given to the runbook engine`, { subject: node });
  return deps.ssh;
}

/** The lab the action was planned against, and no other: a lab fault must never land elsewhere. */
function needLab(deps: StepActionDeps, dir: string): LabFaultPort {
  if (!deps.lab) throw new FleetError('BAD_REQUEST', `lab faults go to a running fleetops lab only, and this console runs none (the step was planned against the lab in ${dir})`, { subject: dir });
  if (resolvePath(deps.lab.dir) !== resolvePath(dir)) {
    throw new FleetError('BAD_REQUEST', `the step was planned against the lab in ${dir}, but this console's lab is ${deps.lab.dir}: plan it again`, { subject: dir });
  }
  return deps.lab;
}

function reached(v: LbServerView, until: 'sessions-zero' | 'up' | 'down' | 'maint'): boolean {
  switch (until) {
    case 'sessions-zero':
      return v.sessions === 0;
    case 'up':
      return v.state.word === 'UP' && v.state.transition === null;
    case 'down':
      return v.state.word === 'DOWN' && v.state.transition === null;
    case 'maint':
      return v.state.word === 'MAINT';
  }
}


type TrafficAction = Extract<PlannedAction, { type: 'verify.traffic' }>;

/** N sequential GETs, each on a fresh connection, so the balancer picks a server for every one. */
async function verifyTraffic(action: TrafficAction, signal: AbortSignal, timeoutMs: number): Promise<{ output: string }> {
  let ok = 0;
  const failures = new Map<string, number>();
  for (let i = 0; i < action.requests; i++) {
    if (signal.aborted) throw abortedError('verify traffic');
    const outcome = await getOnce(action.url, signal, timeoutMs);
    if (outcome === 'ok') ok++;
    else failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
  }
  const pct = action.requests === 0 ? 100 : (ok / action.requests) * 100;
  const detail = [...failures].map(([why, n]) => `${n} × ${why}`).join(', ');
  const summary = `${ok}/${action.requests} requests succeeded (${pct.toFixed(1)} %, need ${action.minSuccessPct} %)${detail ? `; failures: ${detail}` : ''}`;
  if (pct < action.minSuccessPct) throw new FleetError('COMMAND_FAILED', `traffic check through ${action.url} failed: ${summary}`, { subject: action.url });
  return { output: summary };
}

function getOnce(url: string, signal: AbortSignal, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : request;
    const req = send(url, { method: 'GET', agent: false, headers: { connection: 'close' }, signal, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : `HTTP ${res.statusCode}`));
      res.on('error', (err) => resolve(err.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => (signal.aborted ? reject(abortedError('verify traffic')) : resolve(err.message)));
    req.end();
  });
}

export { describeAction };
