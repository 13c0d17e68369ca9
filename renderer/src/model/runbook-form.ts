import type { FleetSnapshot } from '../../../shared/contract';
import type { RunbookSummary } from '../../../shared/runbook';

/** What a runbook can run on, from the snapshot: replica, node or region names, sorted. */
export function targetOptions(snapshot: Pick<FleetSnapshot, 'replicas' | 'topology'>, kind: RunbookSummary['target']): string[] {
  const regions = snapshot.topology?.regions ?? [];
  const names =
    kind === 'replica'
      ? snapshot.replicas.map((r) => r.name)
      : kind === 'node'
        ? regions.flatMap((r) => r.clusters.flatMap((c) => c.nodes))
        : regions.map((r) => r.name);
  return [...new Set(names)].sort();
}

/** The form's starting values: each parameter's default, or empty. */
export function initialParams(runbook: RunbookSummary): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of runbook.params) values[p.name] = p.default ?? '';
  return values;
}

/**
 * Why a value would be refused, or null. Same rule as the engine (`^(?:pattern)$`, unicode): a
 * whole-value match, so "vllm; rm -rf /" is not accepted because it starts like a service name.
 */
export function paramError(pattern: string, value: string): string | null {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return `the runbook's pattern ${pattern} is not a valid regular expression`;
  }
  return re.test(value) ? null : `must match ${pattern}`;
}

/** Why a replica, region or node parameter would be refused, or null: it must be chosen, and not be the target itself (`target`: the target when it is of the same kind, else null). */
export function kindError(kind: 'replica' | 'region' | 'node', value: string, target: string | null): string | null {
  if (value === '') return `choose a ${kind}`;
  return value === target ? `must be another ${kind} than the target` : null;
}

/**
 * The params to send: only the ones that differ from their default, so a plan shows the
 * runbook's own defaults as the engine resolves them. Empty: undefined (the call leaves it out).
 */
export function paramsToSend(runbook: RunbookSummary, values: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const sent: Record<string, string> = {};
  for (const p of runbook.params) {
    const value = values[p.name] ?? '';
    if (value !== (p.default ?? '')) sent[p.name] = value;
  }
  return Object.keys(sent).length === 0 ? undefined : sent;
}

/** The override reason as the contract takes it (3 to 500 characters), or undefined when not given. */
export function overrideToSend(text: string): string | undefined {
  const reason = text.trim();
  return reason === '' ? undefined : reason;
}
