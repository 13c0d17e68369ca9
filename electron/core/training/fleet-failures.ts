/**
 * What the event store says of failures: each job's interruptions, and the fleet's own mean time
 * between node failures for Young's formula — node failures (a training node's verdict turning
 * unhealthy or unreachable) per node-hour observed, over the last 30 days or since the store's
 * first event, whichever is shorter.
 */
import type Database from 'better-sqlite3';
import { failureRatePerNodeHour, jobMtbfHours } from '../checkpoints/young-interval';
import { JOB_INTERRUPTED } from './slurm-changes';

export const MTBF_WINDOW_MS = 30 * 86_400_000;

export class FleetFailures {
  private readonly interruptions: Database.Statement;
  private readonly failures: Database.Statement;
  private readonly firstEvent: Database.Statement;

  constructor(db: Database.Database) {
    this.interruptions = db.prepare(`SELECT count(*) FROM events WHERE subject = ? AND kind = '${JOB_INTERRUPTED}' AND origin IS NULL`).pluck();
    // node.health's data.to is the new verdict (fleet/monitor.ts); the subject list is one JSON parameter.
    this.failures = db
      .prepare(
        `SELECT count(*) FROM events WHERE kind = 'node.health' AND ts >= ? AND origin IS NULL
           AND subject IN (SELECT value FROM json_each(?)) AND json_extract(data, '$.to') IN ('unhealthy', 'unreachable')`,
      )
      .pluck();
    this.firstEvent = db.prepare('SELECT min(ts) FROM events WHERE origin IS NULL').pluck();
  }

  interruptionsOf(subject: string): number {
    return this.interruptions.get(subject) as number;
  }

  /**
   * A job's mean time between failures, hours: the fleet's node failure rate (failures of these
   * nodes per node-hour observed) over the job's node count; null while none failed.
   */
  jobMtbfHours(nodes: readonly string[], jobNodes: number, now: number): number | null {
    const first = (this.firstEvent.get() as number | null) ?? now;
    const from = Math.max(now - MTBF_WINDOW_MS, first);
    const hours = Math.max(0, now - from) / 3_600_000;
    const failures = nodes.length === 0 ? 0 : (this.failures.get(from, JSON.stringify(nodes)) as number);
    return jobMtbfHours(failureRatePerNodeHour(failures, nodes.length, hours), jobNodes);
  }
}
