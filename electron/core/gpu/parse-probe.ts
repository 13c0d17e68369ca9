/**
 * Turns the stdout of the one-exec probe script (probe-command.ts) into a NodeObservation: what
 * the node's driver, GPUs and kernel log said this cycle, with no judgement yet.
 */
import { FleetError } from '../../../shared/errors';
import { type ProbeSectionName, type SectionOutput, splitProbeOutput } from './probe-command';
import { parseComputeApps } from './parse-compute-apps';
import { parseGpuQuery } from './parse-gpu-query';
import { parseKernelLog, parseUptime } from './parse-kernel-log';
import type { NodeObservation } from './observation';
import { safeExcerpt } from './safe-text';

export type { ComputeProcess, GpuReading, NodeObservation } from './observation';

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
  // Without the uptime an XID cannot be aged, and an unaged XID would count against the node
  // forever: the kernel log is then reported as unavailable instead.
  const kernelLogAvailable = uptimeSeconds !== null && kernel.rc === 0;
  const xids = kernelLogAvailable ? parseKernelLog(kernel.output, uptimeSeconds) : [];

  return {
    observation: {
      driverVersion: query.driverVersion,
      gpus: query.gpus,
      lostGpus: query.lostGpus,
      driverError: query.driverError,
      processes,
      xids,
      kernelLogAvailable,
    },
    invalidField: query.invalidField,
  };
}

export function parseProbeOutput(stdout: string, nonce: string, fields: readonly string[]): NodeObservation {
  return parseProbeOutputDetailed(stdout, nonce, fields).observation;
}
