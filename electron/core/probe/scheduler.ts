/**
 * Runs one task per subject at the subject's interval, never two at once for the same subject,
 * with a global concurrency cap so 1,000 nodes do not open 1,000 channels in the same tick.
 *
 * Subjects start spread over their first interval (a deterministic offset from the key), so a
 * fleet loaded at once does not probe in lock-step. Drift — how late a probe starts compared to
 * when it was due — is reported for the benchmark: it is the scheduler's own quality measure.
 */
export interface ScheduledSubject {
  key: string;
  intervalMs: number;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SchedulerOptions {
  concurrency: number;
  run: (key: string) => Promise<void>;
  timers?: Timers;
  /** Called with (key, ms late) each time a task starts. */
  onStart?: (key: string, driftMs: number) => void;
  /** Called when a task is due while the previous one for the same key still runs. */
  onOverrun?: (key: string) => void;
}

interface Entry {
  subject: ScheduledSubject;
  due: number;
  running: boolean;
  queued: boolean;
}

export class ProbeScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: string[] = [];
  private active = 0;
  private timer: unknown = null;
  private started = false;
  private readonly timers: Timers;

  constructor(private readonly opts: SchedulerOptions) {
    if (!(opts.concurrency >= 1)) throw new Error('concurrency must be at least 1');
    this.timers = opts.timers ?? realTimers;
  }

  /** Replaces the subject list; subjects that stay keep their schedule. */
  setSubjects(list: ScheduledSubject[]): void {
    const now = this.timers.now();
    const keep = new Set(list.map((s) => s.key));
    for (const key of [...this.entries.keys()]) if (!keep.has(key)) this.entries.delete(key);
    for (let i = this.queue.length - 1; i >= 0; i--) if (!keep.has(this.queue[i])) this.queue.splice(i, 1);
    for (const subject of list) {
      const existing = this.entries.get(subject.key);
      if (existing) {
        if (existing.subject.intervalMs !== subject.intervalMs) existing.due = Math.min(existing.due, now + subject.intervalMs);
        existing.subject = subject;
      } else {
        this.entries.set(subject.key, { subject, due: now + spreadOffset(subject.key, subject.intervalMs), running: false, queued: false });
      }
    }
    if (this.started) this.tick();
  }

  start(): void {
    this.started = true;
    this.tick();
  }

  stop(): void {
    this.started = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    for (const e of this.entries.values()) e.queued = false;
  }

  /** Makes a subject due now (an operator asked for a fresh probe). */
  runSoon(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.due = this.timers.now();
    if (this.started) this.tick();
  }

  get size(): number {
    return this.entries.size;
  }

  private tick(): void {
    if (!this.started) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    const now = this.timers.now();
    for (const [key, e] of this.entries) {
      if (e.due > now || e.queued) continue;
      if (e.running) {
        // Still busy with the previous round: skip this one rather than pile up.
        this.opts.onOverrun?.(key);
        e.due += e.subject.intervalMs * Math.max(1, Math.ceil((now - e.due) / e.subject.intervalMs));
      } else {
        e.queued = true;
        this.queue.push(key);
      }
    }
    this.drain();
    let nextDue = Infinity;
    for (const e of this.entries.values()) if (!e.queued && e.due < nextDue) nextDue = e.due;
    if (nextDue !== Infinity) this.timer = this.timers.setTimeout(() => this.tick(), Math.max(0, nextDue - now));
  }

  private drain(): void {
    while (this.active < this.opts.concurrency && this.queue.length > 0) {
      const key = this.queue.shift()!;
      const e = this.entries.get(key);
      if (!e) continue;
      e.queued = false;
      e.running = true;
      this.active++;
      const startedAt = this.timers.now();
      this.opts.onStart?.(key, startedAt - e.due);
      // The next run is due one interval after this one was due, not after it finished, so a
      // slow probe does not stretch the cadence.
      e.due += e.subject.intervalMs;
      if (e.due <= startedAt) e.due = startedAt + e.subject.intervalMs;
      void this.opts
        .run(key)
        .catch(() => undefined) // run() reports its own failures; the schedule must go on.
        .finally(() => {
          e.running = false;
          this.active--;
          if (this.started) this.tick();
        });
    }
  }
}

/** A stable offset in [0, interval) from the key, so restarts keep the same spread. */
export function spreadOffset(key: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % Math.max(1, Math.floor(intervalMs));
}
