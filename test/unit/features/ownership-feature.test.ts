/**
 * The ownership feature on a real store: each tick renews this process's lease in
 * `process_owners` and then does the other owners' duties; a failing tick is on the record and
 * never thrown; its lease service ticks at its interval until stopped.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { openCoordination, type Coordination } from '../../../electron/core/locks/coordination';
import { OWNERSHIP, ownershipFeature } from '../../../electron/core/locks/ownership-feature';
import { OWNERSHIP_MIGRATION } from '../../../electron/core/locks/ownership-migration';
import type { AppendEventInput } from '../../../electron/core/store/event-log';
import { openStore } from '../../../electron/core/store/open-store';

let dir: string;
let coordination: Coordination;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-ownership-feature-'));
  clock = 1_000_000;
  const store = openStore(dir, { migrations: fleetMigrations(), now });
  store.close();
  coordination = openCoordination(join(dir, 'fleetops.db'), { label: 'fleetops test', identity: { user: 'alice', host: 'ops-1' }, now });
});
afterEach(() => {
  vi.useRealTimers();
  coordination.close();
  rmSync(dir, { recursive: true, force: true });
});

/** This process's lease as another connection reads it from the file. */
function heartbeatAt(): number {
  const db = new Database(join(dir, 'fleetops.db'), { readonly: true });
  try {
    return (db.prepare('SELECT heartbeat_at FROM process_owners WHERE id = ?').get(coordination.owner.id) as { heartbeat_at: number }).heartbeat_at;
  } finally {
    db.close();
  }
}

describe('ownership feature', () => {
  it('brings migration 6 and nothing else', () => {
    expect(OWNERSHIP.migrations).toEqual([OWNERSHIP_MIGRATION]);
    expect(OWNERSHIP_MIGRATION).toMatchObject({ version: 6, name: 'ownership' });
  });

  it('renews the lease on each tick, then does the duties', () => {
    const seen: number[] = [];
    const feature = ownershipFeature({ owner: coordination.owner, duties: [() => seen.push(heartbeatAt())], record: () => undefined, now });
    clock += 5_000;
    feature.tick();
    expect(heartbeatAt()).toBe(1_005_000);
    // The duty ran after the renewal: it saw the new lease.
    expect(seen).toEqual([1_005_000]);
  });

  it('puts a failing tick on the record instead of throwing, and ticks again next time', () => {
    const recorded: AppendEventInput[] = [];
    let fail = true;
    const feature = ownershipFeature({
      owner: coordination.owner,
      duties: [
        () => {
          if (fail) throw new Error('database is locked');
        },
      ],
      record: (e) => recorded.push(e),
      now,
    });
    expect(() => feature.tick()).not.toThrow();
    expect(recorded).toEqual([
      expect.objectContaining({ kind: 'ownership.tick.failed', severity: 'error', message: "renewing this process's lease failed: database is locked", data: expect.objectContaining({ code: 'INTERNAL' }) }),
    ]);
    fail = false;
    clock += 1_000;
    feature.tick();
    expect(recorded).toHaveLength(1);
    expect(heartbeatAt()).toBe(1_001_000);
  });

  it('ticks at its interval while started, and not after it stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let ticks = 0;
    const feature = ownershipFeature({ owner: coordination.owner, duties: [() => ticks++], tickMs: 250, record: () => undefined, now });
    const [lease] = feature.services!;
    await lease.start();
    vi.advanceTimersByTime(1_000);
    expect(ticks).toBe(4);
    await lease.stop();
    vi.advanceTimersByTime(1_000);
    expect(ticks).toBe(4);
  });
});
