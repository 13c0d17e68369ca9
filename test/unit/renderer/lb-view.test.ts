import { describe, expect, it } from 'vitest';
import { groupByBackend, lbStatusKind, serverAdminState, serverKey } from '../../../renderer/src/model/lb-view';
import { lbServer } from './builders';

describe('groupByBackend', () => {
  it("groups servers by backend, both in HAProxy's order", () => {
    const servers = [lbServer('llama', 'r1'), lbServer('qwen', 'q1'), lbServer('llama', 'r2')];
    expect(groupByBackend(servers).map((b) => [b.name, b.servers.map((s) => s.server)])).toEqual([
      ['llama', ['r1', 'r2']],
      ['qwen', ['q1']],
    ]);
    expect(groupByBackend([])).toEqual([]);
  });
});

describe("HAProxy's status words", () => {
  it('tells steady states, checks in transit and admin states apart', () => {
    const cases: [string, string][] = [
      ['UP', 'up'],
      ['no check', 'up'],
      ['DOWN', 'down'],
      ['UP 1/2', 'transition'],
      ['DOWN 1/3', 'transition'],
      ['MAINT', 'maint'],
      ['MAINT (via llama/r1)', 'maint'],
      ['DRAIN', 'drain'],
      ['NOLB', 'nolb'],
      ['UPPER', 'other'],
      ['', 'other'],
    ];
    for (const [word, kind] of cases) expect([word, lbStatusKind(word)]).toEqual([word, kind]);
  });

  it('maps the status to the admin state a button sets', () => {
    expect(serverAdminState('MAINT (via b/s)')).toBe('maint');
    expect(serverAdminState('DRAIN')).toBe('drain');
    expect(serverAdminState('UP 1/2')).toBe('ready');
    expect(serverAdminState('DOWN')).toBe('ready');
  });

  it('keys server test ids by load balancer, backend and server', () => {
    expect(serverKey('lb1', lbServer('llama', 'r2'))).toBe('lb1-llama-r2');
  });
});
