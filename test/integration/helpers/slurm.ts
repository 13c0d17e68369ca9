/**
 * A real Slurm 22.05 (Debian 12's packages) for integration tests, on loopback, in a temp dir of
 * its own: munged with its own key and socket, slurmctld, several `slurmd -N nodeN` on this one
 * machine (Debian builds Slurm with multiple-slurmd support), fake GPUs as GRES, and slurmrestd
 * with JWT auth. Start-up to "every node idle, REST answering" takes about a second.
 *
 * Traps measured here, each handled below where it bites:
 * - a GRES `File=` must be a device: symlinks to /dev/null work, plain files do not;
 * - slurmrestd refuses to run as root (`-u nobody`) and needs `SLURM_JWT=daemon` to pass the
 *   caller's token on; an EMPTY `SLURM_JWT` in a client's environment breaks munge auth, so
 *   clients get an environment without any SLURM_* variable of the test process;
 * - without slurmdbd, `AccountingStorageTRES=gres/gpu` is fatal (so it is not set);
 * - the spool and state directories must exist before the daemons start;
 * - slurmd ignores SIGTERM while it cannot reach the controller: stop() signals slurmd while the
 *   controller is still up, then KILLs whatever outlives a deadline, and waits for every child;
 * - batch steps (slurmstepd and the job's processes) are not children of slurmd once started
 *   (they are re-parented), so stop() also kills every process working in this instance's
 *   directory (`sbatch()` runs jobs there) before it removes the directory.
 *
 * Node admin rights: draining and resuming a node needs root or SlurmUser (without slurmdbd there
 * are no AdminLevel users). `slurmUser` makes a given account SlurmUser, so a test can run
 * `scontrol update NodeName=… State=DRAIN` as that user, e.g. as the test sshd's `fleetops-test`
 * over SSH (the product path: `scontrol` on the cluster's `controlVia` node). A remote `scontrol`
 * needs only `SLURM_CONF` (see `remoteEnv`): the munge socket is named in slurm.conf
 * (`AuthInfo=socket=…`), and the directory is readable by every user.
 *
 * Needs root (munged, slurmd and slurmctld's setuid to SlurmUser).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, waitFor } from './free-port';
import { descendantsOf, signalQuietly } from './process-tree';
import { clientEnv, gresConf, layout, slurmConf } from './slurm-config';

export const SLURM_BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/slurmrestd', '/usr/sbin/munged', '/usr/bin/scontrol', '/usr/bin/sbatch'];

/** Whether Debian's Slurm packages are installed (the suite needs them; .ci/run installs them). */
export function slurmAvailable(): boolean {
  return SLURM_BINARIES.every((bin) => existsSync(bin));
}

export interface SlurmOptions {
  /** How many `slurmd -N` nodes. Default 3. */
  nodes?: number;
  /** Node names are `${nodePrefix}1`…. Default "node". */
  nodePrefix?: string;
  /** Fake GPUs per node (GRES `gpu:<gpuType>:<n>`). Default 4. */
  gpusPerNode?: number;
  gpuType?: string;
  /** CPUs each node claims (SlurmdParameters=config_overrides lets it claim more than the host has). Default 8. */
  cpusPerNode?: number;
  /**
   * SlurmUser: the account slurmctld runs as and that may drain, resume and requeue. Default root.
   * The account must exist (the sshd helper creates `fleetops-test` on first start).
   */
  slurmUser?: string;
  /** Who the REST token is for. Default `slurmUser`. */
  tokenUser?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface TestSlurm {
  /** slurmrestd's base URL: http://127.0.0.1:<port> */
  url: string;
  /** X-SLURM-USER-NAME / X-SLURM-USER-TOKEN for `url`. */
  user: string;
  token: string;
  nodeNames: string[];
  partition: string;
  gpusPerNode: number;
  gpuType: string;
  slurmUser: string;
  dir: string;
  confFile: string;
  mungeSocket: string;
  /** The environment local Slurm clients run with: this process's, minus SLURM_*, plus SLURM_CONF. */
  env: NodeJS.ProcessEnv;
  /** What `scontrol` on another account or host (an SSH session) must have in its environment. */
  remoteEnv: { SLURM_CONF: string };
  /** Runs a Slurm client (scontrol, squeue, …) locally as root with `env`. */
  run(command: string, args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** `sbatch` as root, working in this instance's directory; returns the job id. */
  sbatch(args: string[]): Promise<number>;
  /** A fresh JWT for `user`. */
  tokenFor(user: string, lifespanSeconds?: number): Promise<string>;
  /** Stops slurmrestd only (the REST API goes away; Slurm keeps running). */
  stopRestd(): Promise<void>;
  /** Starts slurmrestd again on the same port. */
  startRestd(): Promise<void>;
  /** What a daemon wrote to stderr (the last 256 KiB): "munged", "slurmctld", "slurmrestd", or a node name. */
  log(daemon: string): string;
  /** Stops everything (deadline, then KILL), waits for every process, removes the directory. */
  stop(): Promise<void>;
}

const LOG_CAP = 256 * 1024;
const STOP_DEADLINE_MS = 5000;
/** What slurmrestd serves: 22.05's current plugin plus an older one, so detection has to choose. */
const REST_PLUGINS = 'openapi/v0.0.38,openapi/v0.0.37';

interface Daemon {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
  log: () => string;
}

export async function startSlurm(options: SlurmOptions = {}): Promise<TestSlurm> {
  if (process.getuid?.() !== 0) throw new Error('the Slurm integration helper must run as root (munged, slurmd, SlurmUser)');
  if (!slurmAvailable()) throw new Error(`Slurm is not installed (need ${SLURM_BINARIES.join(', ')}; apt-get install slurmctld slurmd slurm-client slurmrestd slurm-wlm-jwt-plugin munge)`);
  // A port picked from the OS can be taken before the daemon binds it: start again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/i.test(String(err))) throw err;
    }
  }
}

async function startOnce(options: SlurmOptions): Promise<TestSlurm> {
  const nodeCount = options.nodes ?? 3;
  const prefix = options.nodePrefix ?? 'node';
  const gpusPerNode = options.gpusPerNode ?? 4;
  const gpuType = options.gpuType ?? 'h100';
  const slurmUser = options.slurmUser ?? 'root';
  const tokenUser = options.tokenUser ?? slurmUser;
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `${prefix}${i + 1}`);
  const partition = 'gpu';

  const dir = mkdtempSync(join(tmpdir(), 'fleetops-slurm-'));
  // Read by slurmrestd (nobody), by slurmctld (SlurmUser) and by the test user's remote scontrol.
  chmodSync(dir, 0o755);
  const daemons: Daemon[] = [];
  let restd: Daemon | undefined;
  try {
    const paths = layout(dir, nodeNames, gpusPerNode, slurmUser);
    const ports = { ctld: await closedPort(), restd: await closedPort(), nodes: await Promise.all(nodeNames.map(() => closedPort())) };
    writeFileSync(paths.conf, slurmConf({ dir, paths, ports, nodeNames, partition, gpusPerNode, gpuType, slurmUser, cpus: options.cpusPerNode ?? 8 }), { mode: 0o644 });
    writeFileSync(join(dir, 'gres.conf'), gresConf(nodeNames, gpuType, paths.dev, gpusPerNode), { mode: 0o644 });
    const env = clientEnv(paths.conf);

    daemons.push(launch('munged', '/usr/sbin/munged', ['-F', '-f', '-S', paths.mungeSocket, `--key-file=${paths.mungeKey}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--seed-file=${join(dir, 'munge', 'seed')}`, '--num-threads=2'], env, dir));
    await whileRunning(daemons, waitFor(() => existsSync(paths.mungeSocket), { what: 'munged socket', timeoutMs: 10_000, intervalMs: 20 }));

    daemons.push(launch('slurmctld', '/usr/sbin/slurmctld', ['-D', '-f', paths.conf], env, dir));
    for (const node of nodeNames) daemons.push(launch(node, '/usr/sbin/slurmd', ['-D', '-N', node, '-f', paths.conf], env, dir));
    const restdArgs = ['-f', paths.conf, '-u', 'nobody', '-g', 'nogroup', '-a', 'rest_auth/jwt', '-s', REST_PLUGINS, `127.0.0.1:${ports.restd}`];
    const startRestd = (): Daemon => launch('slurmrestd', '/usr/sbin/slurmrestd', restdArgs, { ...env, SLURM_JWT: 'daemon' }, dir);
    restd = startRestd();

    const run = (command: string, args: string[], timeoutMs = 15_000) => runClient(command, args, env, timeoutMs);
    const tokenFor = async (user: string, lifespanSeconds = 3600): Promise<string> => {
      const res = await run('/usr/bin/scontrol', ['token', `username=${user}`, `lifespan=${lifespanSeconds}`]);
      const token = /SLURM_JWT=(\S+)/.exec(res.stdout)?.[1];
      if (res.code !== 0 || !token) throw new Error(`scontrol token failed (${res.code}): ${res.stderr || res.stdout}`);
      return token;
    };

    const all = (): Daemon[] => (restd ? [...daemons, restd] : daemons);
    const token = await whileRunning(all(), waitFor(() => tokenFor(tokenUser), { what: 'slurmctld to hand out a token', timeoutMs: 15_000, intervalMs: 50 }));
    await whileRunning(all(), waitFor(
      async () => {
        const res = await run('/usr/bin/sinfo', ['-h', '-N', '-o', '%N %T']);
        const idle = new Set(res.stdout.split('\n').filter((l) => l.endsWith(' idle')).map((l) => l.split(' ')[0]));
        return nodeNames.every((n) => idle.has(n));
      },
      { what: `nodes ${nodeNames.join(', ')} idle`, timeoutMs: 20_000, intervalMs: 50 },
    ));
    const url = `http://127.0.0.1:${ports.restd}`;
    const waitRestd = () =>
      whileRunning(all(), waitFor(async () => (await httpStatus(`${url}/openapi/v3`, tokenUser, token)) === 200, { what: 'slurmrestd to answer', timeoutMs: 15_000, intervalMs: 30 }));
    await waitRestd();

    const stopDaemon = async (d: Daemon | undefined): Promise<void> => {
      if (!d) return;
      d.proc.kill('SIGTERM');
      const timer = setTimeout(() => d.proc.kill('SIGKILL'), STOP_DEADLINE_MS);
      await d.exited;
      clearTimeout(timer);
    };
    let stopped = false;
    return {
      url,
      user: tokenUser,
      token,
      nodeNames,
      partition,
      gpusPerNode,
      gpuType,
      slurmUser,
      dir,
      confFile: paths.conf,
      mungeSocket: paths.mungeSocket,
      env,
      remoteEnv: { SLURM_CONF: paths.conf },
      run,
      sbatch: async (args) => {
        const res = await run('/usr/bin/sbatch', ['--parsable', `--chdir=${paths.jobs}`, '--output=/dev/null', '--error=/dev/null', ...args]);
        const id = Number(/^(\d+)/.exec(res.stdout.trim())?.[1]);
        if (res.code !== 0 || !Number.isInteger(id)) throw new Error(`sbatch failed (${res.code}): ${res.stderr || res.stdout}`);
        return id;
      },
      tokenFor,
      stopRestd: async () => {
        const d = restd;
        restd = undefined;
        await stopDaemon(d);
      },
      startRestd: async () => {
        if (restd) return;
        restd = startRestd();
        await waitRestd();
      },
      log: (name) => all().find((d) => d.name === name)?.log() ?? '',
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await shutdown(dir, daemons, restd);
        restd = undefined;
      },
    };
  } catch (err) {
    const logs = [...daemons, ...(restd ? [restd] : [])].map((d) => `--- ${d.name}:\n${d.log().slice(-4000)}`).join('\n');
    await shutdown(dir, daemons, restd);
    throw new Error(`Slurm did not start: ${(err as Error).message}\n${logs}`, { cause: err });
  }
}

function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Daemon {
  // Working in `cwd` (the instance's directory) marks the daemons' detached descendants too:
  // slurmstepd inherits slurmd's working directory, and stop() finds them by it.
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

/** `ready`, unless one of the daemons exits first: then at once, with what it said. */
async function whileRunning<T>(daemons: Daemon[], ready: Promise<T>): Promise<T> {
  let onExit: (() => void) | undefined;
  const died = new Promise<never>((_, reject) => {
    onExit = () => {
      const dead = daemons.find((d) => d.proc.exitCode !== null || d.proc.signalCode !== null)!;
      reject(new Error(`${dead.name} exited (${dead.proc.exitCode ?? dead.proc.signalCode}) while starting`));
    };
    for (const d of daemons) d.proc.once('exit', onExit);
    if (daemons.some((d) => d.proc.exitCode !== null || d.proc.signalCode !== null)) onExit();
  });
  // `ready` may still fail after a daemon died; that rejection is of no interest then.
  ready.catch(() => undefined);
  try {
    return await Promise.race([ready, died]);
  } finally {
    for (const d of daemons) d.proc.off('exit', onExit!);
  }
}

function runClient(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CommandResult> {
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
function httpStatus(url: string, user: string, token: string): Promise<number> {
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

/**
 * slurmrestd first, then the slurmd (while the controller still answers: without it they ignore
 * SIGTERM), then the jobs they left (batch steps are re-parented, not their children), then the
 * controller and munged. Every stage: SIGTERM, a deadline, SIGKILL, and wait for the exit.
 */
async function shutdown(dir: string, daemons: Daemon[], restd: Daemon | undefined): Promise<void> {
  const stage = async (list: Daemon[]): Promise<void> => {
    const live = list.filter((d) => d.proc.exitCode === null && d.proc.signalCode === null);
    for (const d of live) d.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const d of live) for (const pid of [d.proc.pid!, ...descendantsOf(d.proc.pid!)]) signalQuietly(pid, 'SIGKILL');
    }, STOP_DEADLINE_MS);
    await Promise.all(list.map((d) => d.exited));
    clearTimeout(timer);
  };
  if (restd) await stage([restd]);
  await stage(daemons.filter((d) => d.name !== 'slurmctld' && d.name !== 'munged'));
  await killJobsIn(dir);
  await stage(daemons.filter((d) => d.name === 'slurmctld'));
  await stage(daemons.filter((d) => d.name === 'munged'));
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
