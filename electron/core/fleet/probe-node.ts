/**
 * One probe of one node: SSH exec of the sectioned nvidia-smi script, parse, judge.
 * Shared by the monitor (which smooths verdicts over time) and `fleetops check` (which does not).
 * Connection and command failures are verdicts too, each with a reason a person can act on.
 */
import { toErrorData, type FleetErrorData } from '../../../shared/errors';
import type { Health } from '../../../shared/health';
import type { ResolvedNode } from '../../../shared/inventory';
import type { GpuStatus, XidEvent } from '../../../shared/status';
import { probeGpuNode, type GpuFieldDialect } from '../gpu/gpu-probe';
import type { NodeObservation } from '../gpu/parse-probe';
import { judgeNode } from '../health/judge-node';
import type { SshPool } from '../ssh/pool';
import type { SshTarget } from '../ssh/types';

export interface NodeProbeResult {
  at: number;
  latencyMs: number;
  health: Health;
  reasons: string[];
  gpus: GpuStatus[];
  xids: XidEvent[];
  driverVersion: string | null;
  error: FleetErrorData | null;
  observation: NodeObservation | null;
}

export function sshTargetFor(node: ResolvedNode): SshTarget {
  const target: SshTarget = {
    key: node.name,
    host: node.host,
    port: node.port,
    user: node.user,
    knownHostsFile: node.knownHostsFile,
  };
  if (node.identityFile !== undefined) target.identityFile = node.identityFile;
  if (node.agent !== undefined) target.agent = node.agent;
  if (node.jump) target.jump = { host: node.jump.host, port: node.jump.port, user: node.jump.user };
  return target;
}

/** How a failed probe reads to an operator, and what it means for health. */
export function verdictForError(error: FleetErrorData, node: ResolvedNode): { health: Health; reason: string } {
  const where = `${node.user}@${node.host}:${node.port}`;
  switch (error.code) {
    case 'SSH_HOST_KEY_UNKNOWN': {
      const fp = (error.detail as { fingerprint?: string } | undefined)?.fingerprint ?? 'unknown fingerprint';
      return { health: 'unreachable', reason: `host key of ${where} is not trusted yet (${fp}): compare it with the host's own and trust it` };
    }
    case 'SSH_HOST_KEY_MISMATCH':
      return { health: 'unreachable', reason: `host key of ${where} changed (SSH_HOST_KEY_MISMATCH): nothing was sent; check for a reinstall or an attack before fixing ${node.knownHostsFile}` };
    case 'SSH_AUTH_FAILED':
    case 'SSH_PASSPHRASE_REQUIRED':
    case 'HOST_UNREACHABLE':
    case 'CONNECT_TIMEOUT':
      return { health: 'unreachable', reason: error.message };
    case 'PROBE_TIMEOUT':
      // Reachable, but nvidia-smi hung: a hung driver is a classic sign of a GPU in trouble.
      return { health: 'unhealthy', reason: `probe timed out after ${node.probe.timeoutSeconds} s: nvidia-smi did not answer (a hung driver often means a lost GPU)` };
    case 'PARSE_FAILED':
      return { health: 'unknown', reason: `could not read the probe's output: ${error.message}` };
    default:
      return { health: 'unknown', reason: `${error.code}: ${error.message}` };
  }
}

export async function probeNode(
  pool: SshPool,
  node: ResolvedNode,
  dialect: GpuFieldDialect,
  now: () => number,
): Promise<NodeProbeResult> {
  const at = now();
  const started = performance.now();
  const target = sshTargetFor(node);
  const timeoutMs = node.probe.timeoutSeconds * 1000;
  try {
    const observation = await probeGpuNode((command) => pool.exec(target, command, { timeoutMs }), dialect);
    const judged = judgeNode(observation, { expectedGpus: node.gpus.count, thresholds: node.thresholds });
    return {
      at,
      latencyMs: performance.now() - started,
      health: judged.health,
      reasons: judged.reasons,
      gpus: judged.gpus,
      xids: judged.xids,
      driverVersion: observation.driverVersion,
      error: null,
      observation,
    };
  } catch (err) {
    const error = { ...toErrorData(err), subject: node.name };
    const { health, reason } = verdictForError(error, node);
    return {
      at,
      latencyMs: performance.now() - started,
      health,
      reasons: [reason],
      gpus: [],
      xids: [],
      driverVersion: null,
      error,
      observation: null,
    };
  }
}
