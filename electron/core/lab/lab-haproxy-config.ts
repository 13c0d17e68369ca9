import { FleetError } from '../../../shared/errors';

export interface LabHaproxyServer {
  name: string;
  host: string;
  port: number;
  /** Starts in maintenance (`disabled`): a spare, out of rotation until a runbook brings it in. */
  disabled?: boolean;
  /** HAProxy's `weight` (default 1): relative share of the backend's traffic. */
  weight?: number;
}

/** Runtime API privilege of a `stats socket` (HAProxy's `level`). */
export type RuntimeLevel = 'admin' | 'operator' | 'user';

export interface LabHaproxyConfigInput {
  /** The admin UNIX socket: `stats socket PATH mode 600 level admin`. */
  socketPath: string;
  /** Owner of the admin socket (`user NAME`), so that user (e.g. an SSH login) may use it. */
  socketUser?: string;
  frontendPort: number;
  /** Extra runtime sockets on TCP 127.0.0.1 (`stats socket ipv4@127.0.0.1:PORT level L`). */
  tcpRuntime: Array<{ level: RuntimeLevel; port: number }>;
  /** HAProxy's HTML stats page on 127.0.0.1. */
  statsPort?: number;
  /** Backend name → its servers. One backend: everything goes there. Several: `/NAME/…` goes to NAME, the rest to the first. */
  backends: Record<string, LabHaproxyServer[]>;
}

/** HAProxy's identifier characters (invalid_char() in its tools.c). */
const IDENTIFIER = /^[A-Za-z0-9._:-]{1,100}$/;
/** A host name or IPv4 address: nothing that could end a config token. */
const HOST = /^[A-Za-z0-9.-]{1,253}$/;
const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
/** sun_path is 108 bytes with the terminating NUL on Linux. */
const MAX_SOCKET_PATH = 107;

/**
 * The lab load balancer's haproxy.cfg: HTTP mode, round robin, HTTP health checks on /health
 * every second (fall 2, rise 2: a dead server is out within ~2 s), and the runtime API on a UNIX
 * socket. Every value is checked first: a name or path with a space or newline would otherwise
 * change the configuration's meaning.
 */
export function labHaproxyConfig(input: LabHaproxyConfigInput): string {
  checkInput(input);
  const names = Object.keys(input.backends);
  const lines = [
    '# Written by fleetops lab (electron/core/lab/lab-haproxy-config.ts).',
    'global',
    // One thread: a lab needs little, and it shares the machine with the rest of the lab.
    '  nbthread 1',
    `  stats socket ${input.socketPath} mode 600 level admin${input.socketUser ? ` user ${input.socketUser}` : ''}`,
    ...input.tcpRuntime.map((s) => `  stats socket ipv4@127.0.0.1:${s.port} level ${s.level}`),
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    '  retries 3',
    '  option redispatch',
    '',
    'frontend fe',
    `  bind 127.0.0.1:${input.frontendPort}`,
    ...(names.length > 1 ? names.map((name) => `  use_backend ${name} if { path_beg /${name}/ }`) : []),
    `  default_backend ${names[0]}`,
    '',
  ];
  if (input.statsPort !== undefined) {
    lines.push('listen stats', `  bind 127.0.0.1:${input.statsPort}`, '  stats enable', '  stats uri /', '  stats refresh 5s', '');
  }
  for (const name of names) {
    lines.push(`backend ${name}`, '  balance roundrobin', '  option httpchk GET /health');
    for (const server of input.backends[name]!) {
      lines.push(`  server ${server.name} ${server.host}:${server.port} check inter 1s fall 2 rise 2${server.weight !== undefined ? ` weight ${server.weight}` : ''}${server.disabled ? ' disabled' : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function checkInput(input: LabHaproxyConfigInput): void {
  const bad = (what: string): never => {
    throw new FleetError('BAD_REQUEST', `lab HAProxy: ${what}.`);
  };
  const names = Object.keys(input.backends);
  if (names.length === 0) bad('at least one backend is needed');
  for (const name of names) {
    if (!IDENTIFIER.test(name) || name === 'fe' || name === 'stats') bad(`backend name ${JSON.stringify(name)} is not a HAProxy identifier, or is taken by the lab (fe, stats)`);
    const servers = input.backends[name]!;
    if (servers.length === 0) bad(`backend ${name} has no server`);
    const seen = new Set<string>();
    for (const s of servers) {
      if (!IDENTIFIER.test(s.name)) bad(`server name ${JSON.stringify(s.name)} in ${name} is not a HAProxy identifier`);
      if (seen.has(s.name)) bad(`server ${s.name} appears twice in ${name}`);
      seen.add(s.name);
      if (!HOST.test(s.host)) bad(`server ${name}/${s.name} has host ${JSON.stringify(s.host)}: use a host name or an IPv4 address`);
      checkPort(s.port, `server ${name}/${s.name}`, bad);
      if (s.weight !== undefined && (!Number.isInteger(s.weight) || s.weight < 0 || s.weight > 256)) bad(`server ${name}/${s.name} has weight ${s.weight}: HAProxy takes an integer from 0 to 256`);
    }
  }
  if (!input.socketPath.startsWith('/') || /[\s"'#\\]/.test(input.socketPath) || Buffer.byteLength(input.socketPath) > MAX_SOCKET_PATH) {
    bad(`socket path ${JSON.stringify(input.socketPath)} must be absolute, at most ${MAX_SOCKET_PATH} bytes, without spaces, quotes, '#' or '\\'`);
  }
  if (input.socketUser !== undefined && !UNIX_USER.test(input.socketUser)) bad(`socket user ${JSON.stringify(input.socketUser)} is not a user name`);
  checkPort(input.frontendPort, 'the frontend', bad);
  if (input.statsPort !== undefined) checkPort(input.statsPort, 'the stats page', bad);
  for (const s of input.tcpRuntime) {
    if (!['admin', 'operator', 'user'].includes(s.level)) bad(`runtime level ${JSON.stringify(s.level)} is not admin, operator or user`);
    checkPort(s.port, `the ${s.level} runtime socket`, bad);
  }
}

function checkPort(port: number, what: string, bad: (what: string) => never): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`${what} has port ${port}, not 1-65535`);
}
