/**
 * One GPU probe of one node: one exec of the sectioned script, parsed into a NodeObservation.
 * Transport-agnostic: `exec` runs a shell command on the node (SSH in production, anything in
 * tests) and returns its stdout and exit status.
 */
import { randomBytes } from 'node:crypto';
import { GPU_QUERY_FIELDS, LEGACY_FIELD_NAMES, buildProbeCommand } from './probe-command';
import { parseProbeOutputDetailed } from './parse-probe';
import type { NodeObservation } from './observation';

export type ProbeExec = (command: string) => Promise<{ stdout: string; code: number | null }>;

/**
 * Which field names a node's driver accepts, learned once per node. Drivers before 535 reject
 * `clocks_event_reasons.active` and know the same bitmask as `clocks_throttle_reasons.active`.
 * Mutable on purpose: the scheduler keeps one per node so later cycles ask correctly at once.
 */
export interface GpuFieldDialect {
  legacyNames: boolean;
}

export function createGpuFieldDialect(): GpuFieldDialect {
  return { legacyNames: false };
}

export function dialectFields(dialect: GpuFieldDialect): readonly string[] {
  return dialect.legacyNames ? GPU_QUERY_FIELDS.map((f) => LEGACY_FIELD_NAMES[f] ?? f) : GPU_QUERY_FIELDS;
}

/** 24 lowercase hex characters: unguessable by anything printing on the node. */
export function newProbeNonce(): string {
  return randomBytes(12).toString('hex');
}

export async function probeGpuNode(exec: ProbeExec, dialect: GpuFieldDialect): Promise<NodeObservation> {
  const first = await runOnce(exec, dialectFields(dialect));
  const rejectedHasLegacyName = first.invalidField !== null && LEGACY_FIELD_NAMES[first.invalidField] !== undefined;
  if (!rejectedHasLegacyName || dialect.legacyNames) return first.observation;
  dialect.legacyNames = true;
  return (await runOnce(exec, dialectFields(dialect))).observation;
}

async function runOnce(exec: ProbeExec, fields: readonly string[]) {
  const nonce = newProbeNonce();
  const { stdout } = await exec(buildProbeCommand(nonce, fields));
  return parseProbeOutputDetailed(stdout, nonce, fields);
}
