import { describe, expect, it } from 'vitest';
import { applyVerdict, displayedReasons, initialState, type SmoothedState, type Verdict } from '../../../electron/core/health/state-machine';

const ok: Verdict = { health: 'healthy', reasons: [] };
const bad: Verdict = { health: 'unhealthy', reasons: ['GPU 0 lost'] };
const limits = { rise: 2, fall: 3 };

function feed(verdicts: Verdict[], state: SmoothedState = initialState()) {
  const transitions = [];
  let t = 0;
  for (const v of verdicts) {
    const r = applyVerdict(state, v, limits, ++t);
    state = r.state;
    if (r.transition) transitions.push(r.transition);
  }
  return { state, transitions };
}

describe('rise/fall state machine', () => {
  it('takes the first verdict as is', () => {
    const { state, transitions } = feed([bad]);
    expect(state.health).toBe('unhealthy');
    expect(transitions).toEqual([{ from: 'unknown', to: 'unhealthy', reasons: ['GPU 0 lost'] }]);
  });

  it('needs `fall` consecutive bad verdicts to fall', () => {
    expect(feed([ok, bad, bad]).state.health).toBe('healthy');
    const { state, transitions } = feed([ok, bad, bad, bad]);
    expect(state.health).toBe('unhealthy');
    expect(state.since).toBe(4);
    expect(transitions.map((t) => t.to)).toEqual(['healthy', 'unhealthy']);
  });

  it('does not flap on a single dropped probe', () => {
    const { state, transitions } = feed([ok, bad, ok, bad, bad, ok]);
    expect(state.health).toBe('healthy');
    expect(transitions).toHaveLength(1);
  });

  it('needs `rise` consecutive good verdicts to recover', () => {
    expect(feed([bad, ok]).state.health).toBe('unhealthy');
    expect(feed([bad, ok, ok]).state.health).toBe('healthy');
    expect(feed([bad, ok, bad, ok]).state.health).toBe('unhealthy');
  });

  it('moves to the latest verdict when several bad kinds alternate', () => {
    const unreachable: Verdict = { health: 'unreachable', reasons: ['connection refused'] };
    const { state } = feed([ok, bad, unreachable, bad]);
    expect(state.health).toBe('unhealthy');
    expect(state.reasons).toEqual(['GPU 0 lost']);
  });

  it('shows pending verdicts in the reasons', () => {
    const { state } = feed([ok, bad]);
    expect(displayedReasons(state)).toEqual(['failing: 1 of 3 probes say unhealthy (GPU 0 lost)']);
  });
});
