/**
 * Collects the keys of subjects that changed and publishes their latest values together, at
 * most once per `flushMs`: 1,000 nodes probed in a second become a handful of messages, not
 * 1,000, and a subject that changed twice in a window is sent once with its latest state.
 */
import type { Timers } from '../probe/scheduler';

export class BatchedPublisher<T> {
  private readonly dirty = new Set<string>();
  private timer: unknown = null;
  /** While paused, changes accumulate until flush() (a caller driving rounds by hand). */
  paused = true;

  constructor(
    private readonly timers: Timers,
    private readonly current: (key: string) => T | undefined,
    private readonly publish: (values: T[]) => void,
    private readonly flushMs = 200,
  ) {}

  mark(key: string): void {
    this.dirty.add(key);
    if (this.timer !== null || this.paused) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs);
  }

  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty.size === 0) return;
    const out: T[] = [];
    for (const key of this.dirty) {
      const v = this.current(key);
      if (v !== undefined) out.push(v);
    }
    this.dirty.clear();
    if (out.length) this.publish(out);
  }

  stop(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.paused = true;
  }
}
