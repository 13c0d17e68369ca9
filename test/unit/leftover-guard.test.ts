/**
 * The leftover guard (test/setup/leftover-guard.ts), run inside this test the way vitest runs it
 * around a whole run: it counts only what this run made (entries in its own temp folder, live
 * processes carrying its marker), cleans them up, and fails the run when there were any.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import setup, { RUN_MARKER, startLeftoverGuard } from '../setup/leftover-guard';

const root = mkdtempSync(join(tmpdir(), 'fleetops-guard-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\)\s+Z\s/.test(spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout);
  } catch {
    return false;
  }
}

describe('leftover guard', () => {
  it('reports nothing for a run that cleaned up, and removes its temp folder', async () => {
    const guard = startLeftoverGuard({ tmpRoot: root, ownerPid: process.ppid, graceMs: 200 });
    mkdirSync(join(guard.runTmp, 'fleetops-made-and-removed'));
    rmSync(join(guard.runTmp, 'fleetops-made-and-removed'), { recursive: true });
    mkdirSync(join(guard.runTmp, 'tsx-0')); // tsx's compile cache is not a leftover
    expect(await guard.finish()).toEqual({ entries: [], processes: [], strays: [] });
    expect(existsSync(guard.runTmp)).toBe(false);
  });

  it("counts what this run left — temp entries and live processes with the run's marker — and nothing older or foreign", async () => {
    mkdirSync(join(root, 'fleetops-from-before'));
    const guard = startLeftoverGuard({ tmpRoot: root, ownerPid: process.ppid, graceMs: 300 });
    const env = { ...process.env, ...guard.env };
    mkdirSync(join(guard.runTmp, 'fleetops-lab-leaked'));
    writeFileSync(join(guard.runTmp, 'kh-leaked'), '');
    // A process a test started and never stopped; one re-parented away from its test (as a
    // daemon or a killed parent's child is); one that ended in time; one of another run.
    const direct = spawn('sleep', ['30'], { env, stdio: 'ignore' });
    const orphan = Number(spawnSync('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], { env, encoding: 'utf8' }).stdout.trim());
    const quick = spawn('sleep', ['0.1'], { env, stdio: 'ignore' });
    const foreign = spawn('sleep', ['30'], { env: { ...process.env, [RUN_MARKER]: 'another-run' }, stdio: 'ignore' });
    mkdirSync(join(root, 'fleetops-appeared-meanwhile'));
    try {
      const report = await guard.finish();
      expect(report.entries).toEqual(['fleetops-lab-leaked', 'kh-leaked']);
      expect(report.processes.map((p) => p.pid).sort()).toEqual([direct.pid, orphan].sort());
      expect(report.processes.every((p) => p.comm === 'sleep')).toBe(true);
      expect(report.processes.map((p) => p.pid)).not.toContain(quick.pid);
      // Not ours to fail on: it is only reported as a warning.
      expect(report.strays).toEqual(['fleetops-appeared-meanwhile']);
      // …and cleaned up.
      expect(existsSync(guard.runTmp)).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(orphan)).toBe(false);
      expect(alive(foreign.pid!)).toBe(true);
    } finally {
      for (const pid of [direct.pid!, orphan, foreign.pid!]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });

  it('as globalSetup: gives the run its TMPDIR and marker, and its teardown fails the run on leftovers', async () => {
    const saved = { exitCode: process.exitCode, TMPDIR: process.env.TMPDIR, marker: process.env[RUN_MARKER] };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const teardown = setup();
      const runTmp = process.env.TMPDIR!;
      expect(runTmp).not.toBe(saved.TMPDIR);
      expect(tmpdir()).toBe(runTmp);
      expect(process.env[RUN_MARKER]).toMatch(/^[0-9a-f]{16}$/);
      mkdirSync(join(runTmp, 'fleetops-forgotten'));
      process.exitCode = undefined;
      await teardown();
      expect(process.exitCode).toBe(1);
      expect(String(errors.mock.calls[0]?.[0])).toMatch(/LEFTOVERS[\s\S]*fleetops-forgotten/);
      expect(process.env.TMPDIR).toBe(saved.TMPDIR);
      expect(process.env[RUN_MARKER]).toBe(saved.marker);
      expect(existsSync(runTmp)).toBe(false);

      // A clean run passes.
      errors.mockClear();
      const clean = setup();
      process.exitCode = undefined;
      await clean();
      expect(process.exitCode).toBeUndefined();
      expect(errors).not.toHaveBeenCalled();
    } finally {
      process.exitCode = saved.exitCode;
      errors.mockRestore();
    }
  });
});
