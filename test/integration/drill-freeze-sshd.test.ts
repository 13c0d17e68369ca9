/**
 * The freeze fault's command line on a real POSIX shell (OpenSSH's sshd, dash): the lab only
 * recognises the line, so here a real `kill -STOP` of a real server process, owned by the SSH
 * user, proves what the line does on a node. `systemctl show -p MainPID --value UNIT` is the one
 * part that needs systemd; a stand-in first on the session's PATH prints the PID systemd would.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshCommand } from '../../electron/core/drills/fault-commands';
import { SshPool } from '../../electron/core/ssh/pool';
import { startSshd, TEST_USER, type TestSshd } from './helpers/sshd';

let sshd: TestSshd;
const pool = new SshPool();
let server: ChildProcess | undefined;
let serverPid = 0;
let serverPort = 0;

beforeAll(async () => {
  sshd = await startSshd();
  // systemd's answer for unit U: the PID written in mainpid-U, or 0 (no main process).
  const standIn = join(sshd.dir, 'bin', 'systemctl');
  writeFileSync(
    standIn,
    [
      '#!/bin/sh',
      '[ "$1 $2 $3 $4" = "show -p MainPID --value" ] || { echo "this stand-in only answers show -p MainPID --value" >&2; exit 1; }',
      `cat "${sshd.dir}/mainpid-$5" 2>/dev/null || echo 0`,
      '',
    ].join('\n'),
  );
  chmodSync(standIn, 0o755);
  // The "service": an HTTP server run as the SSH user, as a unit's process would be.
  const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).trim());
  server = spawn(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>r.end('ok')).listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { uid, gid, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
  serverPort = await new Promise<number>((resolve, reject) => {
    server!.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    server!.once('exit', (code) => reject(new Error(`the test server exited (${code}) before listening`)));
  });
  serverPid = server.pid!;
}, 60_000);

afterAll(async () => {
  await pool.closeAll();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  }
  await sshd?.dispose();
});

function health(timeoutMs: number): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port: serverPort, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

/** The process state letter in /proc: S sleeping, T stopped (by a signal). */
const procState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
const run = (command: 'freeze-service' | 'thaw-service') => pool.exec(sshd.target('freeze'), sshCommand('node', command, 'vllm', 30).commandLine, { timeoutMs: 10_000 });

describe('the freeze line on a real shell', () => {
  it('SIGSTOPs the main process (requests time out, the kernel still accepts) and SIGCONTs it back', async () => {
    writeFileSync(join(sshd.dir, 'mainpid-vllm'), `${serverPid}\n`);
    expect(await health(2000)).toEqual({ status: 200 });

    expect(await run('freeze-service')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(procState(serverPid)).toBe('T');
    expect(await health(500)).toEqual({ error: 'timeout' });

    expect(await run('thaw-service')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(procState(serverPid)).not.toBe('T');
    expect(await health(2000)).toEqual({ status: 200 });
  });

  it('with no main process (PID 0) refuses before kill, and the session itself is never stopped', async () => {
    writeFileSync(join(sshd.dir, 'mainpid-vllm'), '0\n');
    const started = performance.now();
    const r = await run('freeze-service');
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'no main process for unit vllm\n' });
    // `kill -STOP 0` would have stopped the session's own process group: the exec would hang to its timeout.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(procState(serverPid)).not.toBe('T');
  });

  it('passes systemctl\'s own failure through with its status', async () => {
    const r = await pool.exec(sshd.target('freeze'), sshCommand('node', 'freeze-service', 'vllm', 30).commandLine.replace('show -p MainPID', 'show -p MainPid'), { timeoutMs: 10_000 });
    expect(r).toMatchObject({ code: 1, stderr: 'this stand-in only answers show -p MainPID --value\n' });
  });
});
