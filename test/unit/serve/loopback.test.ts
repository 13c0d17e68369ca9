import { describe, expect, it } from 'vitest';
import { allowedHostHeaders, hostHeaderAllowed, isLoopbackHost } from '../../../electron/serve/loopback';

describe('loopback and Host checks', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.5', '::', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('accepts only this server’s own names on loopback (no DNS rebinding)', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 8080);
    expect(hostHeaderAllowed('127.0.0.1:8080', allowed, false)).toBe(true);
    expect(hostHeaderAllowed('LOCALHOST:8080', allowed, false)).toBe(true);
    expect(hostHeaderAllowed('127.0.0.1:8081', allowed, false)).toBe(false);
    expect(hostHeaderAllowed('evil.example:8080', allowed, false)).toBe(false);
    expect(hostHeaderAllowed('10.0.0.5:8080', allowed, false)).toBe(false);
  });

  it('with --allow-remote also accepts IP literals, never hostnames', () => {
    const allowed = allowedHostHeaders('0.0.0.0', 8080);
    expect(hostHeaderAllowed('10.0.0.5:8080', allowed, true)).toBe(true);
    expect(hostHeaderAllowed('[fd00::5]:8080', allowed, true)).toBe(true);
    expect(hostHeaderAllowed('rebind.evil.example:8080', allowed, true)).toBe(false);
    expect(hostHeaderAllowed('', allowed, true)).toBe(false);
  });
});
