/**
 * Rules about the node as a whole: are all its GPUs there, does the driver answer at all, and
 * can its kernel log be watched for XIDs.
 */
import type { KernelLogProblem, NodeObservation } from '../gpu/observation';
import { NVIDIA_SMI_EXIT } from '../gpu/driver-messages';
import { busKey } from '../gpu/bus-id';
import type { Finding } from './reason-rules';

export function missingGpus(obs: NodeObservation, expectedGpus: number): Finding | null {
  const visible = obs.gpus.length;
  if (visible >= expectedGpus) return null;
  return {
    health: 'unhealthy',
    reason: `${visible} of ${expectedGpus} GPUs visible — compare \`nvidia-smi -L\` with \`lspci | grep -i nvidia\`; drain the node and reboot`,
  };
}

export function lostGpus(obs: NodeObservation): Finding[] {
  return obs.lostGpus.map((g) => ({
    health: 'unhealthy' as const,
    reason: `GPU ${busKey(g.busId) ?? g.busId} is lost: ${g.message} — drain the node and reboot`,
  }));
}

const DRIVER_ADVICE: Record<number, string> = {
  [NVIDIA_SMI_EXIT.driverNotLoaded]: 'NVIDIA driver not loaded',
  [NVIDIA_SMI_EXIT.noDevices]: 'nvidia-smi found no GPUs',
  [NVIDIA_SMI_EXIT.commandNotFound]: 'nvidia-smi is not installed',
  [NVIDIA_SMI_EXIT.invalidArgument]: 'nvidia-smi rejected the query',
};

const DRIVER_ACTION: Record<number, string> = {
  [NVIDIA_SMI_EXIT.driverNotLoaded]: 'check `lsmod | grep nvidia` and dmesg, reload the driver or reboot',
  [NVIDIA_SMI_EXIT.noDevices]: 'check `lspci | grep -i nvidia`, power and the driver; drain the node and reboot',
  [NVIDIA_SMI_EXIT.commandNotFound]: 'install the NVIDIA driver utilities or fix PATH for the probe user',
  [NVIDIA_SMI_EXIT.invalidArgument]: 'the driver may be too old for this console: update the driver',
};

/**
 * A node declared with no GPUs may lack the driver entirely; for every other node a driver
 * that does not answer means no GPU work can run there.
 */
export function driverError(obs: NodeObservation, expectedGpus: number): Finding | null {
  const err = obs.driverError;
  if (!err || (expectedGpus === 0 && obs.gpus.length === 0)) return null;
  const what = DRIVER_ADVICE[err.rc] ?? 'nvidia-smi failed';
  const action = DRIVER_ACTION[err.rc] ?? 'run nvidia-smi on the node and read its message; drain the node if GPUs are affected';
  return { health: 'unhealthy', reason: `${what} (exit ${err.rc}): ${err.message} — ${action}` };
}

const NOT_WATCHED = 'XID errors are not being watched';

function kernelLogReason(problem: KernelLogProblem): string {
  switch (problem.kind) {
    case 'unreadable':
      return `kernel log unreadable (dmesg and journalctl refused): ${NOT_WATCHED} — let the probe user read it (adm / systemd-journal group, or kernel.dmesg_restrict=0)`;
    case 'no-uptime':
      return `/proc/uptime unreadable, so kernel log XIDs cannot be aged: ${NOT_WATCHED} — check that the probe user can read /proc/uptime`;
    case 'failed':
      return `kernel log command failed (exit ${problem.rc}): ${NOT_WATCHED} — check that grep and tail run for the probe user`;
  }
}

/**
 * Degraded, not unhealthy: the GPUs may be fine, but a GPU that falls off the bus or corrupts
 * memory would go unseen. A node declared with no GPUs has no XIDs to watch.
 */
export function kernelLogUnwatched(obs: NodeObservation, expectedGpus: number): Finding | null {
  const problem = obs.kernelLogProblem;
  if (!problem || (expectedGpus === 0 && obs.gpus.length === 0)) return null;
  return { health: 'degraded', reason: kernelLogReason(problem) };
}
