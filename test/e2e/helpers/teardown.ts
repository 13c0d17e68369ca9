/**
 * Everything an e2e file starts (labs, servers, browsers, temp dirs) is registered here as it
 * starts, and closed in afterAll in reverse order, even when a start-up step or a test failed
 * half-way: a leaked SSH listener or Chromium would outlive the run and slow every later one.
 */
export class Teardown {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> | unknown }> = [];

  /** Registers `run`; returns `value` so a start can be wrapped in one line. */
  add<T>(what: string, value: T, run: (value: T) => Promise<unknown> | unknown): T {
    this.steps.push({ what, run: () => run(value) });
    return value;
  }

  /** Runs every step, newest first; all run even if some fail, then the failures are thrown together. */
  async run(): Promise<void> {
    const failures: Error[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop() as (typeof this.steps)[number];
      try {
        await step.run();
      } catch (err) {
        failures.push(new Error(`teardown of ${step.what} failed: ${(err as Error)?.message ?? err}`));
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, failures.map((f) => f.message).join('; '));
  }
}
