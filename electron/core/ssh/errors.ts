import { FleetError } from '../../../shared/errors';

/**
 * Turns what the OS and ssh2 report into FleetErrors that say what failed, where, and what the
 * operator can do. Every error carries the target key as `subject`.
 */

/** One hop of a connection: the target itself, or the bastion in front of it. */
export interface Hop {
  subject: string;
  host: string;
  port: number;
  user: string;
  /** "bastion " for the jump host, "" for the target: prefixes the endpoint in messages. */
  role: 'target' | 'bastion';
  /** For the target behind a bastion: " via bastion b:22". */
  via?: string;
}

export function endpoint(hop: Hop): string {
  return `${hop.role === 'bastion' ? 'bastion ' : ''}${hop.host}:${hop.port}${hop.via ?? ''}`;
}

const OS_REASONS: Record<string, { reason: string; advice: string }> = {
  ECONNREFUSED: { reason: 'connection refused', advice: 'Nothing listens there: check that sshd runs on the node and the port is right.' },
  EHOSTUNREACH: { reason: 'no route to host', advice: 'The node is down or a firewall drops the traffic: check the host and the network.' },
  ENETUNREACH: { reason: 'network unreachable', advice: 'This machine has no route to that network: check VPN/routing.' },
  ECONNRESET: { reason: 'connection reset by peer', advice: 'sshd or a firewall closed the connection: check the sshd log on the node (MaxStartups, AllowUsers).' },
  ETIMEDOUT: { reason: 'TCP connect timed out', advice: 'The node does not answer: check that it is up and reachable.' },
  EPIPE: { reason: 'connection broken', advice: 'The node closed the connection: check the sshd log on the node.' },
  ENOTFOUND: { reason: 'host name not found', advice: 'Check the host name in the inventory and DNS.' },
  EAI_AGAIN: { reason: 'DNS lookup failed temporarily', advice: 'Check DNS resolution on this machine.' },
  EADDRNOTAVAIL: { reason: 'address not available', advice: 'Check the host address in the inventory.' },
};

/** A socket-level failure (connect, DNS, reset) → HOST_UNREACHABLE naming host:port and the OS reason. */
export function unreachableFromSocketError(err: NodeJS.ErrnoException, hop: Hop): FleetError {
  const code = err.code ?? 'UNKNOWN';
  const known = OS_REASONS[code];
  const reason = known ? `${known.reason} (${code})` : err.message;
  const advice = known?.advice ?? 'Check that the node is up and reachable.';
  return new FleetError('HOST_UNREACHABLE', `cannot reach ${endpoint(hop)}: ${reason}. ${advice}`, {
    subject: hop.subject,
    detail: { host: hop.host, port: hop.port, osCode: code },
    cause: err,
  });
}

export function connectTimeout(hop: Hop, timeoutMs: number, phase: string): FleetError {
  return new FleetError(
    'CONNECT_TIMEOUT',
    `connecting to ${endpoint(hop)} timed out after ${timeoutMs} ms during ${phase}. The node or the network is slow or dropping packets: check that sshd answers there.`,
    { subject: hop.subject, detail: { host: hop.host, port: hop.port, timeoutMs, phase } },
  );
}

export function authFailed(hop: Hop, tried: string[], serverSaid?: string, cause?: unknown): FleetError {
  const who = `${hop.user}@${hop.host}:${hop.port}${hop.role === 'bastion' ? ' (bastion)' : ''}`;
  const server = serverSaid ? ` The server said: ${serverSaid}.` : '';
  return new FleetError(
    'SSH_AUTH_FAILED',
    `SSH authentication as ${who} failed: the server accepted none of ${tried.join(', ') || 'no credentials'}.${server} Check that the public key is in ${hop.user}'s authorized_keys on that host and that the user is right.`,
    { subject: hop.subject, detail: { user: hop.user, host: hop.host, port: hop.port, tried }, cause },
  );
}

/** The connection closed or broke before it was ready (handshake or auth not finished). */
export function closedDuring(hop: Hop, phase: 'handshake' | 'auth', why?: string): FleetError {
  const what = phase === 'handshake' ? 'the SSH handshake' : 'authentication';
  return new FleetError(
    'HOST_UNREACHABLE',
    `${endpoint(hop)} closed the connection during ${what}${why ? ` (${why})` : ''}. Is it an SSH server? Check the sshd log on that host (MaxStartups, AllowUsers, algorithms).`,
    { subject: hop.subject, detail: { host: hop.host, port: hop.port, phase } },
  );
}

/** An established connection broke (reset, keepalive timeout, sshd restarted). */
export function connectionLost(hop: Hop, why: string, cause?: unknown): FleetError {
  return new FleetError('HOST_UNREACHABLE', `the SSH connection to ${endpoint(hop)} was lost: ${why}. It reconnects on the next probe.`, {
    subject: hop.subject,
    detail: { host: hop.host, port: hop.port },
    cause,
  });
}

/** ssh2 'error' while connecting, classified by its `level` and the phase it came in. */
export function fromSsh2ConnectError(
  err: Error & { level?: string; code?: unknown },
  hop: Hop,
  phase: 'handshake' | 'auth',
  tried: string[],
): FleetError {
  if (err.level === 'client-socket' && typeof err.code === 'string') return unreachableFromSocketError(err as NodeJS.ErrnoException, hop);
  if (err.level === 'client-authentication') return authFailed(hop, tried, undefined, err);
  // A DISCONNECT from sshd during auth ("Too many authentication failures") is an auth failure.
  if (phase === 'auth' && typeof err.code === 'number') return authFailed(hop, tried, err.message, err);
  if (err.level === 'protocol' || err.level === 'handshake') {
    return new FleetError(
      'HOST_UNREACHABLE',
      `SSH handshake with ${endpoint(hop)} failed: ${err.message}. Check that an SSH server listens there and shares an algorithm with fleetops.`,
      { subject: hop.subject, detail: { host: hop.host, port: hop.port, phase }, cause: err },
    );
  }
  return closedDuring(hop, phase, err.message);
}
