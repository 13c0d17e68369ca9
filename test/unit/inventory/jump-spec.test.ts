import { describe, expect, it } from 'vitest';
import { isJumpSpec, parseJumpSpec } from '../../../electron/core/inventory/jump-spec';

describe('jump specs', () => {
  it('treats a bare word as a node name and anything with @ or : as a host spec', () => {
    expect(isJumpSpec('bastion-1')).toBe(false);
    expect(isJumpSpec('bastion.example.com')).toBe(false);
    expect(isJumpSpec('ops@bastion')).toBe(true);
    expect(isJumpSpec('bastion:22')).toBe(true);
  });

  it.each([
    ['ops@bastion.example.com:2222', { user: 'ops', host: 'bastion.example.com', port: 2222 }],
    ['ops@bastion', { user: 'ops', host: 'bastion' }],
    ['bastion:22', { host: 'bastion', port: 22 }],
    ['ops@[fd00::1]:2200', { user: 'ops', host: 'fd00::1', port: 2200 }],
    ['[fd00::1]', { host: 'fd00::1' }],
  ])('parses %s', (text, spec) => {
    expect(parseJumpSpec(text)).toEqual({ ok: true, spec });
  });

  it.each([
    ['ops@', 'host is empty'],
    [':22', 'host is empty'],
    ['@h', 'user before "@" is empty or malformed'],
    ['h:0', 'port 0 is out of range 1-65535'],
    ['h:65536', 'port 65536 is out of range 1-65535'],
    ['h:ssh', 'port "ssh" is not a number'],
    ['h:', 'port "" is not a number'],
    ['fd00::1', 'more than one ":" (write IPv6 addresses as [addr]:port)'],
    ['[fd00::1', 'unclosed "[" around an IPv6 address'],
    ['[fd00::1]x', 'unexpected text after "]"'],
    ['ops@ bastion', 'contains whitespace'],
  ])('rejects %s: %s', (text, why) => {
    expect(parseJumpSpec(text)).toEqual({ ok: false, message: `invalid jump "${text}": ${why} (expected a node name or [user@]host[:port])` });
  });
});
