/**
 * The `status` column of a server row in `show stat`, as HAProxy 2.6 writes it
 * (stats_fill_sv_stats() and srv_hlt_st[] in src/stats.c):
 *
 * | text | meaning |
 * | --- | --- |
 * | `UP`, `DOWN`, `NOLB`, `DRAIN` | steady states (NOLB: health check answered 404 with `http-check disable-on-404`, or `set server … health stopping`) |
 * | `UP 1/2`, `NOLB 1/2`, `DRAIN 1/2` | failing checks counted toward `fall` (1 of 2 so far): still up, going down |
 * | `DOWN 1/2` | passing checks counted toward `rise`: still down, coming up |
 * | `DOWN (agent)`, `DRAIN (agent)` | the agent check said so |
 * | `no check` | up, health checks not configured |
 * | `MAINT`, `MAINT (via b/s)`, `MAINT (resolution)` | maintenance: set by the operator, inherited from the tracked server b/s, or its address did not resolve |
 */

export type ServerStatusWord = 'UP' | 'DOWN' | 'NOLB' | 'DRAIN' | 'MAINT' | 'no check';

export interface ServerStatus {
  /** HAProxy's text, unchanged: what an operator sees in HAProxy's own stats page. */
  text: string;
  word: ServerStatusWord;
  /** `UP 1/2` → { toward: 'down', step: 1, of: 2 }; `DOWN 1/2` → { toward: 'up', … }. */
  transition: { toward: 'up' | 'down'; step: number; of: number } | null;
  /** Why it is in that state, when HAProxy says: `(agent)`, `(via b/s)`, `(resolution)`. */
  cause: { kind: 'agent' } | { kind: 'resolution' } | { kind: 'via'; backend: string; server: string } | null;
  /**
   * Whether HAProxy sends it new (non-persistent) sessions at its weight: UP (even on the way
   * down) and `no check`. NOLB and DRAIN only keep persistent ones; DOWN and MAINT get none.
   */
  takesNewSessions: boolean;
}

const TRANSITIONAL = /^(UP|DOWN|NOLB|DRAIN) (\d+)\/(\d+)$/;
const VIA = /^MAINT \(via ([A-Za-z0-9._:-]+)\/([A-Za-z0-9._:-]+)\)$/;

/** Parses a server `status`; null when the text is none of HAProxy's (the caller reports it). */
export function parseServerStatus(text: string): ServerStatus | null {
  const plain = (word: ServerStatusWord, cause: ServerStatus['cause'] = null): ServerStatus => ({
    text,
    word,
    transition: null,
    cause,
    takesNewSessions: word === 'UP' || word === 'no check',
  });
  switch (text) {
    case 'UP':
    case 'DOWN':
    case 'NOLB':
    case 'DRAIN':
    case 'MAINT':
    case 'no check':
      return plain(text);
    case 'DOWN (agent)':
      return plain('DOWN', { kind: 'agent' });
    case 'DRAIN (agent)':
      return plain('DRAIN', { kind: 'agent' });
    case 'MAINT (resolution)':
      return plain('MAINT', { kind: 'resolution' });
  }
  const via = VIA.exec(text);
  if (via) return plain('MAINT', { kind: 'via', backend: via[1]!, server: via[2]! });
  const moving = TRANSITIONAL.exec(text);
  if (moving) {
    const word = moving[1] as 'UP' | 'DOWN' | 'NOLB' | 'DRAIN';
    const step = Number(moving[2]);
    const of = Number(moving[3]);
    if (of === 0) return null;
    return { ...plain(word), transition: { toward: word === 'DOWN' ? 'up' : 'down', step, of } };
  }
  return null;
}
