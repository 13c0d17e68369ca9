/**
 * Turns the stdout of the one-exec probe script (probe-command.ts) into a NodeObservation: what
 * the node's driver, GPUs and kernel log said this cycle, with no judgement yet.
 */
import { FleetError } from '../../../shared/errors';
import { type ProbeSectionName, type SectionOutput, splitProbeOutput } from './probe-command';
import { parseComputeApps } from './parse-compute-apps';
import { parseGpuQuery } from './parse-gpu-query';
import { parseKernelLog, parseUptime, reportsUnreadableLog } from './parse-kernel-log';
import type { KernelLogProblem, NodeObservation } from './observation';
import { safeExcerpt } from './safe-text';

export type { ComputeProcess, GpuReading, KernelLogProblem, NodeObservation } from './observation';

/**
 * A healthy 8-GPU node answers in ~50 KB (rows, processes, 200 XID lines at most). A megabyte
 * is far beyond any real answer; past it the output is refused before any parsing runs.
 */
export const MAX_PROBE_OUTPUT = 1024 * 1024;

export interface ProbeParseResult {
  observation: NodeObservation;
  /** The `--query-gpu` field the driver rejected, so the probe can retry with its older name. */
  invalidField: string | null;
}

const SECTIONS: readonly ProbeSectionName[] = ['uptime', 'gpus', 'apps', 'kernel'];

function completeSection(sections: Map<ProbeSectionName, SectionOutput>, name: ProbeSectionName): { output: string; rc: number } {
  const section = sections.get(name);
  if (!section) throw new FleetError('PARSE_FAILED', `probe output has no "${name}" section`, { detail: { section: name } });
  if (section.rc === null || Number.isNaN(section.rc)) {
    throw new FleetError('PARSE_FAILED', `probe output ended inside the "${name}" section (no exit status)`, {
      detail: { section: name, tail: safeExcerpt(section.output.slice(-200)) },
    });
  }
  return { output: section.output, rc: section.rc };
}

/**
 * Why the kernel section cannot be trusted for XIDs, or null. A failed pipeline first (its output
 * means nothing), then the sentinel, then the uptime: without it an XID cannot be aged, and an
 * unaged XID would count against the node forever.
 */
function kernelProblem(kernel: { output: string; rc: number }, uptimeSeconds: number | null): KernelLogProblem | null {
  if (kernel.rc !== 0) return { kind: 'failed', rc: kernel.rc };
  if (reportsUnreadableLog(kernel.output)) return { kind: 'unreadable' };
  if (uptimeSeconds === null) return { kind: 'no-uptime' };
  return null;
}

export function parseProbeOutputDetailed(stdout: string, nonce: string, fields: readonly string[]): ProbeParseResult {
  if (stdout.length > MAX_PROBE_OUTPUT) {
    throw new FleetError('PARSE_FAILED', `probe printed ${stdout.length} characters, more than the ${MAX_PROBE_OUTPUT} accepted`, {
      detail: { head: safeExcerpt(stdout) },
    });
  }
  let sections: Map<ProbeSectionName, SectionOutput>;
  try {
    sections = splitProbeOutput(stdout, nonce);
  } catch (err) {
    // splitProbeOutput's own detail carries raw output; replace it with a safe excerpt.
    if (err instanceof FleetError) {
      throw new FleetError(err.code, err.message, { detail: { head: safeExcerpt(stdout) }, cause: err });
    }
    throw err;
  }
  const [uptime, gpus, apps, kernel] = SECTIONS.map((name) => completeSection(sections, name));

  const query = parseGpuQuery(gpus.output, gpus.rc, fields);
  const processes = parseComputeApps(apps.output, apps.rc);
  const uptimeSeconds = uptime.rc === 0 ? parseUptime(uptime.output) : null;
  const kernelLogProblem = kernelProblem(kernel, uptimeSeconds);
  const xids = kernelLogProblem === null && uptimeSeconds !== null ? parseKernelLog(kernel.output, uptimeSeconds) : [];

  return {
    observation: {
      driverVersion: query.driverVersion,
      gpus: query.gpus,
      lostGpus: query.lostGpus,
      driverError: query.driverError,
      processes,
      xids,
      kernelLogProblem,
    },
    invalidField: query.invalidField,
  };
}

export function parseProbeOutput(stdout: string, nonce: string, fields: readonly string[]): NodeObservation {
  return parseProbeOutputDetailed(stdout, nonce, fields).observation;
}
