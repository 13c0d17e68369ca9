import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { assertHaproxyName, assertSingleCommand } from '../../../electron/core/haproxy/identifiers';

function refusal(fn: () => void): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a refusal');
}

describe('assertHaproxyName', () => {
  it.each(['b1', 'web-01', 'srv_2', 'api.v1', 'ns:pod', 'A'.repeat(255)])('accepts %s', (name) => {
    expect(() => assertHaproxyName('server', name)).not.toThrow();
  });

  it.each(['', 'b1/s1', 'b1; shutdown frontend fe', 'b1\nshow info', 'a b', 'x,y', '#3', 'é', 'A'.repeat(256), 'tab\t'])('refuses %j with BAD_REQUEST', (name) => {
    const err = refusal(() => assertHaproxyName('backend', name));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/backend name .* is not a HAProxy identifier.*nothing was sent/);
  });

  it('refuses what is not a string at all', () => {
    expect(refusal(() => assertHaproxyName('server', 42)).code).toBe('BAD_REQUEST');
    expect(refusal(() => assertHaproxyName('server', undefined)).code).toBe('BAD_REQUEST');
  });
});

describe('assertSingleCommand', () => {
  it('accepts one command', () => {
    expect(() => assertSingleCommand('show servers state web')).not.toThrow();
  });

  it.each(['show info; shutdown frontend fe', 'show info\nshutdown frontend fe', 'show info\r', 'show\0info', '', '   '])('refuses %j', (cmd) => {
    const err = refusal(() => assertSingleCommand(cmd));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/not one runtime API command/);
  });
});
