import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { FleetError } from '../../../shared/errors';
import { HaproxyRuntime } from '../haproxy/runtime-client';
import { labHaproxyConfig, type LabHaproxyServer, type RuntimeLevel } from './lab-haproxy-config';

/**
 * Debian and most distributions install haproxy in /usr/sbin, which is not on a normal user's
 * PATH: look there after the PATH given.
 */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The `haproxy` executable in `searchPath` (a PATH value) or the sbin directories, or null. */
export async function haproxyAvailable(searchPath = ''): Promise<string | null> {
  for (const dir of [...searchPath.split(delimiter).filter((d) => d !== ''), ...SBIN_DIRS]) {
    const candidate = join(dir, 'haproxy');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there, or not executable
    }
  }
  return null;
}

export interface RunHaproxyOptions {
  /** Where the config is written. */
  dir: string;
  /** The admin UNIX socket the config declares: readiness is its answer to `show info`. */
  socketPath: string;
  /** How many free loopback ports `render` needs. */
  portCount: number;
  render: (ports: number[]) => string;
  haproxyPath?: string;
  /** Until the runtime socket answers. Default 10000. */
  startTimeoutMs?: number;
  /** Where free ports come from (tests inject a taken one). Default: the OS. */
  portSource?: (count: number) => Promise<number[]>;
}

export interface RunningHaproxy {
  pid: number;
  ports: number[];
  configFile: string;
  /** What haproxy printed (alerts, warnings) so far; the last 64 KiB. */
  log(): string;
  /** Soft stop (SIGUSR1), then SIGTERM, then SIGKILL, each after a grace period; resolves once it exited. */
  stop(): Promise<void>;
}

const START_ATTEMPTS = 5;
const LOG_LIMIT = 64 * 1024;

/**
 * Starts `haproxy -db -f DIR/haproxy.cfg` in the foreground and resolves once its runtime socket
 * answers `show info`. HAProxy cannot bind port 0, so ports come from the OS (listen on 0, close)
 * and a start that loses one of them to another process (EADDRINUSE) is retried with new ones.
 */
export async function runHaproxy(opts: RunHaproxyOptions): Promise<RunningHaproxy> {
  const haproxy = opts.haproxyPath ?? (await haproxyAvailable());
  if (!haproxy) throw new FleetError('NOT_FOUND', 'haproxy is not installed (not on PATH nor in /usr/sbin): install it (Debian: apt-get install haproxy) to run the lab load balancer.');
  const configFile = join(opts.dir, 'haproxy.cfg');
  for (let attempt = 1; ; attempt++) {
    const ports = await (opts.portSource ?? freePorts)(opts.portCount);
    await writeFile(configFile, opts.render(ports), { mode: 0o600 });
    // A socket file left by an earlier run would answer nothing and only confuse the wait.
    await rm(opts.socketPath, { force: true });
    const started = start(haproxy, configFile);
    try {
      await waitUntilAnswering(started, opts.socketPath, opts.startTimeoutMs ?? 10_000);
      return { pid: started.child.pid!, ports, configFile, log: () => started.log.text, stop: () => stopProcess(started.child) };
    } catch (err) {
      await stopProcess(started.child);
      if (attempt < START_ATTEMPTS && /Address already in use/.test(started.log.text)) continue;
      throw err;
    }
  }
}

export interface StartLabHaproxyOptions {
  dir: string;
  backends: Record<string, LabHaproxyServer[]>;
  /** Owner of the admin socket, e.g. the SSH user that reaches it. Default: whoever runs haproxy. */
  socketUser?: string;
  /** One extra runtime socket on TCP 127.0.0.1 per level listed. */
  tcpRuntime?: RuntimeLevel[];
  /** Serve HAProxy's HTML stats page too. */
  statsPage?: boolean;
  haproxyPath?: string;
  portSource?: RunHaproxyOptions['portSource'];
}

export interface LabHaproxy {
  /** "http://127.0.0.1:PORT": the load balanced entry point. */
  frontendUrl: string;
  /** The admin runtime socket (`mode 600 level admin`). */
  socketPath: string;
  statsUrl?: string;
  tcpRuntime: Array<{ level: RuntimeLevel; host: string; port: number }>;
  configFile: string;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

/** The lab load balancer: HAProxy in front of `backends` (see labHaproxyConfig for what it configures). */
export async function startLabHaproxy(opts: StartLabHaproxyOptions): Promise<LabHaproxy> {
  const socketPath = join(opts.dir, 'admin.sock');
  const levels = opts.tcpRuntime ?? [];
  const portCount = 1 + levels.length + (opts.statsPage ? 1 : 0);
  const layout = (ports: number[]) => ({
    frontendPort: ports[0]!,
    tcpRuntime: levels.map((level, i) => ({ level, port: ports[1 + i]! })),
    statsPort: opts.statsPage ? ports[1 + levels.length] : undefined,
  });
  const running = await runHaproxy({
    dir: opts.dir,
    socketPath,
    portCount,
    haproxyPath: opts.haproxyPath,
    portSource: opts.portSource,
    render: (ports) => labHaproxyConfig({ socketPath, socketUser: opts.socketUser, backends: opts.backends, ...layout(ports) }),
  });
  const { frontendPort, tcpRuntime, statsPort } = layout(running.ports);
  return {
    frontendUrl: `http://127.0.0.1:${frontendPort}`,
    socketPath,
    statsUrl: statsPort === undefined ? undefined : `http://127.0.0.1:${statsPort}/`,
    tcpRuntime: tcpRuntime.map((s) => ({ level: s.level, host: '127.0.0.1', port: s.port })),
    configFile: running.configFile,
    pid: running.pid,
    log: running.log,
    stop: running.stop,
  };
}

interface Started {
  child: ChildProcess;
  log: { text: string };
  exited: Promise<void>;
}

function start(haproxy: string, configFile: string): Started {
  // -db: foreground, no daemon, so the child is HAProxy itself and exits when it stops.
  const child = spawn(haproxy, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { text: '' };
  const append = (chunk: Buffer): void => {
    log.text = (log.text + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A spawn failure (ENOENT, EACCES) comes as 'error', with no 'exit' guaranteed after it.
    child.once('error', (err) => {
      append(Buffer.from(`spawn ${haproxy}: ${err.message}\n`));
      resolve();
    });
  });
  return { child, log, exited };
}

async function waitUntilAnswering(started: Started, socketPath: string, timeoutMs: number): Promise<void> {
  const runtime = new HaproxyRuntime({ kind: 'unix', path: socketPath }, { timeoutMs: 1000 });
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void started.exited.then(() => (exited = true));
  let last: unknown;
  for (;;) {
    if (exited) {
      throw new FleetError('INTERNAL', `haproxy exited before its runtime socket answered:\n${started.log.text.trim()}`, { detail: { log: started.log.text } });
    }
    try {
      await runtime.showInfo();
      return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new FleetError('INTERNAL', `haproxy's runtime socket ${socketPath} did not answer within ${timeoutMs} ms (${(last as Error).message}):\n${started.log.text.trim()}`, {
        detail: { log: started.log.text },
      });
    }
    // Poll: HAProxy announces nothing when it is ready in -db mode.
    await Promise.race([new Promise((r) => setTimeout(r, 20)), started.exited]);
  }
}

/** SIGUSR1 lets HAProxy finish what it serves; SIGTERM stops it at once; SIGKILL if all else fails. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, graceMs] of [['SIGUSR1', 3000], ['SIGTERM', 2000], ['SIGKILL', 5000]] as const) {
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(timer);
    if (waited) return;
  }
}

/** `count` distinct loopback ports free right now: all held open at once, then released. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
