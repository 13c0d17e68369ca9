import { describe, expect, it } from 'vitest';
import { parseServerStatus } from '../../../electron/core/haproxy/server-status';

describe('parseServerStatus', () => {
  it.each([
    ['UP', 'UP', true],
    ['DOWN', 'DOWN', false],
    ['NOLB', 'NOLB', false],
    ['DRAIN', 'DRAIN', false],
    ['MAINT', 'MAINT', false],
    ['no check', 'no check', true],
  ] as const)('reads the steady %s', (text, word, takesNewSessions) => {
    expect(parseServerStatus(text)).toEqual({ text, word, transition: null, cause: null, takesNewSessions });
  });

  it('reads transitions: UP/NOLB/DRAIN n/m are on the way down, DOWN n/m on the way up', () => {
    expect(parseServerStatus('UP 1/2')).toMatchObject({ word: 'UP', transition: { toward: 'down', step: 1, of: 2 }, takesNewSessions: true });
    expect(parseServerStatus('NOLB 2/3')).toMatchObject({ word: 'NOLB', transition: { toward: 'down', step: 2, of: 3 }, takesNewSessions: false });
    expect(parseServerStatus('DRAIN 1/2')).toMatchObject({ word: 'DRAIN', transition: { toward: 'down', step: 1, of: 2 } });
    expect(parseServerStatus('DOWN 1/2')).toMatchObject({ word: 'DOWN', transition: { toward: 'up', step: 1, of: 2 }, takesNewSessions: false });
  });

  it('reads the causes HAProxy puts in parentheses', () => {
    expect(parseServerStatus('MAINT (via web/maint)')).toMatchObject({ word: 'MAINT', cause: { kind: 'via', backend: 'web', server: 'maint' } });
    expect(parseServerStatus('MAINT (resolution)')).toMatchObject({ word: 'MAINT', cause: { kind: 'resolution' } });
    expect(parseServerStatus('DOWN (agent)')).toMatchObject({ word: 'DOWN', cause: { kind: 'agent' } });
    expect(parseServerStatus('DRAIN (agent)')).toMatchObject({ word: 'DRAIN', cause: { kind: 'agent' }, takesNewSessions: false });
  });

  it.each(['', 'up', 'UP ', ' UP', 'UP 1/0', 'UP 1/', 'UP x/2', 'OPEN', 'MAINT (via web)', 'MAINT (via a/b; shutdown)', 'DOWN (maybe)', 'UP\n1/2'])(
    'returns null for %j, which HAProxy never prints for a server',
    (text) => {
      expect(parseServerStatus(text)).toBeNull();
    },
  );
});
