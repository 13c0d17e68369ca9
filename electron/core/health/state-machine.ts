/**
 * Rise/fall smoothing per subject, the way HAProxy debounces its health checks
 * (`fall N`: N consecutive failed checks to mark a server down; `rise N`: N consecutive good
 * checks to bring it back). One dropped probe must not page anyone.
 *
 * - The first verdict is taken as is: there is no history to smooth yet.
 * - A verdict worse than the current state counts toward `fall`; after `fall` consecutive worse
 *   verdicts the state becomes the latest of them.
 * - A verdict better than the current state counts toward `rise`; after `rise` consecutive better
 *   verdicts the state becomes the latest of them.
 * - A verdict equal to the state resets both counters and refreshes the reasons.
 */
import { healthRank, type Health } from '../../../shared/health';

export interface Verdict {
  health: Health;
  reasons: string[];
}

export interface SmoothedState {
  health: Health;
  reasons: string[];
  /** Epoch ms when `health` took its current value; null before the first verdict. */
  since: number | null;
  /** How many consecutive verdicts point away from the current state, and which way. */
  pending: { direction: 'fall' | 'rise'; count: number; needed: number; latest: Verdict } | null;
}

export interface Transition {
  from: Health;
  to: Health;
  reasons: string[];
}

export function initialState(): SmoothedState {
  return { health: 'unknown', reasons: ['not probed yet'], since: null, pending: null };
}

/** Folds one verdict in; returns the new state and the transition if the state changed. */
export function applyVerdict(
  state: SmoothedState,
  verdict: Verdict,
  limits: { rise: number; fall: number },
  now: number,
): { state: SmoothedState; transition: Transition | null } {
  if (state.since === null) {
    const next: SmoothedState = { health: verdict.health, reasons: verdict.reasons, since: now, pending: null };
    return { state: next, transition: { from: state.health, to: verdict.health, reasons: verdict.reasons } };
  }
  const diff = healthRank(verdict.health) - healthRank(state.health);
  if (diff === 0) {
    return { state: { ...state, reasons: verdict.reasons, pending: null }, transition: null };
  }
  const direction = diff > 0 ? 'fall' : 'rise';
  const needed = direction === 'fall' ? limits.fall : limits.rise;
  const count = state.pending?.direction === direction ? state.pending.count + 1 : 1;
  if (count >= needed) {
    const next: SmoothedState = { health: verdict.health, reasons: verdict.reasons, since: now, pending: null };
    return { state: next, transition: { from: state.health, to: verdict.health, reasons: verdict.reasons } };
  }
  return { state: { ...state, pending: { direction, count, needed, latest: verdict } }, transition: null };
}

/** The reasons a person should see: the state's own, plus what the pending verdicts say. */
export function displayedReasons(state: SmoothedState): string[] {
  if (!state.pending) return state.reasons;
  const { direction, count, needed, latest } = state.pending;
  const word = direction === 'fall' ? 'failing' : 'recovering';
  const note = `${word}: ${count} of ${needed} probes say ${latest.health}${latest.reasons.length ? ` (${latest.reasons[0]})` : ''}`;
  return [...state.reasons, note];
}
