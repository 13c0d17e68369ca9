import { describe, expect, it } from 'vitest';
import { initialParams, kindError, overrideToSend, paramError, paramsToSend, targetOptions } from '../../../renderer/src/model/runbook-form';
import { replica, snapshot } from './builders';
import { runbookSummary } from './run-builders';

const service = { name: 'service', pattern: '[a-z0-9][a-z0-9@._-]{0,63}', default: 'vllm', description: 'systemd unit', kind: null };
const reason = { name: 'reason', pattern: '.{1,80}', default: null, description: null, kind: null };

describe('targetOptions', () => {
  const s = snapshot({ replicas: [replica('r2'), replica('r1')] });

  it('offers replicas for a replica runbook and regions for a region runbook, sorted', () => {
    expect(targetOptions(s, 'replica')).toEqual(['r1', 'r2']);
    expect(targetOptions(s, 'region')).toEqual(['eu']);
  });

  it('offers no region while no inventory is loaded', () => {
    expect(targetOptions(snapshot({ topology: null }), 'region')).toEqual([]);
  });
});

describe('runbook parameters', () => {
  const rb = runbookSummary('restart-replica', { params: [service, reason] });

  it('start at their defaults, or empty', () => {
    expect(initialParams(rb)).toEqual({ service: 'vllm', reason: '' });
  });

  it('must match their pattern as a whole value, like the engine checks them', () => {
    expect(paramError(service.pattern, 'vllm@2')).toBeNull();
    expect(paramError(service.pattern, "vllm; rm -rf /")).toBe(`must match ${service.pattern}`);
    expect(paramError(service.pattern, '')).not.toBeNull();
    expect(paramError('a|b', 'ab')).not.toBeNull();
  });

  it('report a pattern that does not compile instead of throwing', () => {
    expect(paramError('([', 'x')).toMatch(/not a valid regular expression/);
  });

  it('send only the values that differ from the defaults, or nothing', () => {
    expect(paramsToSend(rb, { service: 'vllm', reason: '' })).toBeUndefined();
    expect(paramsToSend(rb, { service: 'sglang', reason: 'ticket 42' })).toEqual({ service: 'sglang', reason: 'ticket 42' });
  });
});

describe('overrideToSend', () => {
  it('leaves out an empty reason and trims a given one', () => {
    expect(overrideToSend('   ')).toBeUndefined();
    expect(overrideToSend('  capacity is fine, r3 is warm  ')).toBe('capacity is fine, r3 is warm');
  });
});

describe('replica and region parameters', () => {
  it('must be chosen, and not be the target itself when of the same kind', () => {
    expect(kindError('replica', '', 'r-a1')).toBe('choose a replica');
    expect(kindError('replica', 'r-a1', 'r-a1')).toBe('must be another replica than the target');
    expect(kindError('replica', 'spare-a3', 'r-a1')).toBeNull();
    expect(kindError('region', 'us-west', null)).toBeNull();
  });
});
