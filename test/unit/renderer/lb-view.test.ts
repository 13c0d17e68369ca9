import { describe, expect, it } from 'vitest';
import { backendRateText, groupByBackend, lbStatusKind, serverAdminState, serverKey } from '../../../renderer/src/model/lb-view';
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

describe('backendRateText', () => {
  it('gives the rate now, and the 5-minute peak when it is higher', () => {
    expect(backendRateText({ rate: 42, ratePeak5m: 42 })).toBe('42 req/s now');
    expect(backendRateText({ rate: 3.14, ratePeak5m: 160.4 })).toBe('3.1 req/s now · peak 160 req/s over 5 min');
    expect(backendRateText({ rate: 0, ratePeak5m: undefined })).toBe('0 req/s now');
    expect(backendRateText({ rate: null, ratePeak5m: 5 })).toBe('');
    expect(backendRateText(undefined)).toBe('');
  });
});
