import { FleetError } from '../../../shared/errors';
import type { RenderedSlurmChange, SlurmApi, SlurmChange } from '../../../shared/slurm';
import { shellQuote } from '../runbooks/shell-quote';

/**
 * The three changes the console makes to Slurm, rendered exactly as they will run, so a runbook
 * plan shows the very request or command line:
 *
 * - drain / resume: `POST {basePath}/node/{name}` with `{ state: ["DRAIN"], reason }` where the
 *   plugin has that endpoint (v0.0.39+), else `scontrol update NodeName=… State=DRAIN Reason=…`
 *   for SSH on the cluster's controlVia node (22.05's v0.0.38 has no node update: POST answers 405);
 * - requeue: `scontrol requeue ID`, then, once `scontrol show job ID` says PENDING again,
 *   `scontrol update JobId=ID StartTime=now`: a requeued job is held ~120 s (BeginTime) before it
 *   may start again otherwise, and a start time set while the requeue is still completing is
 *   overwritten with that hold (measured on 22.05.8). No plugin up to v0.0.41 has a requeue
 *   endpoint, so it is always scontrol. It cannot be undone: the job restarts.
 *
 * Every value on a command line is single-quoted (shellQuote), and checked first: node names and
 * job ids against Slurm's own syntax, a reason for control characters and length.
 */
export const SLURM_NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** A job id, or an array task "123_4". */
export const SLURM_JOB_ID = /^\d{1,12}(?:_\d{1,9})?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;
const COMMAND_PATH = /^[A-Za-z0-9_./-]{1,256}$/;
export const MAX_REASON_LENGTH = 512;

export interface ScontrolOptions {
  /** Environment for `scontrol` on the remote side, e.g. { SLURM_CONF: '/etc/slurm-test/slurm.conf' }. */
  env?: Record<string, string>;
  /** The scontrol binary. Default "scontrol" (from the login shell's PATH). */
  scontrol?: string;
}

/** How `change` will run against a server with `api` (null: not detected, so scontrol). */
export function renderSlurmChange(change: SlurmChange, api: SlurmApi | null, opts: ScontrolOptions = {}): RenderedSlurmChange {
  switch (change.kind) {
    case 'drain':
      checkNode(change.node);
      checkReason(change.reason);
      if (api?.nodeUpdate) return rest(change, api, change.node, { state: ['DRAIN'], reason: change.reason });
      return scontrol(change, ['update', `NodeName=${shellQuote(change.node)}`, 'State=DRAIN', `Reason=${shellQuote(change.reason)}`], opts);
    case 'resume':
      checkNode(change.node);
      if (api?.nodeUpdate) return rest(change, api, change.node, { state: ['RESUME'] });
      return scontrol(change, ['update', `NodeName=${shellQuote(change.node)}`, 'State=RESUME'], opts);
    case 'requeue':
      return requeue(change, opts);
  }
}

function requeue(change: Extract<SlurmChange, { kind: 'requeue' }>, opts: ScontrolOptions): RenderedSlurmChange {
  if (!SLURM_JOB_ID.test(change.jobId)) refuse(`"${printable(change.jobId)}" is not a Slurm job id (digits, or an array task like 123_4)`, change.jobId);
  const id = shellQuote(change.jobId);
  const first = scontrol(change, ['requeue', id], opts);
  const followUp = { check: scontrolLine(['show', 'job', '-o', id], opts), command: scontrolLine(['update', `JobId=${id}`, 'StartTime=now'], opts) };
  return { ...first, followUp, text: `${first.command}; once \`scontrol show job ${change.jobId}\` says PENDING: ${followUp.command}` };
}

function rest(change: SlurmChange, api: SlurmApi, node: string, body: Record<string, unknown>): RenderedSlurmChange {
  const path = `${api.basePath}/node/${encodeURIComponent(node)}`;
  return { via: 'rest', change, method: 'POST', path, body, text: `POST ${path} ${JSON.stringify(body)}` };
}

function scontrol(change: SlurmChange, args: string[], opts: ScontrolOptions): Extract<RenderedSlurmChange, { via: 'scontrol' }> {
  const command = scontrolLine(args, opts);
  return { via: 'scontrol', change, command, text: command };
}

/** `[env] scontrol args…`: the environment is given on the line (an SSH session has only its own). */
function scontrolLine(args: string[], opts: ScontrolOptions): string {
  const bin = opts.scontrol ?? 'scontrol';
  if (!COMMAND_PATH.test(bin)) refuse(`scontrol path "${printable(bin)}" holds characters a command path should not`, bin);
  const env = Object.entries(opts.env ?? {}).map(([k, v]) => {
    if (!ENV_NAME.test(k)) refuse(`"${printable(k)}" is not an environment variable name`, k);
    return `${k}=${shellQuote(v)}`;
  });
  return [...env, bin, ...args].join(' ');
}

function checkNode(node: string): void {
  if (!SLURM_NODE_NAME.test(node)) refuse(`"${printable(node)}" is not a Slurm node name (letters, digits, ".", "_", "-"; at most 63)`, node);
}

function checkReason(reason: string): void {
  if (reason.trim() === '') refuse('a drain needs a reason (Slurm shows it to everyone whose jobs wait)', reason);
  if (reason.length > MAX_REASON_LENGTH) refuse(`the reason is ${reason.length} characters; at most ${MAX_REASON_LENGTH}`, reason.slice(0, 80));
  // One line of printable text: Slurm stores it as is and every `sinfo -R` prints it.
  if (/[\u0000-\u001f\u007f]/.test(reason)) refuse('the reason holds a line break or another control character', reason.slice(0, 80));
}

function refuse(why: string, value: string): never {
  throw new FleetError('BAD_REQUEST', `Slurm change refused: ${why}.`, { detail: { value: printable(value) } });
}

function printable(v: string): string {
  return v.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 80);
}
