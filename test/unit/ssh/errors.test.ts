import { describe, expect, it } from 'vitest';
import { authFailed, connectTimeout, fromSsh2ConnectError, unreachableFromSocketError, type Hop } from '../../../electron/core/ssh/errors';

const target: Hop = { subject: 'gpu-1', host: '10.0.0.5', port: 2222, user: 'ops', role: 'target' };
const bastion: Hop = { subject: 'gpu-1', host: 'bastion.example.com', port: 22, user: 'jump', role: 'bastion' };
const osError = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code });

describe('unreachableFromSocketError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['EHOSTUNREACH', 'no route to host'],
    ['ENETUNREACH', 'network unreachable'],
    ['ECONNRESET', 'connection reset by peer'],
    ['ENOTFOUND', 'host name not found'],
    ['EAI_AGAIN', 'DNS lookup failed temporarily'],
  ])('%s → HOST_UNREACHABLE naming host:port, the reason and the code', (code, reason) => {
    const err = unreachableFromSocketError(osError(code), target);
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.subject).toBe('gpu-1');
    expect(err.message).toContain(`10.0.0.5:2222: ${reason} (${code})`);
    expect(err.detail).toEqual({ host: '10.0.0.5', port: 2222, osCode: code });
  });

  it('keeps the OS message for codes it has no words for, and names a bastion as such', () => {
    const err = unreachableFromSocketError(osError('EWEIRD', 'something odd'), bastion);
    expect(err.message).toContain('cannot reach bastion bastion.example.com:22: something odd');
  });
});

describe('connect failures', () => {
  it('CONNECT_TIMEOUT says how long and in which phase', () => {
    const err = connectTimeout({ ...target, via: ' via bastion b:22' }, 10_000, 'SSH handshake');
    expect(err.code).toBe('CONNECT_TIMEOUT');
    expect(err.message).toContain('10.0.0.5:2222 via bastion b:22 timed out after 10000 ms during SSH handshake');
  });

  it('SSH_AUTH_FAILED names user@host:port and what was offered', () => {
    const err = authFailed(target, ['key /home/ops/.ssh/id_ed25519', 'agent /run/agent.sock']);
    expect(err.code).toBe('SSH_AUTH_FAILED');
    expect(err.message).toContain('ops@10.0.0.5:2222');
    expect(err.message).toContain('key /home/ops/.ssh/id_ed25519, agent /run/agent.sock');
  });

  it('classifies ssh2 errors by level and phase', () => {
    const ssh2 = (message: string, level?: string, code?: unknown) => Object.assign(new Error(message), { level, code });
    expect(fromSsh2ConnectError(ssh2('All configured authentication methods failed', 'client-authentication'), target, 'auth', []).code).toBe('SSH_AUTH_FAILED');
    // sshd's DISCONNECT during auth ("Too many authentication failures") carries a numeric reason.
    const tooMany = fromSsh2ConnectError(ssh2('Too many authentication failures', undefined, 2), target, 'auth', ['agent /a']);
    expect(tooMany.code).toBe('SSH_AUTH_FAILED');
    expect(tooMany.message).toContain('The server said: Too many authentication failures');
    expect(fromSsh2ConnectError(ssh2('read ECONNRESET', 'client-socket', 'ECONNRESET'), target, 'handshake', []).code).toBe('HOST_UNREACHABLE');
    const notSsh = fromSsh2ConnectError(ssh2('Protocol version not supported', 'protocol'), target, 'handshake', []);
    expect(notSsh.code).toBe('HOST_UNREACHABLE');
    expect(notSsh.message).toContain('SSH handshake with 10.0.0.5:2222 failed');
  });
});
