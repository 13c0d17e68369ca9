/**
 * A real Slurm 22.05 for integration tests: the lab's own starter (electron/core/lab/lab-slurm.ts,
 * where the measured traps are described) with the tests' defaults, `nodeN` nodes with the same
 * number of fake GPUs each.
 *
 * Node admin rights: draining and resuming a node needs root or SlurmUser (without slurmdbd there
 * are no AdminLevel users). `slurmUser` makes a given account SlurmUser, so a test can run
 * `scontrol update NodeName=… State=DRAIN` as that user, e.g. as the test sshd's `fleetops-test`
 * over SSH (the product path: `scontrol` on the cluster's `controlVia` node, with `remoteEnv`).
 *
 * Needs root (munged, slurmd and slurmctld's setuid to SlurmUser).
 */
import { findSlurm, SLURM_INSTALL_HINT, startLabSlurm, type ClientResult, type LabSlurm } from '../../../electron/core/lab/lab-slurm';

/** Whether Debian's Slurm packages are installed (the suite needs them; .ci/run installs them). */
export function slurmAvailable(): boolean {
  return findSlurm().binaries !== null;
}

export interface SlurmOptions {
  /** How many `slurmd -N` nodes. Default 3. */
  nodes?: number;
  /** Node names are `${nodePrefix}1`…. Default "node". */
  nodePrefix?: string;
  /** Fake GPUs per node (GRES `gpu:<gpuType>:<n>`). Default 4. */
  gpusPerNode?: number;
  gpuType?: string;
  /** CPUs each node claims. Default 8. */
  cpusPerNode?: number;
  /**
   * SlurmUser: the account slurmctld runs as and that may drain, resume and requeue. Default root.
   * The account must exist (the sshd helper creates `fleetops-test` on first start).
   */
  slurmUser?: string;
  /** Who the REST token is for. Default `slurmUser`. */
  tokenUser?: string;
}

export type CommandResult = ClientResult;

export interface TestSlurm extends LabSlurm {
  gpusPerNode: number;
}

export async function startSlurm(options: SlurmOptions = {}): Promise<TestSlurm> {
  if (process.getuid?.() !== 0) throw new Error('the Slurm integration helper must run as root (munged, slurmd, SlurmUser)');
  if (!slurmAvailable()) throw new Error(`Slurm is not installed (${SLURM_INSTALL_HINT})`);
  const gpusPerNode = options.gpusPerNode ?? 4;
  const prefix = options.nodePrefix ?? 'node';
  const nodes = Array.from({ length: options.nodes ?? 3 }, (_, i) => ({ name: `${prefix}${i + 1}`, gpus: gpusPerNode }));
  const slurm = await startLabSlurm({
    nodes,
    gpuType: options.gpuType,
    cpusPerNode: options.cpusPerNode,
    slurmUser: options.slurmUser,
    tokenUser: options.tokenUser,
  });
  return Object.assign(slurm, { gpusPerNode });
}
