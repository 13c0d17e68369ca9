/** `fleetops lab` end to end: a foreground lab, steered by the fault/clear/status subcommands. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabCommand } from '../../electron/cli/lab-command';

const ROOT = resolve(__dirname, '..', '..');
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLabCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('fleetops lab', () => {
  it('runs a lab that fault, clear and status steer from outside, and cleans up when told to stop', async () => {
    const dir = join(tempDir('fleetops-lab-cli-'), 'lab');
    let stop = () => {};
    const until = new Promise<void>((r) => (stop = r));
    const out: string[] = [];
    let started = () => {};
    const ready = new Promise<void>((r) => (started = r));
    const foreground = runLabCommand(['--nodes', '2', '--dir', dir], {
      out: (s) => {
        out.push(s);
        if (s.includes('Press Ctrl+C')) started();
      },
      err: (s) => out.push(s),
    }, { until });
    await ready;
    expect(out[0]).toContain(`fleetops check --inventory ${join(dir, 'fleet.yaml')}`);
    expect(out[0]).toContain(`dir:       ${dir}`);

    expect(await run('--nodes', '1', '--dir', dir)).toEqual({
      code: 1,
      out: '',
      err: `fleetops lab: a lab is already running in ${dir}: stop it first (Ctrl+C in its terminal) or choose another --dir`,
    });
    expect(await run('fault', '--dir', dir, '--node', 'use1-inf-01', '--kind', 'xid-79', '--gpu', '6')).toMatchObject({ code: 0, out: 'injected use1-inf-01  xid-79  GPU 6' });
    expect(await run('fault', '--dir', dir, '--node', 'usw2-inf-01', '--kind', 'slow-ssh')).toMatchObject({ code: 0 });
    const status = await run('status', '--dir', dir);
    expect(status.out).toBe(`lab in ${dir}: 2 nodes, inventory ${join(dir, 'fleet.yaml')}\nfaults (2):\n  usw2-inf-01  slow-ssh\n  use1-inf-01  xid-79  GPU 6`);
    expect(await run('fault', '--dir', dir, '--node', 'nope-01', '--kind', 'gpu-lost')).toEqual({ code: 1, out: '', err: 'fleetops lab: the lab has no node named "nope-01"' });
    expect(await run('clear', '--dir', dir, '--node', 'use1-inf-01')).toMatchObject({ code: 0, out: 'cleared all faults on use1-inf-01' });
    const json = JSON.parse((await run('status', '--dir', dir, '--json')).out);
    expect(json.faults).toEqual([{ node: 'usw2-inf-01', kind: 'slow-ssh' }]);

    stop();
    expect(await foreground).toBe(0);
    expect(existsSync(join(dir, 'lab.json'))).toBe(false);
    expect((await run('status', '--dir', dir)).code).toBe(1);
  });

  it('stops cleanly on SIGTERM when run as a process, removing lab.json', async () => {
    const dir = join(tempDir('fleetops-lab-sig-'), 'lab');
    const script = "require('./electron/cli/lab-command').runLabCommand(process.argv.slice(1), {out: console.log, err: console.error}).then(c => process.exit(c))";
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script, '--', '--nodes', '1', '--dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((resolveReady, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Press Ctrl+C')) resolveReady();
      });
      child.once('exit', () => reject(new Error(`lab exited before it was ready: ${stderr}`)));
    });
    expect(existsSync(join(dir, 'lab.json'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('fleetops lab: stopping…');
    expect(existsSync(join(dir, 'lab.json'))).toBe(false);
  });
});
