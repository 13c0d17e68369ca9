/**
 * The lab's training job writer: real checkpoint files in a DCP-like layout, at an interval, so
 * the checkpoint probe has something true to watch. Each save makes `step-N/`, writes the shards
 * `__R_0.distcp` one after another (spread over `saveMs`, so the save has a duration and
 * timestamps to measure it by), then writes `.metadata` last by rename, as DCP does. It keeps the
 * newest `keep` complete checkpoints, as torchtitan's `keep_latest_k` does.
 *
 * Faults, each a switch:
 * - `stall`: the writer hangs (a stuck collective): no new save starts, and a save under way
 *   stops where it is until the switch is cleared, leaving a step that grows no more;
 * - `no-metadata`: saves write their shards but never `.metadata` (a crash at the end);
 * - `truncated-shard`: a save's last shard is written at a quarter of its size, yet `.metadata`
 *   is still written (a short write that went unnoticed);
 * - `disk-full`: SIMULATED: a save's shard write fails half way with an ENOSPC error raised by this
 *   writer itself (nothing fills the real disk), leaving a partial step without `.metadata`;
 * - `mount-gone`: the directory is renamed away (`<dir>.fleetops-gone`), so the path no longer
 *   exists and saves fail with the system's own ENOENT; clearing it (or stop()) renames it back.
 */
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type LabWriterFault = 'stall' | 'no-metadata' | 'truncated-shard' | 'disk-full' | 'mount-gone';
export const LAB_WRITER_FAULTS: readonly LabWriterFault[] = ['stall', 'no-metadata', 'truncated-shard', 'disk-full', 'mount-gone'];

export interface LabWriterEvent {
  kind: 'saved' | 'left-incomplete' | 'failed';
  step: number;
  message: string;
}

export interface LabWriterOptions {
  directory: string;
  /** Time from one save's start to the next. */
  intervalMs: number;
  /** Before the first save; default `intervalMs`. */
  initialDelayMs?: number;
  /** Shards per save (ranks). Default 4. */
  shards?: number;
  /** Bytes per shard. Default 2 MiB: a quarter-size shard is then short by more than the probe's 1 MiB slack. */
  shardBytes?: number;
  /** Training steps between saves. Default 100. */
  stepsPerSave?: number;
  /** How long one save takes (shards spread over it). Default 0. */
  saveMs?: number;
  /** Complete checkpoints kept. Default 3. */
  keep?: number;
  onEvent?: (e: LabWriterEvent) => void;
}

export interface LabWriterStatus {
  /** The step of the newest save started; 0 before the first. */
  step: number;
  lastComplete: string | null;
  saving: boolean;
  faults: LabWriterFault[];
  lastError: { code: string; message: string } | null;
  saves: number;
  failures: number;
}

export interface LabWriter {
  setFault(fault: LabWriterFault, on: boolean): Promise<void>;
  status(): LabWriterStatus;
  /** Runs one save now unless one is under way; resolves when it ends (tests). */
  saveNow(): Promise<void>;
  /** Stops the timer, ends a save under way (a stalled one is abandoned), puts a gone directory back. */
  stop(): Promise<void>;
}

const CHUNK = 64 * 1024;

function enospc(path: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}' (simulated by the lab writer)`), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
    path,
  });
}

export function startLabWriter(opts: LabWriterOptions): LabWriter {
  const shards = opts.shards ?? 4;
  const shardBytes = opts.shardBytes ?? 2 * 1024 * 1024;
  const stepsPerSave = opts.stepsPerSave ?? 100;
  const keep = opts.keep ?? 3;
  const gonePath = `${opts.directory}.fleetops-gone`;
  const faults = new Set<LabWriterFault>();
  const wakers = new Set<() => void>();
  const state: LabWriterStatus = { step: 0, lastComplete: null, saving: false, faults: [], lastError: null, saves: 0, failures: 0 };
  let stopped = false;
  let current: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const wake = (): void => {
    for (const w of wakers) w();
    wakers.clear();
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  /** Holds a save while the writer is stalled; false when the writer stopped meanwhile. */
  const unstalled = async (): Promise<boolean> => {
    while (faults.has('stall') && !stopped) await sleep(1000);
    return !stopped;
  };

  async function writeShard(path: string, bytes: number): Promise<void> {
    const fh = await open(path, 'w');
    try {
      const chunk = Buffer.alloc(Math.min(CHUNK, Math.max(1, bytes)));
      // A full disk takes the first half of the shard, then refuses the rest.
      const room = faults.has('disk-full') ? Math.floor(bytes / 2) : bytes;
      let written = 0;
      while (written < room) {
        const n = Math.min(chunk.length, room - written);
        await fh.write(chunk, 0, n);
        written += n;
      }
      if (room < bytes) throw enospc(path);
    } finally {
      await fh.close();
    }
  }

  async function prune(): Promise<void> {
    const names = await readdir(opts.directory);
    const complete: number[] = [];
    for (const name of names) {
      const m = /^step-([0-9]+)$/.exec(name);
      if (!m) continue;
      const has = (await readdir(join(opts.directory, name)).catch(() => [] as string[])).includes('.metadata');
      if (has) complete.push(Number(m[1]));
    }
    complete.sort((a, b) => b - a);
    for (const step of complete.slice(keep)) await rm(join(opts.directory, `step-${step}`), { recursive: true, force: true });
  }

  async function save(step: number): Promise<void> {
    const dir = join(opts.directory, `step-${step}`);
    // Not recursive: with the directory gone, this fails as a trainer's would (ENOENT).
    await mkdir(dir);
    const sizes: number[] = [];
    for (let r = 0; r < shards; r++) {
      if (!(await unstalled())) return;
      const bytes = faults.has('truncated-shard') && r === shards - 1 ? Math.floor(shardBytes / 4) : shardBytes;
      await writeShard(join(dir, `__${r}_0.distcp`), bytes);
      sizes.push(shardBytes);
      if (opts.saveMs) await sleep(opts.saveMs / shards);
    }
    if (!(await unstalled())) return;
    if (faults.has('no-metadata')) {
      opts.onEvent?.({ kind: 'left-incomplete', step, message: `step-${step} left without .metadata (fault no-metadata)` });
      return;
    }
    // What DCP's metadata records: each shard's expected extent. Written whole, then renamed in.
    const tmp = join(dir, '.metadata.tmp');
    await writeFile(tmp, JSON.stringify({ step, shards: sizes.map((length, rank) => ({ file: `__${rank}_0.distcp`, offset: 0, length })) }));
    await rename(tmp, join(dir, '.metadata'));
    state.lastComplete = `step-${step}`;
    state.saves++;
    opts.onEvent?.({ kind: 'saved', step, message: `step-${step} saved` });
    // Pruning is housekeeping: a directory that went away meanwhile does not fail the save.
    await prune().catch(() => undefined);
  }

  function runSave(): Promise<void> {
    if (current) return current;
    if (stopped) return Promise.resolve();
    state.step += stepsPerSave;
    const step = state.step;
    state.saving = true;
    current = save(step)
      .catch((err: unknown) => {
        const e = err as { code?: string; message?: string };
        state.failures++;
        state.lastError = { code: e.code ?? 'ERROR', message: e.message ?? String(err) };
        opts.onEvent?.({ kind: 'failed', step, message: `step-${step} failed: ${state.lastError.message}` });
      })
      .finally(() => {
        state.saving = false;
        current = null;
      });
    return current;
  }

  const tick = (): void => {
    timer = null;
    if (stopped) return;
    // A stalled writer starts nothing; a save still under way is not overlapped.
    if (!faults.has('stall') && !current) void runSave();
    timer = setTimeout(tick, opts.intervalMs);
  };
  timer = setTimeout(tick, opts.initialDelayMs ?? opts.intervalMs);

  return {
    async setFault(fault, on) {
      if (on === faults.has(fault)) return;
      if (fault === 'mount-gone') await rename(on ? opts.directory : gonePath, on ? gonePath : opts.directory);
      if (on) faults.add(fault);
      else faults.delete(fault);
      if (fault === 'stall' && !on) wake();
    },
    status: () => ({ ...state, faults: [...faults], lastError: state.lastError ? { ...state.lastError } : null }),
    saveNow: () => runSave(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      wake();
      await current;
      if (faults.has('mount-gone')) {
        await rename(gonePath, opts.directory);
        faults.delete('mount-gone');
      }
    },
  };
}
