import { describe, expect, it } from 'vitest';
import { noRuntime, rejection } from './step-test-helpers';
import { isAbortedError } from '../../../electron/core/runbook-exec/abortable';
import { createStepActions, type StepActionDeps } from '../../../electron/core/runbook-exec/step-actions';
import type { Health } from '../../../shared/health';
import type { PlannedAction } from '../../../shared/runbook';


const waitFor = (subject: string, subjectKind: 'node' | 'replica', timeoutSeconds = 5): PlannedAction => ({ type: 'wait.healthy', subject, subjectKind, timeoutSeconds });


/**
 * A verdict source whose refresh is a real asynchronous step (it resolves on a later turn of the
 * event loop, as a probe would), and which logs every refresh and read in order.
 */
function verdicts(healthyAfterRefreshes: number) {
  const log: string[] = [];
  let refreshes = 0;
  let verdict: Health = 'unreachable';
  const deps: Pick<StepActionDeps, 'refreshHealth' | 'healthOf'> = {
    async refreshHealth(kind, name) {
      log.push(`refresh ${kind} ${name}`);
      await new Promise((r) => setImmediate(r));
      if (++refreshes >= healthyAfterRefreshes) verdict = 'healthy';
    },
    healthOf(kind, name) {
      log.push(`read ${kind} ${name}`);
      return verdict;
    },
  };
  return { deps, log };
}

describe('wait.healthy with refreshHealth', () => {
  it('refreshes before it reads: a replica healthy after one refresh ends the wait at once', async () => {
    const { deps, log } = verdicts(1);
    // An hour between polls: only a refresh before the first read can end this wait.
    const actions = createStepActions({ runtimeFor: noRuntime, pollIntervalMs: 3_600_000, ...deps });
    const started = performance.now();
    expect(await actions.run(waitFor('llama-a01-1', 'replica'), new AbortController().signal)).toEqual({ output: 'llama-a01-1: healthy' });
    expect(log).toEqual(['refresh replica llama-a01-1', 'read replica llama-a01-1']);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refreshes before every read, with the subject kind and name', async () => {
    const { deps, log } = verdicts(3);
    const actions = createStepActions({ runtimeFor: noRuntime, pollIntervalMs: 5, ...deps });
    expect(await actions.run(waitFor('usw2-inf-01', 'node'), new AbortController().signal)).toEqual({ output: 'usw2-inf-01: healthy' });
    expect(log).toEqual(['refresh node usw2-inf-01', 'read node usw2-inf-01', 'refresh node usw2-inf-01', 'read node usw2-inf-01', 'refresh node usw2-inf-01', 'read node usw2-inf-01']);
  });

  it('still times out with the last verdict when refreshing does not help', async () => {
    const { deps, log } = verdicts(Infinity);
    const actions = createStepActions({ runtimeFor: noRuntime, pollIntervalMs: 5, ...deps });
    const err = await rejection(actions.run(waitFor('llama-a01-1', 'replica', 0.05), new AbortController().signal));
    expect(err.message).toBe('timed out after 0 s waiting for llama-a01-1 to be healthy; last seen: unreachable');
    expect(log.filter((l) => l.startsWith('refresh')).length).toBeGreaterThan(1);
  });

  it('an abort ends a wait stuck in a refresh', async () => {
    const ctl = new AbortController();
    let refreshing!: () => void;
    const refreshStarted = new Promise<void>((r) => (refreshing = r));
    const actions = createStepActions({
      runtimeFor: noRuntime,
      refreshHealth: () => {
        refreshing();
        return new Promise<void>(() => undefined); // a probe that never answers
      },
      healthOf: () => 'healthy',
    });
    const p = rejection(actions.run(waitFor('llama-a01-1', 'replica'), ctl.signal));
    await refreshStarted;
    ctl.abort();
    expect(isAbortedError(await p)).toBe(true);
  });

  // The deadline also bounds a refresh in progress (pollUntil races each check against it).
  it('a refresh that never settles does not hold the wait past its timeout', async () => {
    const actions = createStepActions({ runtimeFor: noRuntime, pollIntervalMs: 5, refreshHealth: () => new Promise<void>(() => undefined), healthOf: () => 'unreachable' });
    const outcome = await Promise.race([
      rejection(actions.run(waitFor('llama-a01-1', 'replica', 0.1), new AbortController().signal)).then((e) => e.message),
      new Promise<string>((r) => setTimeout(() => r('still waiting 1 s into a 0.1 s wait'), 1000)),
    ]);
    expect(outcome).toMatch(/^timed out after 0 s waiting for llama-a01-1 to be healthy/);
  });
});

describe('wait.healthy without refreshHealth', () => {
  it('polls the verdict alone until healthy', async () => {
    const seen: Array<[string, string]> = [];
    let reads = 0;
    const actions = createStepActions({
      runtimeFor: noRuntime,
      pollIntervalMs: 5,
      healthOf: (kind, name) => {
        seen.push([kind, name]);
        return ++reads < 3 ? undefined : 'healthy';
      },
    });
    expect(await actions.run(waitFor('llama-a01-1', 'replica'), new AbortController().signal)).toEqual({ output: 'llama-a01-1: healthy' });
    expect(seen).toEqual([
      ['replica', 'llama-a01-1'],
      ['replica', 'llama-a01-1'],
      ['replica', 'llama-a01-1'],
    ]);
  });

  it('says when there was no verdict at all', async () => {
    const actions = createStepActions({ runtimeFor: noRuntime, pollIntervalMs: 5, healthOf: () => undefined });
    const err = await rejection(actions.run(waitFor('llama-a01-1', 'replica', 0.02), new AbortController().signal));
    expect(err.message).toBe('timed out after 0 s waiting for llama-a01-1 to be healthy; last seen: no verdict yet');
  });
});
