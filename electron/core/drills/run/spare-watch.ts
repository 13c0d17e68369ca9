/**
 * A response that brings up a spare (the built-in replace-replica: start its service, wait until
 * it is healthy, put it in rotation) spends its recovery in two parts the operator wants apart:
 * the spare loading its model (its start → its first healthy answer) and HAProxy taking it in
 * (`rise × inter`, read from HAProxy). This finds the two moments in the response run:
 *
 * - the spare: the replica a `wait.healthy` step waits for that is not one of the drill's targets;
 * - its start: when the last `ssh.run` on the spare's node before that wait started (the step
 *   that starts its service); none → no replacement, nothing measured;
 * - its first healthy answer: the first successful health probe of the spare at or after its
 *   start. The wait probes it every second (awaited-refresh.ts), so the answer is seen within
 *   about a second of the spare being ready; the drill looks at it every tick.
 */
import type { RunbookPlan, RunView } from '../../../../shared/runbook';

export interface SpareInRun {
  spare: string;
  /** The plan index of the step that starts it. */
  startStep: number;
}

/** What the watch needs from the fleet: the run (its steps' start times) and the spare's last probe. */
export interface SpareWatchFleet {
  runbookRun(runId: string): RunView | null;
  /** The replica's node and when its last successful health probe was (null: the last one failed, or none yet). */
  replicaAnswer(replica: string): { node: string | null; lastHealthyAt: number | null } | null;
}

export interface SpareMoment {
  name: 'spare-started' | 'spare-healthy';
  at: number;
  spare: string;
}

/** The spare `plan` brings up, and the step that starts it; null when the response replaces nothing. */
export function spareOf(plan: Pick<RunbookPlan, 'steps'>, targets: readonly string[], nodeOf: (replica: string) => string | null): SpareInRun | null {
  for (const step of plan.steps) {
    const a = step.action;
    if (a.type !== 'wait.healthy' || a.subjectKind !== 'replica' || targets.includes(a.subject)) continue;
    const node = nodeOf(a.subject);
    if (node === null) continue;
    const start = plan.steps.filter((s) => s.index < step.index && s.action.type === 'ssh.run' && s.action.node === node).at(-1);
    if (start) return { spare: a.subject, startStep: start.index };
  }
  return null;
}

/** Follows one response run; `check` returns each moment once, when it is first known. */
export class SpareWatch {
  private found: SpareInRun | null | undefined;
  private startedAt: number | null = null;
  private healthy = false;

  constructor(
    private readonly fleet: SpareWatchFleet,
    private readonly runId: string,
    private readonly targets: readonly string[],
  ) {}

  check(): SpareMoment[] {
    if (this.healthy || this.found === null) return [];
    const run = this.fleet.runbookRun(this.runId);
    if (!run) return [];
    if (this.found === undefined) this.found = spareOf(run.plan, this.targets, (r) => this.fleet.replicaAnswer(r)?.node ?? null);
    const found = this.found;
    if (found === null) return [];
    const out: SpareMoment[] = [];
    if (this.startedAt === null) {
      const at = run.steps.find((s) => s.index === found.startStep)?.startedAt ?? null;
      if (at === null) return [];
      this.startedAt = at;
      out.push({ name: 'spare-started', at, spare: found.spare });
    }
    const answered = this.fleet.replicaAnswer(found.spare)?.lastHealthyAt ?? null;
    if (answered !== null && answered >= this.startedAt) {
      this.healthy = true;
      out.push({ name: 'spare-healthy', at: answered, spare: found.spare });
    }
    return out;
  }
}
