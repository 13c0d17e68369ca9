/**
 * The highest request rate a backend saw over the last few minutes, from the rates each poll
 * reads. HAProxy's `rate` covers only the last second, so one quiet second would tell a capacity
 * check the backend needs nothing; the peak over a window is what the servers left must carry.
 */
export const RATE_PEAK_WINDOW_MS = 5 * 60_000;

export class RatePeak {
  private readonly samples = new Map<string, { at: number; rate: number }[]>();

  constructor(private readonly windowMs = RATE_PEAK_WINDOW_MS) {}

  /** Adds this poll's rate (null: HAProxy gave none) and returns the peak over the window, null without any sample. */
  add(backend: string, at: number, rate: number | null): number | null {
    let list = this.samples.get(backend);
    if (!list) this.samples.set(backend, (list = []));
    if (rate !== null) list.push({ at, rate });
    while (list.length > 0 && list[0]!.at <= at - this.windowMs) list.shift();
    return list.length === 0 ? null : Math.max(...list.map((s) => s.rate));
  }

  /** Forgets backends no longer in the inventory. */
  keepOnly(backends: ReadonlySet<string>): void {
    for (const b of [...this.samples.keys()]) if (!backends.has(b)) this.samples.delete(b);
  }
}
