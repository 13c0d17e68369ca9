/**
 * One checkpoint probe of one job: the listing command on a node that mounts the storage (one
 * exec), parsed and judged. Transport-agnostic like the GPU probe: `exec` runs a shell command on
 * the node (SshPool in production) and returns what it printed and its exit status.
 */
import type { CheckpointSpec, CheckpointVerdict } from '../../../shared/checkpoints';
import { parseDurationMs } from '../../../shared/duration';
import { FleetError, toErrorData } from '../../../shared/errors';
import { safeExcerpt } from '../gpu/safe-text';
import { judgeCheckpoints, type JudgeOptions } from './judge';
import type { CheckpointListing } from './listing';
import { listingCommand } from './listing-script';
import { parseListing } from './parse-listing';

export type CheckpointExec = (command: string) => Promise<{ stdout: string; stderr: string; code: number | null }>;

/** Runs and parses the listing; throws FleetError (COMMAND_FAILED, PARSE_FAILED, or the exec's own). */
export async function listCheckpoints(exec: CheckpointExec, spec: Pick<CheckpointSpec, 'directory' | 'layout'>): Promise<CheckpointListing> {
  const r = await exec(listingCommand(spec.directory, spec.layout));
  // The script ends with `head`, which exits 0: anything else is sh itself failing.
  if (r.code !== 0) {
    throw new FleetError('COMMAND_FAILED', `checkpoint listing exited ${r.code ?? 'on a signal'}: ${safeExcerpt(r.stderr || r.stdout) || 'no output'}`, {
      detail: { code: r.code, stderr: safeExcerpt(r.stderr) },
    });
  }
  return parseListing(r.stdout, spec.directory, spec.layout);
}

/** A verdict for a listing that could not be had: level unknown, with the error's words. */
export function failedVerdict(spec: CheckpointSpec, err: unknown, node: string | null): CheckpointVerdict {
  const data = toErrorData(err);
  const on = node ? ` on ${node}` : '';
  const message =
    data.code === 'PROBE_TIMEOUT'
      ? `checkpoint listing${on} did not finish in time (hung storage?): ${data.message}`
      : `checkpoint listing${on} failed (${data.code}): ${data.message}`;
  return {
    job: spec.name,
    directory: spec.directory,
    layout: spec.layout,
    node,
    level: 'unknown',
    reasons: [message],
    findings: [{ code: 'listing-failed', level: 'unknown', message }],
    checkedAt: null,
    policyMs: parseDurationMs(spec.every) ?? 0,
    newestComplete: null,
    saving: null,
    saveSeconds: null,
    storage: null,
    checkpoints: [],
    recent: [],
    entryCount: null,
  };
}

/** Lists and judges; never throws: a failure is an `unknown` verdict. `listing` feeds the next call's `previous`. */
export async function checkCheckpoints(
  exec: CheckpointExec,
  spec: CheckpointSpec,
  opts: JudgeOptions = {},
): Promise<{ listing: CheckpointListing | null; verdict: CheckpointVerdict }> {
  const node = opts.node ?? spec.node ?? null;
  try {
    const listing = await listCheckpoints(exec, spec);
    return { listing, verdict: judgeCheckpoints(spec, listing, { ...opts, node }) };
  } catch (err) {
    return { listing: null, verdict: failedVerdict(spec, err, node) };
  }
}
