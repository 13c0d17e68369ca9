import { FleetError } from '../../../shared/errors';
import type { PlannedAction, PlannedStep } from '../../../shared/runbook';
import { describeAction } from '../../../shared/runbook-text';
import { paramPatterns, renderNumber, renderTemplate, serversInRegion, type PlanContext, type Placement, type SlurmRoute } from './plan-context';
import { IRREVERSIBLE_STEP_TYPES, MUTATING_STEP_TYPES, PREVIOUS_WEIGHT, stepTypeOf, type RunbookStep, type UndoStep } from './runbook-schema';
import { renderCommand } from './shell-quote';

type Bound = Record<string, string>;

/**
 * Expands the runbook's steps into planned steps: a `forEach` step becomes one step per server,
 * and an LB step on a server listed in several backends becomes one step per backend (each
 * PlannedAction addresses exactly one backend/server, as HAProxy's runtime API does).
 */
export function renderSteps(ctx: PlanContext): PlannedStep[] {
  const out: PlannedStep[] = [];
  // Each server's weight as the plan goes: HAProxy's now, then what each planned step sets.
  const weights = new Map<string, number | null>();
  const weightKey = (a: { loadBalancer: string; backend: string; server: string }) => `${a.loadBalancer}\u0000${a.backend}\u0000${a.server}`;
  const weightBefore = (a: { loadBalancer: string; backend: string; server: string }) => {
    const key = weightKey(a);
    return weights.has(key) ? weights.get(key)! : ctx.weightNow(a.loadBalancer, a.backend, a.server);
  };
  for (const step of ctx.runbook.steps) {
    // A step whose condition is false is left out: the plan shows only what will be done.
    if (step.when && ctx.params[step.when.param] !== step.when.equals) continue;
    const bindings: Bound[] = step.forEach
      ? serversInRegion(ctx, renderTemplate(ctx, step.forEach.serverInRegion, {})).map((server) => ({ server }))
      : [{}];
    for (const bound of bindings) {
      for (const action of renderAction(ctx, step, bound, undefined)) {
        const before = action.type === 'lb.set-weight' ? weightBefore(action) : null;
        const undo = step.undo ? renderUndo(ctx, step.undo, bound, action, out.length, before) : null;
        if (action.type === 'lb.set-weight') weights.set(weightKey(action), action.weight);
        const mutating = (MUTATING_STEP_TYPES as readonly string[]).includes(action.type);
        const irreversible = (IRREVERSIBLE_STEP_TYPES as readonly string[]).includes(action.type);
        out.push({ index: out.length, title: titleOf(step, action, bound), action, undo, mutating, targets: targetsOf(action), ...(irreversible ? { irreversible } : {}) });
      }
    }
  }
  return out;
}

/**
 * The undo runs on the same backend as its step when it names the same server. `weight: previous`
 * becomes the number the server had before the step (`before`), so the plan shows exactly what
 * the undo will send.
 */
function renderUndo(ctx: PlanContext, undo: UndoStep, bound: Bound, of: PlannedAction, index: number, before: number | null): PlannedAction {
  const prefer = 'backend' in of ? { lb: of.loadBalancer, backend: of.backend } : undefined;
  const weighted = undo['lb.set-weight'];
  if (weighted?.weight !== PREVIOUS_WEIGHT) return renderAction(ctx, undo as RunbookStep, bound, prefer)[0];
  // The loader made sure its step is an lb.set-weight on the same server (check-runbook.ts).
  const action = renderAction(ctx, { 'lb.set-weight': { server: weighted.server, weight: 0 } } as RunbookStep, bound, prefer)[0];
  if (action.type !== 'lb.set-weight') throw new Error('unreachable: an lb.set-weight undo renders as lb.set-weight');
  if (before === null) {
    throw new FleetError('BAD_REQUEST', `step ${index + 1} would restore ${action.backend}/${action.server}'s weight on rollback, but ${action.loadBalancer} did not say what it is now (is the load balancer reachable?); plan again once it answers`, {
      subject: action.server,
    });
  }
  return { ...action, weight: before, command: `set weight ${action.backend}/${action.server} ${before}` };
}

function renderAction(ctx: PlanContext, step: RunbookStep, bound: Bound, prefer: { lb: string; backend: string } | undefined): PlannedAction[] {
  const type = stepTypeOf(step);
  const s = step as RunbookStep;
  const t = (tpl: string) => renderTemplate(ctx, tpl, bound);
  switch (type) {
    case 'lb.set-state': {
      const b = s['lb.set-state']!;
      return placementsFor(ctx, t(b.server), prefer).map((p) => ({
        type,
        loadBalancer: p.lb.name,
        backend: p.backend,
        server: p.server,
        state: b.state,
        command: `set server ${p.backend}/${p.server} state ${b.state}`,
      }));
    }
    case 'lb.set-weight': {
      const b = s['lb.set-weight']!;
      const weight = renderNumber(ctx, b.weight, 'weight', 0, 256, true);
      return placementsFor(ctx, t(b.server), prefer).map((p) => ({
        type,
        loadBalancer: p.lb.name,
        backend: p.backend,
        server: p.server,
        weight,
        command: `set weight ${p.backend}/${p.server} ${weight}`,
      }));
    }
    case 'lb.wait': {
      const b = s['lb.wait']!;
      const timeoutSeconds = renderNumber(ctx, b.timeoutSeconds, 'timeoutSeconds', 1, 86_400);
      return placementsFor(ctx, t(b.server), prefer).map((p) => ({ type, loadBalancer: p.lb.name, backend: p.backend, server: p.server, until: b.until, timeoutSeconds }));
    }
    case 'ssh.run': {
      const b = s['ssh.run']!;
      const node = existingNode(ctx, t(b.node));
      const values = { ...ctx.params, ...bound, target: ctx.target };
      const commandLine = renderCommand(ctx.runbook.commands![b.command], values, paramPatterns(ctx.runbook));
      return [{ type, node, commandName: b.command, commandLine, timeoutSeconds: renderNumber(ctx, b.timeoutSeconds, 'timeoutSeconds', 1, 86_400) }];
    }
    case 'wait.healthy': {
      const b = s['wait.healthy']!;
      const subject = t(b.subject);
      if (b.kind === 'node') existingNode(ctx, subject);
      else if (!ctx.replica(subject)) throw new FleetError('NOT_FOUND', `wait.healthy: "${subject}" is not a replica`, { subject });
      return [{ type, subject, subjectKind: b.kind, timeoutSeconds: renderNumber(ctx, b.timeoutSeconds, 'timeoutSeconds', 1, 86_400) }];
    }
    case 'verify.traffic': {
      const b = s['verify.traffic']!;
      const requests = renderNumber(ctx, b.requests, 'requests', 1, 100_000, true);
      const minSuccessPct = renderNumber(ctx, b.minSuccessPct, 'minSuccessPct', 0, 100);
      const urls = b.url !== undefined ? [t(b.url)] : frontendsOfTarget(ctx);
      return urls.map((url) => ({ type, url, requests, minSuccessPct }));
    }
    case 'verify.checkpoint': {
      const b = s['verify.checkpoint']!;
      return [{ type, node: existingNode(ctx, t(b.node)), directory: t(b.directory), maxAgeSeconds: renderNumber(ctx, b.maxAgeSeconds, 'maxAgeSeconds', 1, 10_000_000) }];
    }
    case 'slurm.drain': {
      const b = s['slurm.drain']!;
      const { route, node, slurmName } = slurmOf(ctx, t(b.node));
      const reason = t(b.reason).replace(/\s+/g, ' ').trim();
      if (reason === '') throw new FleetError('BAD_REQUEST', `slurm.drain on ${node}: a drain needs a reason (Slurm keeps it, and the next operator reads it)`, { subject: node });
      return [{ type, cluster: route.cluster, node, slurmName, reason, controlVia: route.controlVia, ...route.render({ kind: 'drain', slurmName, reason }) }];
    }
    case 'slurm.resume': {
      const { route, node, slurmName } = slurmOf(ctx, t(s['slurm.resume']!.node));
      return [{ type, cluster: route.cluster, node, slurmName, controlVia: route.controlVia, ...route.render({ kind: 'resume', slurmName }) }];
    }
    case 'slurm.requeue': {
      const b = s['slurm.requeue']!;
      const { route, node, slurmName } = slurmOf(ctx, t(b.node));
      const jobs = route.jobsOn(slurmName);
      return [{ type, cluster: route.cluster, node, slurmName, jobs, controlVia: route.controlVia, timeoutSeconds: renderNumber(ctx, b.timeoutSeconds, 'timeoutSeconds', 1, 86_400), ...route.render({ kind: 'requeue', jobs }) }];
    }
    case 'slurm.wait-jobs': {
      const b = s['slurm.wait-jobs']!;
      const { route, node, slurmName } = slurmOf(ctx, t(b.node));
      return [{ type, cluster: route.cluster, node, slurmName, timeoutSeconds: renderNumber(ctx, b.timeoutSeconds, 'timeoutSeconds', 1, 86_400) }];
    }
    case 'confirm':
      return [{ type, expect: ctx.target }];
    case 'note':
      return [{ type, text: t(s.note!.text) }];
  }
}

/** The node's cluster's Slurm: a Slurm step on a node whose cluster has none (or was never read) cannot be planned. */
function slurmOf(ctx: PlanContext, name: string): { route: SlurmRoute; node: string; slurmName: string } {
  const node = existingNode(ctx, name);
  const cluster = ctx.node(node)!.cluster;
  const route = ctx.slurm(cluster);
  if (!route) throw new FleetError('BAD_REQUEST', `node ${node}'s cluster ${cluster} has no Slurm the console has read (inventory scheduler:, and slurmrestd answering): a Slurm step cannot be planned`, { subject: node });
  return { route, node, slurmName: route.slurmName(node) };
}

function placementsFor(ctx: PlanContext, server: string, prefer: { lb: string; backend: string } | undefined): Placement[] {
  const all = ctx.placements(server);
  if (all.length === 0) throw new FleetError('BAD_REQUEST', `"${server}" is not a server of any load balancer backend in the inventory`, { subject: server });
  if (!prefer) return all;
  const same = all.find((p) => p.lb.name === prefer.lb && p.backend === prefer.backend);
  return [same ?? all[0]];
}

function existingNode(ctx: PlanContext, name: string): string {
  if (!ctx.node(name)) throw new FleetError('NOT_FOUND', `"${name}" is not a node in the inventory`, { subject: name });
  return name;
}

/**
 * What verify.traffic requests by default: the health path of the target's replicas, through the
 * frontend of each load balancer that carries them. A request the backend answers (not the
 * frontend's root, which most inference servers 404) proves the frontend still routes to a live
 * server; the health path needs no API key and costs no tokens.
 */
function frontendsOfTarget(ctx: PlanContext): string[] {
  const servers = ctx.runbook.target === 'replica' ? [ctx.target] : serversInRegion(ctx, ctx.target);
  const urls: string[] = [];
  for (const s of servers) {
    const path = ctx.replica(s)?.health.path ?? '/';
    for (const p of ctx.placements(s)) {
      const url = `${p.lb.frontendUrl.replace(/\/+$/, '')}${path}`;
      if (!urls.includes(url)) urls.push(url);
    }
  }
  if (urls.length === 0) throw new FleetError('BAD_REQUEST', `verify.traffic: ${ctx.target} is behind no load balancer, so there is no frontend to send requests through`, { subject: ctx.target });
  return urls;
}

function targetsOf(a: PlannedAction): string[] {
  switch (a.type) {
    case 'lb.set-state':
    case 'lb.set-weight':
    case 'lb.wait':
      return [a.server];
    case 'ssh.run':
    case 'verify.checkpoint':
    case 'slurm.drain':
    case 'slurm.resume':
    case 'slurm.requeue':
    case 'slurm.wait-jobs':
      return [a.node];
    case 'wait.healthy':
      return [a.subject];
    default:
      return [];
  }
}

/** The runbook's title, or words made from the action; a forEach step says which server it is for. */
function titleOf(step: RunbookStep, a: PlannedAction, bound: Bound): string {
  const forServer = bound.server !== undefined && step.title ? ` (${bound.server})` : '';
  if (step.title) return step.title + forServer;
  switch (a.type) {
    case 'lb.set-state':
      return `Set ${a.backend}/${a.server} to ${a.state} on ${a.loadBalancer}`;
    case 'lb.set-weight':
      return `Set the weight of ${a.backend}/${a.server} to ${a.weight} on ${a.loadBalancer}`;
    case 'lb.wait':
      return `Wait until ${a.backend}/${a.server} on ${a.loadBalancer} is ${a.until === 'sessions-zero' ? 'without sessions' : a.until}`;
    case 'ssh.run':
      return `Run ${a.commandName} on ${a.node}`;
    case 'wait.healthy':
      return `Wait until ${a.subjectKind} ${a.subject} is healthy`;
    case 'verify.traffic':
      return `Verify traffic through ${a.url}`;
    case 'verify.checkpoint':
      return `Verify a fresh checkpoint in ${a.directory} on ${a.node}`;
    case 'slurm.drain':
      return `Drain ${a.node} in Slurm (reason: ${a.reason})`;
    case 'slurm.resume':
      return `Resume ${a.node} in Slurm`;
    case 'slurm.requeue':
      return `Requeue the jobs on ${a.node} (irreversible)`;
    case 'slurm.wait-jobs':
      return `Wait until the jobs on ${a.node} have finished`;
    case 'confirm':
      return `Confirm: type ${a.expect}`;
    case 'note':
      return 'Note';
    case 'lab.fault':
    case 'lab.clear':
    case 'drill.hold':
      // Runbook files have no lab or drill steps (drills render their own titles); kept for completeness.
      return describeAction(a);
  }
}
