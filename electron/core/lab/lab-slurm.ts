/**
 * A real Slurm 22.05 (Debian 12's packages) on loopback, in a temp dir of its own: munged with its
 * own key and socket, slurmctld, one `slurmd -N NAME` per node on this one machine (Debian builds
 * Slurm with multiple-slurmd support), fake GPUs as GRES, and slurmrestd with JWT auth. The lab
 * runs its training clusters under it; the integration tests start it through
 * test/integration/helpers/slurm.ts. Start-up to "every node idle, REST answering" takes about a
 * second.
 *
 * Traps measured here (electron/core/slurm/README.md), each handled where it bites:
 * - a GRES `File=` must be a device: symlinks to /dev/null work, plain files do not;
 * - slurmrestd refuses to run as root (`-u nobody`) and needs `SLURM_JWT=daemon` to pass the
 *   caller's token on; an EMPTY `SLURM_JWT` in a client's environment breaks munge auth, so
 *   clients get an environment without any SLURM_* variable of this process;
 * - without slurmdbd, `AccountingStorageTRES=gres/gpu` is fatal (so it is not set);
 * - the spool and state directories must exist before the daemons start;
 * - slurmd ignores SIGTERM while it cannot reach the controller: stop() signals slurmd while the
 *   controller is still up, then KILLs whatever outlives a deadline, and waits for every child;
 * - batch steps are re-parented away from slurmd, so stop() also kills every process working in
 *   this instance's directory (`sbatch()` runs jobs there) before it removes the directory.
 *
 * Node admin rights: draining and resuming needs root or SlurmUser (without slurmdbd there are no
 * AdminLevel users). A remote `scontrol` needs only `SLURM_CONF` (see `remoteEnv`): the munge
 * socket is named in slurm.conf (`AuthInfo=socket=…`), and the directory is readable by everyone.
 *
 * Needs root (munged, slurmd and slurmctld's setuid to SlurmUser).
 */
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetError } from '../../../shared/errors';
import { freePorts } from './lab-haproxy';
import { gresConf, slurmClientEnv, slurmConf, slurmLayout, type SlurmNodeSpec } from './lab-slurm-config';
import { httpStatus, launch, pollUntil, runClient, shutdownSlurm, stopDaemons, whileRunning, type ClientResult, type Daemon } from './lab-slurm-processes';

export type { SlurmNodeSpec } from './lab-slurm-config';
export type { ClientResult } from './lab-slurm-processes';

const DAEMONS = ['slurmctld', 'slurmd', 'slurmrestd', 'munged'] as const;
const CLIENTS = ['scontrol', 'sbatch', 'sinfo'] as const;
type SlurmProgram = (typeof DAEMONS)[number] | (typeof CLIENTS)[number];
export type SlurmBinaries = Record<SlurmProgram, string>;

/** Where Debian puts them (daemons in sbin, clients in bin); /usr/local for a source build. */
export const SLURM_SEARCH_DIRS: readonly string[] = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/bin'];
export const SLURM_INSTALL_HINT = 'apt-get install slurmctld slurmd slurm-client slurmrestd slurm-wlm-jwt-plugin munge';

/** Every program the lab Slurm runs, found in `dirs`; or which are missing. */
export function findSlurm(dirs: readonly string[] = SLURM_SEARCH_DIRS): { binaries: SlurmBinaries; missing: [] } | { binaries: null; missing: string[] } {
  const found: Partial<SlurmBinaries> = {};
  const missing: string[] = [];
  for (const program of [...DAEMONS, ...CLIENTS]) {
    const path = dirs.map((d) => join(d, program)).find((p) => executable(p));
    if (path) found[program] = path;
    else missing.push(program);
  }
  return missing.length === 0 ? { binaries: found as SlurmBinaries, missing: [] } : { binaries: null, missing };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return existsSync(path);
  } catch {
    return false;
  }
}

export interface LabSlurmOptions {
  nodes: readonly SlurmNodeSpec[];
  /** GRES type of every fake GPU (`gpu:<type>:<n>`). Default "h100". */
  gpuType?: string;
  /** CPUs each node claims (SlurmdParameters=config_overrides lets it claim more than the host has). Default 8. */
  cpusPerNode?: number;
  /** SlurmUser: the account slurmctld runs as and that may drain, resume and requeue. Default root. */
  slurmUser?: string;
  /** Who the REST token is for. Default `slurmUser`. */
  tokenUser?: string;
  /** The token's lifetime. Default one hour; the lab asks for longer. */
  tokenLifespanSeconds?: number;
  clusterName?: string;
  /** Default: findSlurm(). */
  binaries?: SlurmBinaries;
  /** Where the instance's temp dir is made. Default the system temp folder. */
  parentDir?: string;
}

export interface LabSlurm {
  /** slurmrestd's base URL: http://127.0.0.1:<port> */
  url: string;
  /** X-SLURM-USER-NAME / X-SLURM-USER-TOKEN for `url`. */
  user: string;
  token: string;
  nodeNames: string[];
  /** The default partition (`gpu`): where jobs submitted without `-p` run. */
  partition: string;
  /** Every partition and its nodes: the default one, and e.g. `spare` for spare nodes. */
  partitions: Record<string, string[]>;
  gpuType: string;
  slurmUser: string;
  dir: string;
  confFile: string;
  mungeSocket: string;
  binaries: SlurmBinaries;
  /** The environment local Slurm clients run with: this process's, minus SLURM_*, plus SLURM_CONF. */
  env: NodeJS.ProcessEnv;
  /** What `scontrol` on another account or host (an SSH session) must have in its environment. */
  remoteEnv: { SLURM_CONF: string };
  /** Runs a Slurm client (scontrol, squeue, …) locally with `env`, without a shell. */
  run(command: string, args: string[], timeoutMs?: number): Promise<ClientResult>;
  /** `sbatch`, working in this instance's directory; returns the job id. */
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

/** What slurmrestd serves: 22.05's current plugin plus an older one, so detection has to choose. */
const REST_PLUGINS = 'openapi/v0.0.38,openapi/v0.0.37';

export async function startLabSlurm(options: LabSlurmOptions): Promise<LabSlurm> {
  if (process.getuid?.() !== 0) throw new FleetError('BAD_REQUEST', 'a lab Slurm needs root (munged, slurmd, and slurmctld switching to SlurmUser)');
  let binaries = options.binaries;
  if (!binaries) {
    const found = findSlurm();
    if (!found.binaries) throw new FleetError('NOT_FOUND', `Slurm is not installed (missing ${found.missing.join(', ')}; ${SLURM_INSTALL_HINT})`);
    binaries = found.binaries;
  }
  // A port picked from the OS can be taken before the daemon binds it: start again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, binaries);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/i.test(String(err))) throw err;
    }
  }
}

function partitionsOf(nodes: readonly SlurmNodeSpec[], defaultPartition: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of nodes) for (const p of [n.partition ?? defaultPartition, ...(n.alsoPartitions ?? [])]) (out[p] ??= []).push(n.name);
  return out;
}

async function startOnce(options: LabSlurmOptions, bin: SlurmBinaries): Promise<LabSlurm> {
  const gpuType = options.gpuType ?? 'h100';
  const slurmUser = options.slurmUser ?? 'root';
  const tokenUser = options.tokenUser ?? slurmUser;
  const nodeNames = options.nodes.map((n) => n.name);
  const partition = 'gpu';

  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'fleetops-slurm-'));
  // Read by slurmrestd (nobody), by slurmctld (SlurmUser) and by another user's remote scontrol.
  chmodSync(dir, 0o755);
  const daemons: Daemon[] = [];
  let restd: Daemon | undefined;
  try {
    const paths = slurmLayout(dir, options.nodes, slurmUser);
    const [ctld, restdPort, ...nodePorts] = await freePorts(2 + options.nodes.length);
    const conf = slurmConf({ dir, clusterName: options.clusterName ?? 'fleetops', paths, ports: { ctld, nodes: nodePorts }, nodes: options.nodes, partition, gpuType, slurmUser, cpus: options.cpusPerNode ?? 8 });
    writeFileSync(paths.conf, conf, { mode: 0o644 });
    writeFileSync(join(dir, 'gres.conf'), gresConf(options.nodes, gpuType, paths.dev), { mode: 0o644 });
    const env = slurmClientEnv(paths.conf, process.env);

    daemons.push(launch('munged', bin.munged, ['-F', '-f', '-S', paths.mungeSocket, `--key-file=${paths.mungeKey}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--seed-file=${join(dir, 'munge', 'seed')}`, '--num-threads=2'], env, dir));
    await whileRunning(daemons, pollUntil(() => existsSync(paths.mungeSocket), { what: 'munged socket', timeoutMs: 10_000, intervalMs: 20 }));

    daemons.push(launch('slurmctld', bin.slurmctld, ['-D', '-f', paths.conf], env, dir));
    for (const node of nodeNames) daemons.push(launch(node, bin.slurmd, ['-D', '-N', node, '-f', paths.conf], env, dir));
    const restdArgs = ['-f', paths.conf, '-u', 'nobody', '-g', 'nogroup', '-a', 'rest_auth/jwt', '-s', REST_PLUGINS, `127.0.0.1:${restdPort}`];
    const startRestd = (): Daemon => launch('slurmrestd', bin.slurmrestd, restdArgs, { ...env, SLURM_JWT: 'daemon' }, dir);
    restd = startRestd();

    const run = (command: string, args: string[], timeoutMs = 15_000) => runClient(command, args, env, timeoutMs);
    const tokenFor = async (user: string, lifespanSeconds = options.tokenLifespanSeconds ?? 3600): Promise<string> => {
      const res = await run(bin.scontrol, ['token', `username=${user}`, `lifespan=${lifespanSeconds}`]);
      const token = /SLURM_JWT=(\S+)/.exec(res.stdout)?.[1];
      if (res.code !== 0 || !token) throw new Error(`scontrol token failed (${res.code}): ${res.stderr || res.stdout}`);
      return token;
    };

    const all = (): Daemon[] => (restd ? [...daemons, restd] : daemons);
    const token = await whileRunning(all(), pollUntil(() => tokenFor(tokenUser), { what: 'slurmctld to hand out a token', timeoutMs: 15_000, intervalMs: 50 }));
    await whileRunning(
      all(),
      pollUntil(
        async () => {
          const res = await run(bin.sinfo, ['-h', '-N', '-o', '%N %T']);
          // A spare starts drained: "drained" (no "*") means its slurmd has registered all the same.
          const idle = new Set(res.stdout.split('\n').filter((l) => l.endsWith(' idle') || l.endsWith(' drained')).map((l) => l.split(' ')[0]));
          return nodeNames.every((n) => idle.has(n));
        },
        { what: `nodes ${nodeNames.join(', ')} idle`, timeoutMs: 20_000, intervalMs: 50 },
      ),
    );
    const url = `http://127.0.0.1:${restdPort}`;
    const waitRestd = () =>
      whileRunning(all(), pollUntil(async () => (await httpStatus(`${url}/openapi/v3`, tokenUser, token)) === 200, { what: 'slurmrestd to answer', timeoutMs: 15_000, intervalMs: 30 }));
    await waitRestd();

    let stopped: Promise<void> | null = null;
    return {
      url,
      user: tokenUser,
      token,
      nodeNames,
      partition,
      partitions: partitionsOf(options.nodes, partition),
      gpuType,
      slurmUser,
      dir,
      confFile: paths.conf,
      mungeSocket: paths.mungeSocket,
      binaries: bin,
      env,
      remoteEnv: { SLURM_CONF: paths.conf },
      run,
      sbatch: async (args) => {
        const res = await run(bin.sbatch, ['--parsable', `--chdir=${paths.jobs}`, '--output=/dev/null', '--error=/dev/null', ...args]);
        const id = Number(/^(\d+)/.exec(res.stdout.trim())?.[1]);
        if (res.code !== 0 || !Number.isInteger(id)) throw new Error(`sbatch failed (${res.code}): ${res.stderr || res.stdout}`);
        return id;
      },
      tokenFor,
      stopRestd: async () => {
        const d = restd;
        restd = undefined;
        if (d) await stopDaemons([d]);
      },
      startRestd: async () => {
        if (restd) return;
        restd = startRestd();
        await waitRestd();
      },
      log: (name) => all().find((d) => d.name === name)?.log() ?? '',
      stop: () => {
        stopped ??= (async () => {
          const d = restd;
          restd = undefined;
          await shutdownSlurm(dir, daemons, d);
        })();
        return stopped;
      },
    };
  } catch (err) {
    const logs = [...daemons, ...(restd ? [restd] : [])].map((d) => `--- ${d.name}:\n${d.log().slice(-4000)}`).join('\n');
    await shutdownSlurm(dir, daemons, restd);
    throw new Error(`Slurm did not start: ${(err as Error).message}\n${logs}`, { cause: err });
  }
}
