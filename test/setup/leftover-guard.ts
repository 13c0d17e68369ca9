/**
 * vitest globalSetup: a test run leaves nothing behind, or the run fails.
 *
 * Before any test file runs, the run gets a temp folder of its own (TMPDIR for the workers and
 * everything they start: CLI processes, sshd, HAProxy, Chromium) and a marker in the environment
 * those processes inherit. After the last file:
 *  - anything still in the run's temp folder was left by this run (no other process writes
 *    there), except tool caches (tsx's, jiti's);
 *  - any live process that carries this run's marker and is neither the runner nor one of its
 *    workers was started by a test and never stopped (a zombie has exited and is not counted).
 * Either one is printed and makes the run fail (exit code 1); the leftovers are then removed
 * and killed, so a failed run does not leave them either. New fleetops-* entries in the system
 * temp folder are printed as a warning only: another program may have made them meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The environment variable that marks every process of one test run. */
export const RUN_MARKER = 'FLEETOPS_TEST_RUN';
/**
 * Caches tools keep on purpose, not a test's leftovers: tsx's compile cache (`tsx-<uid>`), jiti's
 * (`jiti`, electron-builder's config loader). They go with the run's temp folder all the same.
 */
const TOOL_CACHES = [/^tsx-\d+$/, /^jiti$/];

export interface RunProcess {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

export interface LeftoverReport {
  /** What is left in the run's own temp folder. */
  entries: string[];
  /** Live processes of this run other than the runner and its workers. */
  processes: RunProcess[];
  /** fleetops-* entries that appeared in the system temp folder during the run (maybe not ours). */
  strays: string[];
}

export interface LeftoverGuardOptions {
  /** Where the run's temp folder is made; default the system one. */
  tmpRoot?: string;
  /** The runner: it and its direct children (the workers) are not leftovers. Default this process. */
  ownerPid?: number;
  /** How long finish() waits for processes that are on their way out. Default 10 s. */
  graceMs?: number;
}

export interface LeftoverGuard {
  readonly runTmp: string;
  readonly marker: string;
  /** The run's environment: TMPDIR and the marker. */
  readonly env: Record<string, string>;
  /** Reports what is left, then removes the temp folder and kills the processes. */
  finish(): Promise<LeftoverReport>;
}

export function startLeftoverGuard(opts: LeftoverGuardOptions = {}): LeftoverGuard {
  const tmpRoot = opts.tmpRoot ?? tmpdir();
  const ownerPid = opts.ownerPid ?? process.pid;
  const before = new Set(fleetopsEntries(tmpRoot));
  const runTmp = mkdtempSync(join(tmpRoot, 'fleetops-vitest-'));
  // The sshd tests' user (fleetops-test) reads its authorized_keys below this folder.
  chmodSync(runTmp, 0o755);
  const marker = randomBytes(8).toString('hex');
  return {
    runTmp,
    marker,
    env: { TMPDIR: runTmp, [RUN_MARKER]: marker },
    async finish() {
      const deadline = Date.now() + (opts.graceMs ?? 10_000);
      let processes = processesOfRun(marker, ownerPid);
      while (processes.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        processes = processesOfRun(marker, ownerPid);
      }
      for (const p of processes) signalQuietly(p.pid, 'SIGKILL');
      const entries = readdirSync(runTmp).filter((name) => !TOOL_CACHES.some((re) => re.test(name)));
      rmSync(runTmp, { recursive: true, force: true });
      const strays = fleetopsEntries(tmpRoot).filter((name) => !before.has(name) && name !== basename(runTmp));
      return { entries: entries.sort(), processes, strays: strays.sort() };
    },
  };
}

/** Live processes whose environment carries `marker`, except `ownerPid` and its direct children. */
export function processesOfRun(marker: string, ownerPid: number): RunProcess[] {
  const needle = `${RUN_MARKER}=${marker}`;
  const out: RunProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === ownerPid || pid === process.pid) continue;
    let stat: string;
    let environ: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    if (!environ.split('\0').includes(needle)) continue;
    // The command name is parenthesised and may hold spaces: the state and ppid follow the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X' || Number(ppid) === ownerPid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      // gone
    }
    out.push({ pid, ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cmdline });
  }
  return out;
}

function fleetopsEntries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.startsWith('fleetops-'));
  } catch {
    return [];
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The lines to print; empty when the run left nothing. */
export function describeLeftovers(report: LeftoverReport, runTmp: string): string[] {
  const lines: string[] = [];
  if (report.entries.length > 0) {
    lines.push(`The tests left ${report.entries.length} entr${report.entries.length === 1 ? 'y' : 'ies'} in the temp folder (${runTmp}, now removed):`);
    for (const e of report.entries) lines.push(`  ${e}`);
  }
  if (report.processes.length > 0) {
    lines.push(`The tests left ${report.processes.length} process${report.processes.length === 1 ? '' : 'es'} running (now killed):`);
    for (const p of report.processes) lines.push(`  pid ${p.pid} (parent ${p.ppid}) ${p.comm}: ${p.cmdline}`);
  }
  return lines;
}

/** vitest's globalSetup entry point; the returned function is its teardown. */
export default function setup(): () => Promise<void> {
  const saved = { TMPDIR: process.env.TMPDIR, marker: process.env[RUN_MARKER] };
  const guard = startLeftoverGuard();
  // Workers are forked after global setup, with this process's environment.
  Object.assign(process.env, guard.env);
  return async () => {
    const report = await guard.finish();
    restore('TMPDIR', saved.TMPDIR);
    restore(RUN_MARKER, saved.marker);
    if (report.strays.length > 0) {
      console.warn(`note: new fleetops-* entries appeared in ${tmpdir()} during the run (made by another program, or by a test that ignores TMPDIR): ${report.strays.join(', ')}`);
    }
    const lines = describeLeftovers(report, guard.runTmp);
    if (lines.length === 0) return;
    const bar = '!'.repeat(78);
    console.error([bar, 'LEFTOVERS: the test run must leave nothing behind (test/setup/leftover-guard.ts)', ...lines, 'Remove them where the test made them (afterAll / teardown; wait for child processes).', bar].join('\n'));
    process.exitCode = 1;
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
