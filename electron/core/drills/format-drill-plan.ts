import type { DrillPlan } from '../../../shared/drill';
import { describeAction } from '../../../shared/runbook-text';

/**
 * A drill's dry run as text: the targets and why, every inject step with its restore exactly as
 * sent, the restore order, the hypothesis, response and expectations, and whether it may run.
 * The same words as a runbook's `--dry-run` (describeAction), so one reads like the other.
 */
export function formatDrillPlan(plan: DrillPlan): string {
  const lines: string[] = [];
  lines.push(`Drill ${plan.drill}: ${plan.description}`);
  lines.push(`Targets: ${plan.selection} (seed ${plan.seed}, ${plan.seedSource})`);
  for (const t of plan.targets) lines.push(`  ${t.kind} ${t.name}${t.cluster ? ` (cluster ${t.cluster}${t.protected ? ', protected' : ''})` : ''}: ${t.why}`);
  lines.push('');
  lines.push('Inject:');
  const width = String(Math.max(plan.inject.length, plan.restore.length)).length;
  const pad = ' '.repeat(width + 2);
  for (const s of plan.inject) {
    lines.push(`${String(s.index + 1).padStart(width)}. ${s.title}`);
    lines.push(`${pad}do:      ${describeAction(s.action)}`);
    if (s.undo) lines.push(`${pad}restore: ${describeAction(s.undo)}`);
  }
  lines.push('Restore (always, newest first):');
  for (const s of plan.restore) lines.push(`${String(s.index + 1).padStart(width)}. ${s.title}: ${describeAction(s.action)}`);
  lines.push('');
  const h = plan.hypothesis;
  lines.push(
    `Hypothesis: through ${h.url} (${h.service} on ${h.loadBalancer}), success >= ${h.minSuccessPct}% and p95 <= ${h.maxP95LatencyMs} ms over ${h.windowSeconds} s, probing ${h.probeRatePerSecond}/s; broken longer than ${h.graceSeconds} s aborts and restores`,
  );
  const r = plan.response;
  lines.push(
    `Response: ${r.kind === 'none' ? "none (the load balancer's own failover)" : r.kind === 'operator' ? 'the operator (game day)' : `runbook ${r.runbook} on ${r.target}${Object.keys(r.params).length ? ` (${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}, ${r.after.kind === 'detection' ? 'once the console detects the fault' : `${r.after.seconds} s after injecting`}`}`,
  );
  const e = plan.expectations;
  const expected = [
    e.detectedWithinSeconds === null ? null : `detected within ${e.detectedWithinSeconds} s`,
    e.mitigatedWithinSeconds === null ? null : `mitigated within ${e.mitigatedWithinSeconds} s`,
    e.restoredWithinSeconds === null ? null : `restored within ${e.restoredWithinSeconds} s`,
    e.maxFailedRequests === null ? null : `at most ${e.maxFailedRequests} failed requests`,
  ].filter((x) => x !== null);
  lines.push(`Expectations: ${expected.join(', ')}`);
  lines.push('');
  lines.push(`Locks: ${plan.locks.join(', ')}`);
  lines.push('Preconditions:');
  for (const p of plan.preconditions) lines.push(`  [${p.ok ? 'ok' : 'FAILED'}] ${p.text}`);
  lines.push('');
  lines.push(plan.confirmation === null ? 'Confirmation: --yes is enough' : `Confirmation: protected cluster; type "${plan.confirmation}" to run it by hand`);
  const blocked = plan.preconditions.filter((p) => !p.ok).length;
  lines.push(blocked === 0 ? 'Dry run: nothing was sent.' : `Dry run: nothing was sent. This drill cannot run: ${blocked} precondition(s) failed.`);
  return `${lines.join('\n')}\n`;
}
