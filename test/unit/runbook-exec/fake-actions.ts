import { abortedError } from '../../../electron/core/runbook-exec/abortable';
import type { StepActions } from '../../../electron/core/runbook-exec/step-actions';
import type { PlannedAction, PlannedStep, RunbookPlan } from '../../../shared/runbook';

/**
 * Step actions for engine tests: each action is a `note` whose text names it. Named actions can
 * be made to fail, or to block until released or until their AbortSignal fires.
 */
export class FakeActions implements StepActions {
  readonly calls: string[] = [];
  readonly failing = new Set<string>();
  private readonly blocked = new Map<string, { release: () => void; started: () => void; startedP: Promise<void> }>();
  private readonly active = new Map<string, { release: () => void }>();
  /** How each blocked action ended: 'released' or 'aborted'. */
  readonly settled = new Map<string, string>();

  /** The action named `name` will wait; returns a promise resolving once it has started. */
  block(name: string): Promise<void> {
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    this.blocked.set(name, { release: () => undefined, started, startedP });
    return startedP;
  }

  release(name: string): void {
    this.active.get(name)!.release();
  }

  async run(action: PlannedAction, signal: AbortSignal): Promise<{ output: string }> {
    const name = action.type === 'note' ? action.text : action.type;
    this.calls.push(name);
    const gate = this.blocked.get(name);
    // One use: a later action of the same name (another run's) does not block.
    this.blocked.delete(name);
    if (gate) {
      this.active.set(name, gate);
      await new Promise<void>((resolve, reject) => {
        gate.release = () => {
          this.settled.set(name, 'released');
          resolve();
        };
        signal.addEventListener('abort', () => {
          this.settled.set(name, 'aborted');
          reject(abortedError(name));
        });
        gate.started();
      });
    }
    if (this.failing.has(name)) throw new Error(`${name} broke`);
    return { output: `${name} ok` };
  }
}

const note = (text: string): PlannedAction => ({ type: 'note', text });

/** A plan of steps named s0, s1, …; each undone by u0, u1, … unless listed in `noUndo`. */
export function planOf(count: number, over: Partial<RunbookPlan> = {}, noUndo: number[] = []): RunbookPlan {
  const steps: PlannedStep[] = Array.from({ length: count }, (_, i) => ({
    index: i,
    title: `step ${i}`,
    action: note(`s${i}`),
    undo: noUndo.includes(i) ? null : note(`u${i}`),
    mutating: !noUndo.includes(i),
    targets: ['b1'],
  }));
  return { runbook: 'drain-server', target: 'llm/b1', params: {}, confirmation: null, onFailure: 'rollback', steps, preconditions: [], locks: ['llm/b1'], ...over };
}
