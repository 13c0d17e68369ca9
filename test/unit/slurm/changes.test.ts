/**
 * Drain, resume and requeue: rendered exactly (REST where the plugin has node update, scontrol
 * otherwise), quoted so nothing a reason holds can run, and run with scontrol's own refusals
 * (measured on 22.05.8) turned into the operator's words.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { RenderedSlurmChange, type SlurmApi } from '../../../shared/slurm';
import { executeSlurmChange } from '../../../electron/core/slurm/execute-change';
import { renderSlurmChange } from '../../../electron/core/slurm/render-change';

const V38: SlurmApi = { version: 'v0.0.38', family: 'v0.0.38', basePath: '/slurm/v0.0.38', nodeUpdate: false, offered: ['v0.0.38'], release: '22.05.8' };
const V41: SlurmApi = { version: 'v0.0.41', family: 'v0.0.39+', basePath: '/slurm/v0.0.41', nodeUpdate: true, offered: ['v0.0.41'], release: '24.05.1' };

function refusal(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a refusal');
}

describe('renderSlurmChange', () => {
  it('drains and resumes over scontrol on v0.0.38, every value single-quoted', () => {
    const drain = renderSlurmChange({ kind: 'drain', node: 'node3', reason: 'XID 79 on GPU 3' }, V38);
    expect(drain).toMatchObject({ via: 'scontrol', command: "scontrol update NodeName='node3' State=DRAIN Reason='XID 79 on GPU 3'" });
    expect(drain.text).toBe((drain as { command: string }).command);
    expect(renderSlurmChange({ kind: 'resume', node: 'node3' }, V38)).toMatchObject({ command: "scontrol update NodeName='node3' State=RESUME" });
    expect(RenderedSlurmChange.parse(drain)).toEqual(drain);
  });

  it('drains and resumes over REST where the plugin has POST /node', () => {
    const drain = renderSlurmChange({ kind: 'drain', node: 'gpu-002', reason: 'XID 79' }, V41);
    expect(drain).toEqual({
      via: 'rest',
      change: { kind: 'drain', node: 'gpu-002', reason: 'XID 79' },
      method: 'POST',
      path: '/slurm/v0.0.41/node/gpu-002',
      body: { state: ['DRAIN'], reason: 'XID 79' },
      text: 'POST /slurm/v0.0.41/node/gpu-002 {"state":["DRAIN"],"reason":"XID 79"}',
    });
    expect(renderSlurmChange({ kind: 'resume', node: 'gpu-002' }, V41)).toMatchObject({ via: 'rest', body: { state: ['RESUME'] } });
    // Not detected yet: scontrol, which works everywhere.
    expect(renderSlurmChange({ kind: 'resume', node: 'gpu-002' }, null)).toMatchObject({ via: 'scontrol' });
  });

  it('requeues with scontrol on every plugin, then sets the start time to now once the job is pending (or it waits ~120 s)', () => {
    for (const api of [V38, V41]) {
      const r = renderSlurmChange({ kind: 'requeue', jobId: '4123' }, api);
      expect(r).toMatchObject({
        via: 'scontrol',
        command: "scontrol requeue '4123'",
        followUp: { check: "scontrol show job -o '4123'", command: "scontrol update JobId='4123' StartTime=now" },
        text: "scontrol requeue '4123'; once `scontrol show job 4123` says PENDING: scontrol update JobId='4123' StartTime=now",
      });
      expect(RenderedSlurmChange.parse(r)).toEqual(r);
    }
  });

  it('puts the remote environment before every scontrol', () => {
    const r = renderSlurmChange({ kind: 'requeue', jobId: '7_2' }, V38, { env: { SLURM_CONF: "/tmp/it's/slurm.conf" }, scontrol: '/usr/bin/scontrol' });
    const env = "SLURM_CONF='/tmp/it'\\''s/slurm.conf'";
    expect(r).toMatchObject({
      command: `${env} /usr/bin/scontrol requeue '7_2'`,
      followUp: { check: `${env} /usr/bin/scontrol show job -o '7_2'`, command: `${env} /usr/bin/scontrol update JobId='7_2' StartTime=now` },
    });
  });

  it('refuses what is not a node, a job, a reason, an environment name or a command path', () => {
    expect(refusal(() => renderSlurmChange({ kind: 'drain', node: 'node1;reboot', reason: 'x' }, V38)).code).toBe('BAD_REQUEST');
    expect(refusal(() => renderSlurmChange({ kind: 'resume', node: '-rf' }, V41)).message).toMatch(/not a Slurm node name/);
    expect(refusal(() => renderSlurmChange({ kind: 'requeue', jobId: '12 13' }, V38)).message).toMatch(/not a Slurm job id/);
    expect(refusal(() => renderSlurmChange({ kind: 'drain', node: 'n1', reason: '  ' }, V38)).message).toMatch(/needs a reason/);
    expect(refusal(() => renderSlurmChange({ kind: 'drain', node: 'n1', reason: 'a\nb' }, V38)).message).toMatch(/line break/);
    expect(refusal(() => renderSlurmChange({ kind: 'drain', node: 'n1', reason: 'x'.repeat(600) }, V38)).message).toMatch(/at most 512/);
    expect(refusal(() => renderSlurmChange({ kind: 'resume', node: 'n1' }, V38, { env: { 'A;B': '1' } })).message).toMatch(/environment variable name/);
    expect(refusal(() => renderSlurmChange({ kind: 'resume', node: 'n1' }, V38, { scontrol: 'scontrol;id' })).message).toMatch(/command path/);
  });
});

describe('a hostile reason on a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-scontrol-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Stands in for scontrol: prints each argument it got on its own line.
  const fake = join(dir, 'scontrol');
  writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
  chmodSync(fake, 0o755);

  it('arrives as one argument, nothing run', () => {
    const reason = `XID 79 $(touch ${dir}/pwned) \`id\` 'quoted' "dq" ; rm -rf / && echo $HOME *`;
    const r = renderSlurmChange({ kind: 'drain', node: 'node1', reason }, V38, { scontrol: fake });
    const out = execFileSync('/bin/sh', ['-c', (r as { command: string }).command], { encoding: 'utf8', cwd: dir });
    expect(out.split('\n').slice(0, 4)).toEqual(['update', 'NodeName=node1', 'State=DRAIN', `Reason=${reason}`]);
    expect(() => execFileSync('test', ['-e', join(dir, 'pwned')])).toThrow();
  });
});

describe('executeSlurmChange', () => {
  const drain38 = renderSlurmChange({ kind: 'drain', node: 'node1', reason: 'x' }, V38);
  const shell = (stderr: string, code = 1) => async () => ({ stdout: '', stderr, code });

  it('runs scontrol through the shell and reports what it said', async () => {
    const commands: string[] = [];
    const out = await executeSlurmChange(drain38, { shell: async (c) => (commands.push(c), { stdout: '', stderr: '', code: 0 }), shellWhere: 'login-1' });
    expect(commands).toEqual([(drain38 as { command: string }).command]);
    expect(out.output).toMatch(/: done$/);
  });

  it("turns scontrol's refusals (as 22.05.8 words them) into codes and advice", async () => {
    const run = (stderr: string, code?: number, change = drain38) => executeSlurmChange(change, { shell: shell(stderr, code), shellWhere: 'login-1' }).catch((e: unknown) => e as FleetError);
    expect(await run('slurm_update error: Invalid user id\n')).toMatchObject({ code: 'COMMAND_FAILED', detail: { reason: 'permission' }, message: expect.stringMatching(/must be root or SlurmUser/) });
    expect(await run('Access/permission denied for job 1\n')).toMatchObject({ detail: { reason: 'permission' } });
    expect(await run('slurm_update error: Invalid node name specified\n')).toMatchObject({ code: 'NOT_FOUND', subject: 'node1' });
    const requeue = renderSlurmChange({ kind: 'requeue', jobId: '999' }, V38);
    expect(await run('Invalid job id specified for job 999\n', 1, requeue)).toMatchObject({ code: 'NOT_FOUND', subject: 'job 999' });
    expect(await run('Job is pending execution for job 1\n', 1, requeue)).toMatchObject({ detail: { reason: 'job-pending' } });
    expect(await run('scontrol: fatal: Could not establish a configuration source\n')).toMatchObject({ code: 'HOST_UNREACHABLE' });
    expect(await run('sh: 1: scontrol: not found\n', 127)).toMatchObject({ detail: { reason: 'no-scontrol' } });
    expect(await run('something else\n', 2)).toMatchObject({ code: 'COMMAND_FAILED', detail: { reason: 'scontrol-failed', exitCode: 2 } });
  });

  it('requeues, waits for the job to be pending again, then sets its start time to now', async () => {
    const requeue = renderSlurmChange({ kind: 'requeue', jobId: '12' }, V38);
    const ran: string[] = [];
    const states = ['JobState=COMPLETING Reason=None', 'JobState=COMPLETING Reason=None', 'JobState=PENDING Reason=BeginTime'];
    const out = await executeSlurmChange(requeue, {
      pollIntervalMs: 1,
      shell: async (c) => {
        ran.push(c);
        return { stdout: c.includes('show job') ? `JobId=12 ${states.shift()}\n` : '', stderr: '', code: 0 };
      },
    });
    expect(ran).toEqual(["scontrol requeue '12'", ...Array(3).fill("scontrol show job -o '12'"), "scontrol update JobId='12' StartTime=now"]);
    expect(out.output).toMatch(/StartTime=now: done$/);
  });

  it('says so when a requeued job does not come back to pending, without failing the requeue', async () => {
    const requeue = renderSlurmChange({ kind: 'requeue', jobId: '12' }, V38);
    const running = await executeSlurmChange(requeue, { shell: async (c) => ({ stdout: c.includes('show job') ? 'JobState=RUNNING' : '', stderr: '', code: 0 }) });
    expect(running.output).toMatch(/the job is running, not pending: its start time was left as it is/);
    const slow = await executeSlurmChange(requeue, { followUpTimeoutMs: 5, pollIntervalMs: 2, shell: async (c) => ({ stdout: c.includes('show job') ? 'JobState=COMPLETING' : '', stderr: '', code: 0 }) });
    expect(slow.output).toMatch(/still completing after the wait: its start time was not set/);
  });

  it('treats resuming a node that is not drained as done (the goal holds)', async () => {
    const resume = renderSlurmChange({ kind: 'resume', node: 'node1' }, V38);
    const out = await executeSlurmChange(resume, { shell: shell('slurm_update error: Invalid node state specified\n') });
    expect(out.output).toMatch(/neither drained nor down; nothing to resume/);
  });

  it("posts REST changes and fails on Slurm's errors in a 200", async () => {
    const drain41 = renderSlurmChange({ kind: 'drain', node: 'gpu-1', reason: 'x' }, V41);
    const posted: unknown[] = [];
    const ok = await executeSlurmChange(drain41, { rest: { post: async (p, b) => (posted.push([p, b]), { errors: [] }) } });
    expect(posted).toEqual([['/slurm/v0.0.41/node/gpu-1', { state: ['DRAIN'], reason: 'x' }]]);
    expect(ok.output).toMatch(/POST \/slurm\/v0\.0\.41\/node\/gpu-1 .*: done/);
    const refused = await executeSlurmChange(drain41, { rest: { post: async () => ({ errors: [{ error: 'Invalid node name specified', error_number: 2003 }] }) } }).catch((e: unknown) => e as FleetError);
    expect(refused).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/Slurm refused .*Invalid node name specified/) });
  });

  it('says what is missing instead of running nothing silently', async () => {
    await expect(executeSlurmChange(drain38, {})).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/no SSH connection/) });
    await expect(executeSlurmChange(renderSlurmChange({ kind: 'resume', node: 'n' }, V41), {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
