/**
 * The process side of a lab Slurm (lab-slurm.ts): launching a daemon with both pipes drained,
 * waiting for readiness unless a daemon dies first, running a Slurm client without a shell, and
 * stopping everything in the order Slurm needs, each stage with a deadline, then KILL, then a
 * wait for the exit.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';

const LOG_CAP = 256 * 1024;
export const STOP_DEADLINE_MS = 5000;

export interface Daemon {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
  log: () => string;
}

export interface ClientResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Daemon {
  // Working in `cwd` (the instance's directory) marks the daemons' detached descendants too:
  // slurmstepd inherits slurmd's working directory, and shutdown() finds them by it.
  const proc = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    if (text.length > LOG_CAP) text = text.slice(-LOG_CAP);
  };
  // Both pipes are always drained: a daemon blocked on a full pipe looks like a hang.
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  proc.once('error', (err) => keep(Buffer.from(`spawn failed: ${err.message}\n`)));
  return { name, proc, exited, log: () => text };
}

const hasExited = (d: Daemon): boolean => d.proc.exitCode !== null || d.proc.signalCode !== null;

/** `ready`, unless one of the daemons exits first: then at once, with what it said. */
export async function whileRunning<T>(daemons: Daemon[], ready: Promise<T>): Promise<T> {
  let onExit: (() => void) | undefined;
  const died = new Promise<never>((_, reject) => {
    onExit = () => {
      const dead = daemons.find(hasExited)!;
      reject(new Error(`${dead.name} exited (${dead.proc.exitCode ?? dead.proc.signalCode}) while starting`));
    };
    for (const d of daemons) d.proc.once('exit', onExit);
    if (daemons.some(hasExited)) onExit();
  });
  // `ready` may still fail after a daemon died; that rejection is of no interest then.
  ready.catch(() => undefined);
  try {
    return await Promise.race([ready, died]);
  } finally {
    for (const d of daemons) d.proc.off('exit', onExit!);
  }
}

/** Polls `cond` until it is truthy or the deadline passes (daemons have no "ready" event to await). */
export async function pollUntil<T>(cond: () => T | Promise<T>, opts: { what: string; timeoutMs: number; intervalMs: number }): Promise<NonNullable<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
}

/** Runs a Slurm client with execFile (no shell): a non-zero exit is a result, not a throw. */
export function runClient(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ClientResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      // A non-zero exit has a numeric code; a timeout or a spawn failure has none (say why instead).
      const exit = (err as { code?: unknown } | null)?.code;
      const code = !err ? 0 : typeof exit === 'number' ? exit : -1;
      resolve({ stdout, stderr: code === -1 ? `${stderr}${err!.message}` : stderr, code });
    });
  });
}

/**
 * The status slurmrestd answers with. Taken from the status line alone: 22.05 sends bytes after
 * the body that Node's HTTP parser rejects ("Expected HTTP/") once the response is complete.
 */
export function httpStatus(url: string, user: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { 'X-SLURM-USER-NAME': user, 'X-SLURM-USER-TOKEN': token }, timeout: 2000, agent: false }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** SIGTERM, a deadline, SIGKILL (the daemon and its descendants), and a wait for every exit. */
export async function stopDaemons(list: Daemon[]): Promise<void> {
  const live = list.filter((d) => !hasExited(d));
  for (const d of live) d.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const d of live) for (const pid of [d.proc.pid!, ...descendantsOf(d.proc.pid!)]) signalQuietly(pid, 'SIGKILL');
  }, STOP_DEADLINE_MS);
  await Promise.all(list.map((d) => d.exited));
  clearTimeout(timer);
}

/**
 * slurmrestd first, then the slurmd (while the controller still answers: without it they ignore
 * SIGTERM), then the jobs they left (batch steps are re-parented, not their children), then the
 * controller and munged; then the directory goes.
 */
export async function shutdownSlurm(dir: string, daemons: Daemon[], restd: Daemon | undefined): Promise<void> {
  if (restd) await stopDaemons([restd]);
  await stopDaemons(daemons.filter((d) => d.name !== 'slurmctld' && d.name !== 'munged'));
  await killJobsIn(dir);
  await stopDaemons(daemons.filter((d) => d.name === 'slurmctld'));
  await stopDaemons(daemons.filter((d) => d.name === 'munged'));
  rmSync(dir, { recursive: true, force: true });
}

/** Kills every process working in `dir` (slurmstepd and its job run where the job was submitted). */
async function killJobsIn(dir: string): Promise<void> {
  const inDir = (pid: number): boolean => {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) return true;
    } catch {
      // exited, or a kernel thread
    }
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  };
  const find = (): number[] => {
    const found = new Set<number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      if (pid === process.pid || !inDir(pid) || !alive(pid)) continue;
      found.add(pid);
      for (const child of descendantsOf(pid)) found.add(child);
    }
    return [...found];
  };
  const deadline = Date.now() + STOP_DEADLINE_MS;
  for (let pids = find(); pids.length > 0; pids = find()) {
    for (const pid of pids) signalQuietly(pid, 'SIGKILL');
    if (Date.now() > deadline) throw new Error(`processes in ${dir} outlived SIGKILL: ${pids.join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Not yet exited; a zombie has (its parent, not us, has to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Every process below `root`, from /proc (ppid is the 4th field of /proc/<pid>/stat). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name (2nd field) is parenthesised and may contain spaces: parse after ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
