import { describeAction } from '../../../shared/runbook-text';
import type { RunbookPlan } from '../../../shared/runbook';

/**
 * The `--dry-run` text: what would be sent, step by step, with each undo, then what the run locks
 * and whether it may run. Commands are printed exactly as sent, so the operator reviews the real thing.
 */
export function formatPlan(plan: RunbookPlan): string {
  const lines: string[] = [];
  const params = Object.entries(plan.params).map(([k, v]) => `${k}=${v}`);
  lines.push(`Runbook ${plan.runbook} on ${plan.target}${params.length ? ` (${params.join(', ')})` : ''}`);
  lines.push(`On failure: ${plan.onFailure === 'rollback' ? 'undo the steps done so far, newest first' : 'stop where it failed'}`);
  lines.push('');
  lines.push('Steps:');
  const width = String(plan.steps.length).length;
  for (const step of plan.steps) {
    const n = String(step.index + 1).padStart(width);
    lines.push(`${n}. ${step.title}${step.mutating ? '' : '  [changes nothing]'}${step.irreversible ? '  [IRREVERSIBLE: nothing undoes it]' : ''}`);
    const pad = ' '.repeat(width + 2);
    lines.push(`${pad}do:   ${describeAction(step.action)}`);
    if (step.undo) lines.push(`${pad}undo: ${describeAction(step.undo)}`);
  }
  lines.push('');
  lines.push(`Locks: ${plan.locks.join(', ')}`);
  lines.push('Preconditions:');
  for (const p of plan.preconditions) lines.push(`  [${p.ok ? 'ok' : 'FAILED'}] ${p.text}`);
  lines.push('');
  const why = plan.steps.some((s) => s.irreversible) ? 'an irreversible step' : 'protected cluster';
  lines.push(plan.confirmation === null ? 'Confirmation: --yes is enough' : `Confirmation: ${why}; type "${plan.confirmation}" to run`);
  const blocked = plan.preconditions.filter((p) => !p.ok);
  lines.push(blocked.length === 0 ? 'Dry run: nothing was sent.' : `Dry run: nothing was sent. This plan cannot run: ${blocked.length} precondition(s) failed.`);
  return lines.join('\n') + '\n';
}

export { describeAction };
