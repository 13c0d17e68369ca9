/**
 * The files of one lab Slurm (see lab-slurm.ts): its directories and keys, slurm.conf and
 * gres.conf, and the environment its clients run with. Kept apart from the process handling so
 * each reads on its own.
 */
import { chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FleetError } from '../../../shared/errors';

export interface SlurmPaths {
  conf: string;
  mungeKey: string;
  mungeSocket: string;
  jwtKey: string;
  state: string;
  spool: string;
  dev: string;
  jobs: string;
}

/** One `slurmd -N NAME` and the fake GPUs (GRES) it claims. */
export interface SlurmNodeSpec {
  name: string;
  gpus: number;
  /**
   * The one partition it is in, instead of the default one (e.g. `spare`): jobs submitted without
   * `-p` never land on it, so a spare node stays idle.
   */
  partition?: string;
  /** Partitions it is in besides that one (e.g. `spare` for a spare node also in the default partition). */
  alsoPartitions?: readonly string[];
  /** Node features (slurm.conf `Features=`), e.g. `spare`. */
  features?: readonly string[];
  /** Starts drained with this reason (slurm.conf `State=DRAIN Reason=`): a spare no job lands on until it is resumed. */
  drainReason?: string;
}

/** A partition or feature name slurm.conf takes without quoting. */
const SLURM_WORD = /^[A-Za-z0-9_.-]{1,64}$/;

/** Creates every directory and key before any daemon starts (the spool must exist first). */
export function slurmLayout(dir: string, nodes: readonly SlurmNodeSpec[], slurmUser: string): SlurmPaths {
  const { uid, gid } = accountIds(slurmUser);
  const paths: SlurmPaths = {
    conf: join(dir, 'slurm.conf'),
    mungeKey: join(dir, 'munge', 'munge.key'),
    mungeSocket: join(dir, 'munge', 'munge.socket'),
    jwtKey: join(dir, 'jwt.key'),
    state: join(dir, 'state'),
    spool: join(dir, 'spool'),
    dev: join(dir, 'dev'),
    jobs: join(dir, 'jobs'),
  };
  // munged refuses a socket directory others can write to; clients of every user need to reach it.
  mkdirSync(join(dir, 'munge'), { mode: 0o755 });
  writeFileSync(paths.mungeKey, randomBytes(1024), { mode: 0o600 });
  // slurmctld reads its state and the JWT key after it has become SlurmUser.
  mkdirSync(paths.state, { mode: 0o700 });
  chownSync(paths.state, uid, gid);
  writeFileSync(paths.jwtKey, randomBytes(32), { mode: 0o600 });
  chownSync(paths.jwtKey, uid, gid);
  for (const node of nodes) mkdirSync(join(paths.spool, node.name), { recursive: true, mode: 0o755 });
  // A GRES File= must be a device; every node's fake GPUs point at /dev/null.
  mkdirSync(paths.dev, { mode: 0o755 });
  const most = Math.max(0, ...nodes.map((n) => n.gpus));
  for (let i = 0; i < most; i++) symlinkSync('/dev/null', join(paths.dev, `gpu${i}`));
  mkdirSync(paths.jobs, { mode: 0o755 });
  return paths;
}

export function slurmConf(c: {
  dir: string;
  clusterName: string;
  paths: SlurmPaths;
  ports: { ctld: number; nodes: number[] };
  nodes: readonly SlurmNodeSpec[];
  partition: string;
  gpuType: string;
  slurmUser: string;
  cpus: number;
}): string {
  // slurmctld only runs where SlurmctldHost names this machine; the address keeps it on loopback.
  const host = hostname().split('.')[0];
  for (const n of c.nodes) {
    for (const word of [...(n.features ?? []), ...(n.partition ? [n.partition] : []), ...(n.alsoPartitions ?? [])]) {
      if (!SLURM_WORD.test(word)) throw new FleetError('BAD_REQUEST', `lab Slurm: ${JSON.stringify(word)} (node ${n.name}) is not a partition or feature name slurm.conf takes`);
    }
  }
  const inDefault = c.nodes.filter((n) => n.partition === undefined || n.partition === c.partition);
  if (inDefault.length === 0) throw new FleetError('BAD_REQUEST', `lab Slurm: no node is left in the default partition ${c.partition}`);
  for (const n of c.nodes) {
    if (n.drainReason !== undefined && !/^[A-Za-z0-9 _.:-]{1,100}$/.test(n.drainReason)) throw new FleetError('BAD_REQUEST', `lab Slurm: drain reason ${JSON.stringify(n.drainReason)} (node ${n.name}) is not one slurm.conf takes in quotes`);
  }
  const partitionsOfNode = (n: SlurmNodeSpec) => [n.partition ?? c.partition, ...(n.alsoPartitions ?? [])];
  const others = [...new Set(c.nodes.flatMap(partitionsOfNode).filter((p) => p !== c.partition))];
  return [
    `ClusterName=${c.clusterName}`,
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${c.ports.ctld}`,
    `SlurmUser=${c.slurmUser}`,
    'AuthType=auth/munge',
    `AuthInfo=socket=${c.paths.mungeSocket}`,
    'CredType=cred/munge',
    'AuthAltTypes=auth/jwt',
    `AuthAltParameters=jwt_key=${c.paths.jwtKey}`,
    `StateSaveLocation=${c.paths.state}`,
    `SlurmdSpoolDir=${c.paths.spool}/%n`,
    `SlurmctldPidFile=${c.dir}/slurmctld.pid`,
    `SlurmdPidFile=${c.paths.spool}/%n/slurmd.pid`,
    // No cgroups here (and none needed): processes are tracked through /proc.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    // No slurmdbd: accounting off (AccountingStorageTRES=gres/gpu would be fatal without it).
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    // Several slurmd on one host all claim `cpus`, more than the machine has.
    'SlurmdParameters=config_overrides',
    'ReturnToService=2',
    // Batch jobs start on the next scheduling pass instead of up to 3 s later; and the main
    // scheduling loop runs every 5 s, not every 60: an event that frees room without triggering
    // a pass itself (a resumed node whose slurmd answers only after the resume's pass) would
    // otherwise leave a pending job waiting up to a minute.
    'SchedulerParameters=batch_sched_delay=0,sched_interval=5',
    'KillWait=2',
    'GresTypes=gpu',
    ...c.nodes.map(
      (n, i) =>
        `NodeName=${n.name} NodeHostname=${host} NodeAddr=127.0.0.1 Port=${c.ports.nodes[i]} CPUs=${c.cpus} RealMemory=1000${n.gpus > 0 ? ` Gres=gpu:${c.gpuType}:${n.gpus}` : ''}${n.features?.length ? ` Features=${n.features.join(',')}` : ''}${n.drainReason ? ` State=DRAIN Reason="${n.drainReason}"` : ''}`,
    ),
    `PartitionName=${c.partition} Nodes=${inDefault.length === c.nodes.length ? 'ALL' : inDefault.map((n) => n.name).join(',')} Default=YES MaxTime=INFINITE State=UP`,
    ...others.map((p) => `PartitionName=${p} Nodes=${c.nodes.filter((n) => partitionsOfNode(n).includes(p)).map((n) => n.name).join(',')} Default=NO MaxTime=INFINITE State=UP`),
    '',
  ].join('\n');
}

export function gresConf(nodes: readonly SlurmNodeSpec[], type: string, dev: string): string {
  const files = (gpus: number) => (gpus === 1 ? `${dev}/gpu0` : `${dev}/gpu[0-${gpus - 1}]`);
  return nodes
    .filter((n) => n.gpus > 0)
    .map((n) => `NodeName=${n.name} Name=gpu Type=${type} File=${files(n.gpus)}`)
    .join('\n')
    .concat('\n');
}

/** `base` without any SLURM_* (an empty SLURM_JWT breaks munge auth), plus SLURM_CONF. */
export function slurmClientEnv(conf: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('SLURM_')) env[k] = v;
  env.SLURM_CONF = conf;
  return env;
}

function accountIds(user: string): { uid: number; gid: number } {
  if (user === 'root') return { uid: 0, gid: 0 };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new FleetError('NOT_FOUND', `SlurmUser ${user} does not exist on this machine: create the account first`, { subject: user });
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
