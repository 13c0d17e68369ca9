/**
 * `fleetops serve --lab` as a real process, stopped by a signal: a lab directory serve made for
 * itself is removed at shutdown, one the operator named with --lab-dir is kept, and nothing it
 * started (HAProxy, tsx's esbuild) outlives it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPaths } from '../../electron/core/lab/lab-files';
import { waitFor } from './helpers/free-port';
import { spawnFleetops, type CliProcess } from './helpers/cli-process';
import { descendantsOf, signalQuietly } from './helpers/process-tree';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups.reverse()) c();
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A process is identified by pid and start time (field 22 of /proc/<pid>/stat), so a reused pid is not mistaken for it. */
interface ProcessId {
  pid: number;
  comm: string;
  startTime: string;
  /** R, S, D, Z…: a zombie has exited, only its parent has not reaped it yet. */
  state: string;
}

function identify(pid: number): ProcessId | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), startTime: fields[19], state: fields[0] };
  } catch {
    return null;
  }
}

function stillRunning(p: ProcessId): boolean {
  const now = identify(p.pid);
  return now !== null && now.startTime === p.startTime && now.state !== 'Z';
}

interface ServeProcess {
  cli: CliProcess;
  /** The lab directory serve reported. */
  labDir: string;
  /** Everything below serve while it ran. */
  descendants: ProcessId[];
}

async function startServeProcess(extraArgs: string[]): Promise<ServeProcess> {
  const rendererDir = tempDir('fleetops-serve-renderer-');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');
  const dataDir = tempDir('fleetops-serve-data-');
  const cli = spawnFleetops(['serve', '--lab', '--lab-nodes', '2', '--renderer-dir', rendererDir, '--data-dir', dataDir, ...extraArgs]);
  let descendants: ProcessId[] = [];
  // If the test fails half-way, take down whatever serve started.
  cleanups.push(() => {
    for (const p of descendants) if (stillRunning(p)) signalQuietly(p.pid, 'SIGKILL');
    void cli.killTree();
  });
  await cli.waitForOutput(/fleetops console: /, 15_000);
  const labDir = /^lab: 2 simulated nodes in (.+?); /m.exec(cli.output())?.[1];
  if (!labDir) throw new Error(`serve did not say where its lab is:\n${cli.output()}`);
  // Cleanup of a lab dir serve made (it may survive a failed test); a dir the test made is already listed.
  cleanups.push(() => {
    if (labDir.startsWith(join(tmpdir(), 'fleetops-lab-'))) rmSync(labDir, { recursive: true, force: true });
  });
  descendants = descendantsOf(cli.child.pid!)
    .map(identify)
    .filter((p): p is ProcessId => p !== null);
  return { cli, labDir, descendants };
}

/** SIGTERM, then the orderly shutdown must finish, exit 0 and leave no process of serve's behind. */
async function stopWithSigterm(serve: ServeProcess): Promise<void> {
  const output = () => serve.cli.output();
  serve.cli.child.kill('SIGTERM');
  const exit = await Promise.race([
    serve.cli.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`serve did not exit within 10 s of SIGTERM:\n${output()}`)), 10_000).unref()),
  ]);
  expect(exit, output()).toEqual({ code: 0, signal: null });
  expect(output()).toContain('stopping…');
  // tsx's esbuild notices its parent is gone on its own (stdin closes): give it a deadline, not a sleep.
  await waitFor(() => serve.descendants.every((p) => !stillRunning(p)), { timeoutMs: 5_000, what: 'serve’s child processes to exit' }).catch(() => undefined);
  expect(serve.descendants.filter(stillRunning).map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
}

/** When serve started HAProxy, the leftover-process check must have seen it, or it proves nothing. */
function expectHaproxyAmongDescendants(serve: ServeProcess): void {
  if (serve.cli.output().includes('HAProxy frontend')) expect(serve.descendants.map((p) => p.comm)).toContain('haproxy');
}

describe('fleetops serve --lab, stopped by SIGTERM', () => {
  it('removes the lab directory it created itself', async () => {
    const serve = await startServeProcess([]);
    expect(serve.labDir.startsWith(join(tmpdir(), 'fleetops-lab-'))).toBe(true);
    expect(existsSync(labPaths(serve.labDir).inventoryPath)).toBe(true);
    expectHaproxyAmongDescendants(serve);

    await stopWithSigterm(serve);
    expect(existsSync(serve.labDir)).toBe(false);
  });

  it('keeps a lab directory given with --lab-dir', async () => {
    const dir = tempDir('fleetops-serve-own-lab-');
    const serve = await startServeProcess(['--lab-dir', dir]);
    expect(serve.labDir).toBe(dir);
    expect(existsSync(labPaths(dir).controlFile)).toBe(true);
    expectHaproxyAmongDescendants(serve);

    await stopWithSigterm(serve);
    expect(existsSync(labPaths(dir).inventoryPath)).toBe(true);
    // The shutdown really ran (it withdraws the lab's control file), and still kept the directory.
    expect(existsSync(labPaths(dir).controlFile)).toBe(false);
  });
});
