import type { LabFaultTarget, PlannedAction } from './runbook';

/**
 * One action as it is sent — the runtime API command with its load balancer, the SSH command line
 * with its node — in the same words in the CLI's `--dry-run`, the console's preview and the run's
 * messages, so an operator who reviewed one recognises the others.
 */
export function describeAction(a: PlannedAction): string {
  switch (a.type) {
    case 'lb.set-state':
    case 'lb.set-weight':
      return `haproxy ${a.loadBalancer}: ${a.command}`;
    case 'lb.wait':
      return `wait until ${a.backend}/${a.server} on ${a.loadBalancer} is ${a.until} (timeout ${a.timeoutSeconds}s)`;
    case 'ssh.run':
      return `ssh ${a.node}: ${a.commandLine}  (${a.commandName}, timeout ${a.timeoutSeconds}s)`;
    case 'wait.healthy':
      return `wait until ${a.subjectKind} ${a.subject} is healthy (timeout ${a.timeoutSeconds}s)`;
    case 'verify.traffic':
      return `send ${a.requests} requests through ${a.url}, need ≥ ${a.minSuccessPct}% success`;
    case 'verify.checkpoint':
      return `check ${a.node}:${a.directory} has a checkpoint younger than ${a.maxAgeSeconds}s`;
    case 'slurm.drain':
    case 'slurm.resume':
      return `slurm ${a.cluster} (${a.via === 'rest' ? 'REST' : `scontrol on ${a.controlVia}`}): ${a.request}`;
    case 'slurm.requeue':
      return `slurm ${a.cluster} (${a.via === 'rest' ? 'REST' : `scontrol on ${a.controlVia}`}): requeue the jobs running on ${a.node}${a.jobs.length ? ` (now ${a.jobs.join(', ')})` : ' (none now)'}: ${a.request}; wait until they left it (timeout ${a.timeoutSeconds}s) — irreversible`;
    case 'slurm.wait-jobs':
      return `wait until no job runs on ${a.node} in Slurm (timeout ${a.timeoutSeconds}s)`;
    case 'confirm':
      return `operator types "${a.expect}"`;
    case 'note':
      return a.text;
    case 'lab.fault':
      return `lab: inject ${describeLabFault(a.fault)}`;
    case 'lab.clear':
      return `lab: clear ${a.fault.kind} from ${a.fault.on} ${a.fault.on === 'node' ? a.fault.node : a.fault.replica}`;
    case 'drill.hold':
      return `hold the fault while drill ${a.drill} (run ${a.drillRunId}) observes; released by the drill's restore`;
  }
}

/** "gpu-lost into node usw2-inf-01, GPU 0", "rate-limit into replica r-a1 (Retry-After 30 s)". */
function describeLabFault(f: LabFaultTarget): string {
  if (f.on === 'node') return `${f.kind} into node ${f.node}${f.gpuIndex === undefined ? '' : `, GPU ${f.gpuIndex}`}`;
  const options = [f.retryAfterSeconds === undefined ? null : `Retry-After ${f.retryAfterSeconds} s`, f.slowMs === undefined ? null : `${f.slowMs} ms per answer`].filter((o) => o !== null);
  return `${f.kind} into replica ${f.replica}${options.length ? ` (${options.join(', ')})` : ''}`;
}
