/**
 * A lab replica's Prometheus metrics (text exposition format 0.0.4): requests by route and
 * status code, a latency histogram, and token counters, so a test or an operator can see what
 * probes cost a replica without trusting the prober's own account.
 */

/** Upper bounds (seconds) of the latency buckets: from an instant /health to a slow completion. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class LabReplicaMetrics {
  private readonly requests = new Map<string, number>();
  private readonly buckets = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private durationSum = 0;
  private durationCount = 0;
  private promptTokens = 0;
  private generationTokens = 0;

  /** One answered request; `route` is a template (bounded label values), never a raw path. */
  observe(route: string, status: number, seconds: number): void {
    const key = `${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i]++;
    });
    this.durationSum += seconds;
    this.durationCount++;
  }

  countTokens(prompt: number, generation: number): void {
    this.promptTokens += prompt;
    this.generationTokens += generation;
  }

  /** How many requests of `route` were answered with `status` (for tests and the lab CLI). */
  count(route: string, status: number): number {
    return this.requests.get(`${route}\u0000${status}`) ?? 0;
  }

  render(): string {
    const lines: string[] = [
      '# HELP lab_replica_requests_total Requests answered, by route and HTTP status code.',
      '# TYPE lab_replica_requests_total counter',
    ];
    for (const [key, n] of [...this.requests].sort(([a], [b]) => a.localeCompare(b))) {
      const [route, code] = key.split('\u0000');
      lines.push(`lab_replica_requests_total{route="${escapeLabel(route)}",code="${code}"} ${n}`);
    }
    lines.push(
      '# HELP lab_replica_request_duration_seconds Time from the request to the end of the response.',
      '# TYPE lab_replica_request_duration_seconds histogram',
    );
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`lab_replica_request_duration_seconds_bucket{le="${le}"} ${this.buckets[i]}`));
    lines.push(
      `lab_replica_request_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `lab_replica_request_duration_seconds_sum ${this.durationSum}`,
      `lab_replica_request_duration_seconds_count ${this.durationCount}`,
      '# HELP lab_replica_prompt_tokens_total Prompt tokens processed (estimated as the console estimates them).',
      '# TYPE lab_replica_prompt_tokens_total counter',
      `lab_replica_prompt_tokens_total ${this.promptTokens}`,
      '# HELP lab_replica_generation_tokens_total Tokens generated.',
      '# TYPE lab_replica_generation_tokens_total counter',
      `lab_replica_generation_tokens_total ${this.generationTokens}`,
    );
    return `${lines.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
