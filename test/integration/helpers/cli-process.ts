/**
 * The `fleetops` CLI as a real process (run from source with tsx), for tests that need to stop
 * it the hard way: SIGKILL of the process and everything it started, as a crash would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { descendantsOf, signalQuietly } from './process-tree';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything it wrote so far, stderr lines marked `[err] `. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first match of `re` in the output; rejects if the process exits first or `timeoutMs` passes. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGKILL to the process and every process below it (taken just before), then waits for its exit. */
  killTree(): Promise<void>;
  /** SIGTERM, waits up to `timeoutMs` for the exit, then kills whatever is left of the tree. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnFleetopsOptions {
  /** The whole environment of the process (default: this one's), e.g. a HOME of the test's own. */
  env?: NodeJS.ProcessEnv;
}

export function spawnFleetops(args: readonly string[], opts: SpawnFleetopsOptions = {}): CliProcess {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'electron/cli/index.ts'), ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers = new Set<() => void>();
  const append = (text: string) => {
    output += text;
    for (const w of [...watchers]) w();
  };
  child.stdout!.on('data', (d: Buffer) => append(d.toString()));
  child.stderr!.on('data', (d: Buffer) => append(`[err] ${d.toString()}`));
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      r({ code, signal });
      for (const w of [...watchers]) w();
    }),
  );

  const waitForOutput = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolveMatch, reject) => {
      const done = () => {
        watchers.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        const m = re.exec(output);
        if (m) return (done(), resolveMatch(m));
        if (hasExited) return (done(), reject(new Error(`fleetops ${args[0]} exited before printing ${re}:\n${output}`)));
      };
      const timer = setTimeout(() => (done(), reject(new Error(`fleetops ${args[0]} did not print ${re} within ${timeoutMs} ms:\n${output}`))), timeoutMs);
      watchers.add(check);
      check();
    });

  const killTree = async () => {
    if (hasExited) return;
    const below = descendantsOf(child.pid!);
    signalQuietly(child.pid!, 'SIGKILL');
    for (const pid of below) signalQuietly(pid, 'SIGKILL');
    await exited;
  };

  return {
    child,
    output: () => output,
    exited,
    waitForOutput,
    killTree,
    async stop(timeoutMs = 10_000) {
      if (!hasExited) {
        // Taken now: once the process is gone its children are re-parented and out of reach.
        const below = descendantsOf(child.pid!);
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          signalQuietly(child.pid!, 'SIGKILL');
          for (const pid of below) signalQuietly(pid, 'SIGKILL');
        }, timeoutMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

export interface FleetopsResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `fleetops ARGS` to completion (killed at `timeoutMs`): its exit and its two streams apart. */
export async function runFleetops(args: readonly string[], opts: SpawnFleetopsOptions & { timeoutMs?: number } = {}): Promise<FleetopsResult> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'electron/cli/index.ts'), ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  const timer = setTimeout(() => {
    for (const pid of descendantsOf(child.pid!)) signalQuietly(pid, 'SIGKILL');
    signalQuietly(child.pid!, 'SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  // 'close', not 'exit': both streams are read to the end.
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('close', (c, s) => r([c, s])));
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}
