import { FleetError, type ErrorCode } from '../../../shared/errors';
import type { RenderedSlurmChange } from '../../../shared/slurm';
import { safeExcerpt } from '../gpu/safe-text';
import type { ExecResult } from '../ssh/types';
import { slurmErrors } from './classify-answer';
import type { SlurmRestClient } from './rest-client';

/**
 * Runs a change rendered by render-change.ts: the REST request through the client, or the
 * scontrol line through `shell` (the caller's SSH exec on the cluster's controlVia node). What
 * scontrol says when it refuses was measured against Slurm 22.05.8 and becomes the operator's
 * words: "slurm_update error: Invalid user id" is a missing right, not a broken node.
 */
export interface SlurmChangeRunner {
  rest?: Pick<SlurmRestClient, 'post'>;
  /** Runs one command line on the controlVia node. */
  shell?: (command: string) => Promise<Pick<ExecResult, 'stdout' | 'stderr' | 'code'>>;
  /** Where `shell` runs, for messages ("login-1"). */
  shellWhere?: string;
  /** How long a requeued job may take to be PENDING again before its start time is set. Default 30 s. */
  followUpTimeoutMs?: number;
  /** Between checks of the requeued job. Default 200 ms. */
  pollIntervalMs?: number;
  /**
   * The least time between the requeue and setting the job's start time. Default 1100 ms: slurmd
   * refuses a job credential created no later than the second its previous run was killed in
   * (`cred->ctime <= revoked`, whole seconds), so a requeued job started again within that second
   * on a node it ran on is killed at launch ("Job credential revoked") and ends FAILED, not
   * requeued (measured on 22.05.8 with the lab's Slurm).
   */
  credentialSecondMs?: number;
}

export async function executeSlurmChange(rendered: RenderedSlurmChange, runner: SlurmChangeRunner): Promise<{ output: string }> {
  if (rendered.via === 'rest') {
    if (!runner.rest) throw new FleetError('BAD_REQUEST', `${rendered.text}: no slurmrestd client to send it with.`);
    const answer = await runner.rest.post(rendered.path, rendered.body);
    const errors = slurmErrors(answer);
    if (errors.length > 0) {
      throw new FleetError('COMMAND_FAILED', `Slurm refused ${rendered.text}: ${safeExcerpt(errors.map((e) => e.message).join('; '), 200)}.`, {
        subject: subjectOf(rendered),
        detail: { reason: 'slurm-refused', slurmErrors: errors },
      });
    }
    return { output: `${rendered.text}: done` };
  }
  if (!runner.shell) throw new FleetError('BAD_REQUEST', `${rendered.text}: no SSH connection to the cluster's controlVia node to run it on.`);
  const where = runner.shellWhere ?? 'the controlVia node';
  const res = await runner.shell(rendered.command);
  const doneAt = Date.now();
  const said = safeExcerpt(`${res.stderr}\n${res.stdout}`.trim(), 300);
  if (res.code === 0) {
    const first = said ? `${rendered.command}: ${said}` : `${rendered.command}: done`;
    if (!rendered.followUp) return { output: first };
    return { output: `${first}\n${await startNow(rendered.followUp, runner, where, doneAt)}` };
  }
  // Resuming a node that is not drained or down: the goal (a schedulable node) already holds.
  if (rendered.change.kind === 'resume' && /Invalid node state specified/i.test(said)) {
    return { output: `${rendered.text}: ${rendered.change.node} was neither drained nor down; nothing to resume` };
  }
  const [code, reason, why] = scontrolFailure(said, res.code, where);
  throw new FleetError(code, `${rendered.text} failed on ${where}: ${why}${said ? ` (scontrol: "${said}")` : ''}.`, {
    subject: subjectOf(rendered),
    detail: { reason, exitCode: res.code, output: said },
  });
}

/**
 * After a requeue: wait until the job is PENDING again, then set its start time to now. The
 * requeue itself has happened by then, so a job that never comes back to PENDING (it ended, or
 * someone else started it) is said in the output, not thrown: the step did what it is named for.
 */
async function startNow(followUp: { check: string; command: string }, runner: SlurmChangeRunner, where: string, requeuedAt: number): Promise<string> {
  const shell = runner.shell!;
  const deadline = Date.now() + (runner.followUpTimeoutMs ?? 30_000);
  let state = 'unknown';
  for (;;) {
    const check = await shell(followUp.check);
    state = /\bJobState=(\w+)/.exec(check.stdout)?.[1] ?? (check.code === 0 ? 'unknown' : 'gone');
    if (state === 'PENDING') break;
    if (state !== 'COMPLETING' && state !== 'REQUEUED' && state !== 'unknown') {
      return `the job is ${state.toLowerCase()}, not pending: its start time was left as it is`;
    }
    if (Date.now() > deadline) return `the job was still ${state.toLowerCase()} after the wait: its start time was not set (Slurm holds a requeued job ~120 s)`;
    await new Promise((r) => setTimeout(r, runner.pollIntervalMs ?? 200));
  }
  const wait = requeuedAt + (runner.credentialSecondMs ?? 1100) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const res = await shell(followUp.command);
  if (res.code === 0) return `${followUp.command}: done`;
  const said = safeExcerpt(`${res.stderr}\n${res.stdout}`.trim(), 200);
  return `${followUp.command} failed on ${where}${said ? ` ("${said}")` : ''}: the job starts once Slurm's ~120 s hold ends`;
}

function scontrolFailure(said: string, exit: number | null, where: string): [ErrorCode, string, string] {
  if (/Invalid user id|Access\/permission denied|not authorized/i.test(said)) {
    return ['COMMAND_FAILED', 'permission', `the SSH user on ${where} may not change Slurm (it must be root or SlurmUser, or a Slurm admin/operator where slurmdbd keeps admin levels)`];
  }
  if (/Invalid node name/i.test(said)) return ['NOT_FOUND', 'unknown-node', 'Slurm has no node by that name'];
  if (/Invalid job id/i.test(said)) return ['NOT_FOUND', 'unknown-job', 'Slurm has no such job (it may have ended)'];
  if (/pending execution/i.test(said)) return ['COMMAND_FAILED', 'job-pending', 'the job is pending, so there is nothing to requeue'];
  if (/Unable to contact slurm controller|configuration source|Could not establish/i.test(said)) {
    return ['HOST_UNREACHABLE', 'controller-unreachable', `scontrol on ${where} cannot reach slurmctld (or find slurm.conf)`];
  }
  if (exit === 127 || /not found|No such file/i.test(said)) return ['COMMAND_FAILED', 'no-scontrol', `scontrol is not on the PATH of the SSH user on ${where}`];
  return ['COMMAND_FAILED', 'scontrol-failed', `scontrol exited with ${exit ?? 'a signal'}`];
}

function subjectOf(rendered: RenderedSlurmChange): string {
  const c = rendered.change;
  return c.kind === 'requeue' ? `job ${c.jobId}` : c.node;
}
