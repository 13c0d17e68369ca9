import type { PlannedAction } from './runbook';

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
    case 'confirm':
      return `operator types "${a.expect}"`;
    case 'note':
      return a.text;
  }
}
