/**
 * This process as an owner of runs and locks: a row in `process_owners` with a heartbeat lease.
 * Another process judges it alive while its lease is fresh and, on the same host, while its pid
 * exists; a process killed with SIGKILL is seen as dead at once on the same host, and after its
 * lease elsewhere.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { FleetError } from '../../../shared/errors';

export interface OwnerRow {
  id: string;
  pid: number;
  host: string;
  label: string;
  osUser: string;
  startedAt: number;
  heartbeatAt: number;
  leaseMs: number;
  endedAt: number | null;
}

export interface ProcessOwnerOptions {
  /** What this process is, as another process names it: "fleetops run", "fleetops serve". */
  label: string;
  /** Who runs it (recorded; the audit identity). */
  identity: { user: string; host: string };
  pid?: number;
  /** The machine, as pids are judged on it: the OS host name (not the audit identity, which a caller may set). */
  host?: string;
  now?: () => number;
  /** A lease not renewed for this long means the owner is dead. Default 30 s. */
  leaseMs?: number;
  /** Whether a pid exists on this host; default `process.kill(pid, 0)`. */
  pidAlive?: (pid: number) => boolean;
  id?: string;
}

export const DEFAULT_LEASE_MS = 30_000;

export class ProcessOwner {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly label: string;
  readonly leaseMs: number;
  private readonly now: () => number;
  private readonly pidAlive: (pid: number) => boolean;
  private readonly selectOwner: Database.Statement;
  private readonly updateHeartbeat: Database.Statement;
  private readonly updateEnded: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    opts: ProcessOwnerOptions,
  ) {
    this.id = opts.id ?? randomUUID();
    this.pid = opts.pid ?? process.pid;
    this.host = opts.host ?? hostname();
    this.label = opts.label;
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.now = opts.now ?? Date.now;
    this.pidAlive = opts.pidAlive ?? defaultPidAlive;
    const t = this.now();
    db.prepare(
      'INSERT INTO process_owners (id, pid, host, label, os_user, started_at, heartbeat_at, lease_ms, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)',
    ).run(this.id, this.pid, this.host, this.label, opts.identity.user, t, t, this.leaseMs);
    this.selectOwner = db.prepare('SELECT * FROM process_owners WHERE id = ?');
    this.updateHeartbeat = db.prepare('UPDATE process_owners SET heartbeat_at = ? WHERE id = ? AND ended_at IS NULL');
    this.updateEnded = db.prepare('UPDATE process_owners SET ended_at = ? WHERE id = ?');
  }

  /** Renews the lease. */
  heartbeat(): void {
    if (this.db.open) this.updateHeartbeat.run(this.now(), this.id);
  }

  /** A clean stop: from now on this owner is dead to everyone (its unfinished runs are recovered). */
  end(): void {
    if (this.db.open) this.updateEnded.run(this.now(), this.id);
  }

  owner(id: string | null): OwnerRow | null {
    if (id === null) return null;
    const r = this.selectOwner.get(id) as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      id: r.id as string,
      pid: r.pid as number,
      host: r.host as string,
      label: r.label as string,
      osUser: r.os_user as string,
      startedAt: r.started_at as number,
      heartbeatAt: r.heartbeat_at as number,
      leaseMs: r.lease_ms as number,
      endedAt: (r.ended_at as number | null) ?? null,
    };
  }

  /** Dead: unknown (NULL owner: a run from before ownership), stopped cleanly, lease run out, or (same host) pid gone. */
  isAlive(id: string | null): boolean {
    if (id === this.id) return true;
    const o = this.owner(id);
    if (!o || o.endedAt !== null) return false;
    if (this.now() - o.heartbeatAt > o.leaseMs) return false;
    return o.host !== this.host || this.pidAlive(o.pid);
  }

  /** "fleetops run (pid 4242 on gpu-ops-1, alice, started 12:03)" — how a refusal names the holder. */
  describe(id: string | null): string {
    if (id === this.id) return `this ${this.label} (pid ${this.pid})`;
    const o = this.owner(id);
    if (!o) return 'a process from before ownership was recorded';
    const started = new Date(o.startedAt).toTimeString().slice(0, 5);
    const state = this.isAlive(id) ? '' : o.endedAt !== null ? ', since stopped' : ', no longer running';
    return `${o.label} (pid ${o.pid} on ${o.host}, ${o.osUser}, started ${started}${state})`;
  }
}

function defaultPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockedError(subject: string, message: string, detail: Record<string, unknown>): FleetError {
  return new FleetError('RUNBOOK_LOCKED', message, { subject, detail });
}
