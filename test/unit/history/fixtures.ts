/** Readings and a clock for the history tests. */
import type { GpuStatus } from '../../../shared/status';
import type { Timers } from '../../../electron/core/probe/scheduler';
import type { NodeProbeReading } from '../../../electron/core/history/history-sink';

export function gpu(index: number, over: Partial<GpuStatus> = {}): GpuStatus {
  return {
    index,
    uuid: `GPU-${index}`,
    name: 'NVIDIA H100 80GB HBM3',
    busId: `00000000:1${index}:00.0`,
    pstate: 'P0',
    temperatureC: 40 + index,
    memoryTemperatureC: 50,
    utilizationPct: 90,
    memoryUtilizationPct: 50,
    memoryTotalMiB: 81559,
    memoryUsedMiB: 70000 + index,
    powerW: 650.25,
    powerLimitW: 700,
    smClockMHz: 1980,
    clockEventReasons: [],
    eccMode: 'Enabled',
    eccCorrectedVolatile: 0,
    eccUncorrectedVolatile: 0,
    eccUncorrectedAggregate: 0,
    retiredPagesPending: null,
    remappedRowsPending: false,
    remappedRowsFailure: false,
    processes: 1,
    health: 'healthy',
    reasons: [],
    ...over,
  };
}

export function nodeReading(at: number, over: Partial<NodeProbeReading> = {}, gpus = 8): NodeProbeReading {
  return { at, latencyMs: 120.34, error: null, health: 'healthy', gpus: Array.from({ length: gpus }, (_, i) => gpu(i)), ...over };
}

/** A clock the test moves, and timers that only fire when the test says so. */
export class FakeTimers implements Timers {
  nowMs: number;
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; at: number }>();

  constructor(start: number) {
    this.nowMs = start;
  }

  now = (): number => this.nowMs;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.nowMs + ms });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Moves the clock, firing what comes due on the way. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.nowMs = Math.max(this.nowMs, due[1].at);
      due[1].fn();
    }
    this.nowMs = end;
  }
}
