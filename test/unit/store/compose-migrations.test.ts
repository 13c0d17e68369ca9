/**
 * The data directory's one migration list, composed from the store's own migrations and each
 * feature's: the shipped history byte for byte, and a clear refusal when two sources collide or
 * leave a gap.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { BUILTIN_FEATURES, fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { composeMigrations, type Migration } from '../../../electron/core/store/migrate';
import { STORE_MIGRATIONS } from '../../../electron/core/store/migrations';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What shipped, as databases in the field recorded it (version, name) and as it created their
 * tables (the SQL's SHA-256). Never edited: a new migration is appended after these.
 */
const SHIPPED: [number, string, string][] = [
  [1, 'events', 'f1a46f6c3877a6d2306580b815afbd9bdcff477730419442b630769255f0f6ed'],
  [2, 'request_buckets', 'd4b2181f737f976837aa2323d4238fcc895d9a52250fcd0a97aab096be83d2d0'],
  [3, 'audit', '51f333627a8c672a148442178fc2db362190c7a8cf21df13640942c00af90d0c'],
  [4, 'runbook_journal', '2144d7f997d16a06eac48f9357650922b3e9f92ed9669c8987a1a5c2456f3dee'],
  [5, 'settings', 'ba2c156bacaf8aa574ee93fd6108c7cc8d8f9bb8b873609dd304d07016dd97af'],
  [6, 'ownership', 'fad1cf0f5a3e5d5ca956dfc2b112cd80b6b661ed7d459f674bae6114635ec973'],
  [7, 'history', '55fabb1b7b087575363704a7fbc82123dd9a61fb6a4490127f3412c689d0261f'],
];

const m = (version: number, name = `m${version}`): Migration => ({ version, name, up: `CREATE TABLE t${version} (x)` });

function refusal(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('INTERNAL');
    return err as FleetError;
  }
  throw new Error('expected a refusal');
}

describe('the data directory schema', () => {
  it('starts with the shipped migrations, byte for byte: versions, names and SQL', () => {
    const composed = fleetMigrations();
    expect(composed.slice(0, SHIPPED.length).map((x) => [x.version, x.name, sha256(x.up)])).toEqual(SHIPPED);
    expect(composed.map((x) => x.version)).toEqual(composed.map((_, i) => i + 1));
  });

  it('takes 1, 2, 3 and 5 from the store, and 4, 6 and 7 from the runbooks, ownership and history features', () => {
    expect(STORE_MIGRATIONS.map((x) => x.version)).toEqual([1, 2, 3, 5]);
    const owner = (version: number) => BUILTIN_FEATURES.find((f) => f.migrations.some((x) => x.version === version))?.name;
    expect([4, 6, 7].map(owner)).toEqual(['runbooks', 'ownership', 'history']);
    expect([1, 2, 3, 5].map(owner)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('refuses a registered feature that takes a shipped version, naming both', () => {
    const drills = { name: 'drills', migrations: [m(7, 'drills')] };
    expect(refusal(() => fleetMigrations([...BUILTIN_FEATURES, drills])).message).toBe(
      'migration version 7 is claimed twice: "history" of "history" and "drills" of "drills"; give the newer one the next free version',
    );
  });
});

describe('composeMigrations', () => {
  it('puts the sources together in version order, whatever order they come in', () => {
    const composed = composeMigrations([
      { name: 'b', migrations: [m(4), m(2)] },
      { name: 'a', migrations: [m(1), m(3)] },
    ]);
    expect(composed.map((x) => x.version)).toEqual([1, 2, 3, 4]);
    expect(composed[1]).toBe(composed.find((x) => x.name === 'm2'));
  });

  it('refuses a version claimed by two sources, naming both and their migrations', () => {
    const error = refusal(() =>
      composeMigrations([
        { name: 'store', migrations: [m(1, 'events')] },
        { name: 'drills', migrations: [m(2, 'drills')] },
        { name: 'incidents', migrations: [m(2, 'incidents')] },
      ]),
    );
    expect(error.message).toBe('migration version 2 is claimed twice: "drills" of "drills" and "incidents" of "incidents"; give the newer one the next free version');
    expect(error.detail).toEqual({ version: 2, sources: ['drills', 'incidents'] });
  });

  it('refuses a gap, naming the missing version and what comes after it', () => {
    const error = refusal(() =>
      composeMigrations([
        { name: 'store', migrations: [m(1), m(2)] },
        { name: 'capacity', migrations: [m(4, 'capacity')] },
      ]),
    );
    expect(error.message).toBe('no migration has version 3: the next is 4 "capacity" of "capacity"; versions are 1, 2, 3, ... with no gaps');
  });

  it('refuses a version that is not a whole number from 1', () => {
    expect(refusal(() => composeMigrations([{ name: 'training', migrations: [m(0, 'zero')] }])).message).toMatch(/migration "zero" of "training" has version 0/);
    expect(refusal(() => composeMigrations([{ name: 'training', migrations: [m(1.5, 'half')] }])).message).toMatch(/has version 1.5/);
  });

  it('composes nothing to nothing', () => {
    expect(composeMigrations([{ name: 'store', migrations: [] }])).toEqual([]);
  });
});
