/** A counting semaphore with a FIFO queue: waiters get permits in the order they asked. */
export class Semaphore {
  private available: number;
  private readonly queue: Array<() => void> = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`semaphore needs at least 1 permit, got ${permits}`);
    this.available = permits;
  }

  /** Resolves with a release function once a permit is free. Release is idempotent. */
  async acquire(): Promise<() => void> {
    if (this.available > 0) {
      this.available -= 1;
    } else {
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // Hand the permit straight to the next waiter so a late acquirer cannot jump the queue.
      if (next) next();
      else this.available += 1;
    };
  }

  get inUse(): number {
    return this.permits - this.available;
  }

  get waiting(): number {
    return this.queue.length;
  }
}
