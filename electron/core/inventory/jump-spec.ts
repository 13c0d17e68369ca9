/** A jump host written out as `[user@]host[:port]` (IPv6 hosts in brackets: `[fd00::1]:2222`). */
export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/**
 * Tells a node reference from a host spec. A bare word is always a node name, so a typo in a
 * node name is reported instead of being dialled as a hostname; a bastion outside the inventory
 * is written with `@` or `:` (e.g. `ops@bastion.example.com` or `bastion.example.com:22`).
 */
export function isJumpSpec(jump: string): boolean {
  return jump.includes('@') || jump.includes(':');
}

/** Parses `[user@]host[:port]`; returns an error message instead of throwing so callers can attach a position. */
export function parseJumpSpec(jump: string): { ok: true; spec: JumpSpec } | { ok: false; message: string } {
  if (/\s/.test(jump)) return fail(jump, 'contains whitespace');
  const at = jump.lastIndexOf('@');
  const user = at >= 0 ? jump.slice(0, at) : undefined;
  const hostPort = at >= 0 ? jump.slice(at + 1) : jump;
  if (user !== undefined && (user === '' || user.includes('@'))) return fail(jump, 'user before "@" is empty or malformed');

  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return fail(jump, 'unclosed "[" around an IPv6 address');
    host = hostPort.slice(1, close);
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return fail(jump, 'unexpected text after "]"');
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const parts = hostPort.split(':');
    if (parts.length > 2) return fail(jump, 'more than one ":" (write IPv6 addresses as [addr]:port)');
    host = parts[0];
    portText = parts[1];
  }
  if (host === '') return fail(jump, 'host is empty');

  if (portText === undefined) return { ok: true, spec: withUser({ host }, user) };
  if (!/^\d{1,5}$/.test(portText)) return fail(jump, `port "${portText}" is not a number`);
  const port = Number(portText);
  if (port < 1 || port > 65535) return fail(jump, `port ${port} is out of range 1-65535`);
  return { ok: true, spec: withUser({ host, port }, user) };
}

function withUser(spec: JumpSpec, user: string | undefined): JumpSpec {
  return user === undefined ? spec : { ...spec, user };
}

function fail(jump: string, why: string): { ok: false; message: string } {
  return { ok: false, message: `invalid jump "${jump}": ${why} (expected a node name or [user@]host[:port])` };
}
