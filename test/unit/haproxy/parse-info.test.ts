import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { parseShowInfo } from '../../../electron/core/haproxy/parse-info';
import { fixture } from './fixtures';

function parseError(reply: string): FleetError {
  try {
    parseShowInfo(reply);
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected PARSE_FAILED');
}

describe('parseShowInfo', () => {
  it('reads real show info, keys with spaces included', () => {
    const info = parseShowInfo(fixture('show-info.txt'));
    expect(info.Name).toBe('HAProxy');
    expect(info.Version).toBe('2.6.12-1+deb12u4');
    expect(info['Unstoppable Jobs']).toBe('0');
    expect(info['Build info']).toBe('2.6.12-1+deb12u4');
    expect(Number(info.Uptime_sec)).toBeGreaterThanOrEqual(0);
    expect(info.Stopping).toBe('0');
  });

  it('keeps an empty value', () => {
    expect(parseShowInfo('Name: HAProxy\nVersion: 2.6\ndescription:\n')).toEqual({ Name: 'HAProxy', Version: '2.6', description: '' });
  });

  it.each([
    ['an empty reply', '', /no Name line/],
    ['HAProxy refusing the command', fixture('reply-unknown-command.txt'), /line 1 is not "Key: value"/],
    ['Permission denied', fixture('reply-permission-denied.txt'), /line 1 is not "Key: value"/],
    ['key-value text from something else', 'Server: nginx\nDate: today\n', /no Name line/],
    ['a line without a colon', 'Name: HAProxy\nVersion: 2.6\njunk\n', /line 3 is not "Key: value"/],
  ])('%s → PARSE_FAILED', (_what, reply, message) => {
    const err = parseError(reply);
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toMatch(message);
  });

  it('keeps a hostile __proto__ line as a plain key', () => {
    const info = parseShowInfo('Name: HAProxy\nVersion: 2.6\n__proto__: polluted\n');
    expect(Object.getOwnPropertyDescriptor(info, '__proto__')?.value).toBe('polluted');
    expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
  });
});
