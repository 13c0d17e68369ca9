import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';

/**
 * One step of the data directory's schema. Append only: a migration that has shipped is never
 * edited, renamed or removed, because databases in the field recorded it by version and name.
 * Versions are one sequence (1, 2, 3, ... with no gaps) shared by the store and every feature
 * that keeps tables in it; each is applied once, in its own transaction.
 */
export interface Migration {
  version: number;
  name: string;
  /** One or more SQL statements. */
  up: string;
}

/** Who brings which migrations: the store itself, or a feature (electron/core/feature.ts). */
export interface MigrationSource {
  readonly name: string;
  readonly migrations: readonly Migration[];
}

/**
 * The one migration list of the data directory, from the store's own migrations and every
 * feature's: sorted by version, and refused (INTERNAL, at start-up) when two sources claim a
 * version or a version is missing, naming the sources, so a feature added in a branch that
 * took a number another branch took fails before any database is touched.
 */
export function composeMigrations(sources: readonly MigrationSource[]): Migration[] {
  const owners = new Map<number, { source: string; migration: Migration }>();
  for (const source of sources) {
    for (const m of source.migrations) {
      if (!Number.isInteger(m.version) || m.version < 1) {
        throw new FleetError('INTERNAL', `migration "${m.name}" of "${source.name}" has version ${m.version}: versions are whole numbers from 1`);
      }
      const taken = owners.get(m.version);
      if (taken) {
        throw new FleetError(
          'INTERNAL',
          `migration version ${m.version} is claimed twice: "${taken.migration.name}" of "${taken.source}" and "${m.name}" of "${source.name}"; give the newer one the next free version`,
          { detail: { version: m.version, sources: [taken.source, source.name] } },
        );
      }
      owners.set(m.version, { source: source.name, migration: m });
    }
  }
  const sorted = [...owners.entries()].sort(([a], [b]) => a - b);
  sorted.forEach(([version, { source, migration }], i) => {
    if (version !== i + 1) {
      throw new FleetError(
        'INTERNAL',
        `no migration has version ${i + 1}: the next is ${version} "${migration.name}" of "${source}"; versions are 1, 2, 3, ... with no gaps`,
        { detail: { missing: i + 1, next: { version, source } } },
      );
    }
  });
  return sorted.map(([, { migration }]) => migration);
}

/**
 * Brings the database at `file` up to the last of `migrations`. Each migration runs in its own
 * transaction together with its schema_migrations row and the user_version bump, so a failure
 * leaves the database at the previous version. A database from a newer build is refused before
 * anything is written to it.
 *
 * Several processes may open one data directory at once (the console, `fleetops run`, a second
 * console): each migration's transaction takes the write lock first (IMMEDIATE) and reads the
 * version again under it, so a migration another process applied since is skipped, not applied
 * twice ("table already exists"). `beforeEach` runs before each migration's transaction: where a
 * test puts the other process.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], file: string, now: () => number, beforeEach?: (m: Migration) => void): { applied: number[] } {
  const current = assertSupportedVersion(db, migrations, file);

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');

  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    beforeEach?.(m);
    const apply = db.transaction((): boolean => {
      // Another process may have applied it since we looked: under the lock, it is certain.
      if (currentVersion(db) >= m.version) return false;
      db.exec(m.up);
      record.run(m.version, m.name, now());
      // user_version lives in the database header and is rolled back with the transaction.
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    try {
      if (apply.immediate()) applied.push(m.version);
    } catch (err) {
      throw new FleetError('INTERNAL', `migration ${m.version} "${m.name}" failed on ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  return { applied };
}

/**
 * Read-only: returns the database's schema version, or throws if this build cannot handle it
 * (newer than the last known migration, or a history that disagrees with ours). Call it before
 * anything that writes (even the journal-mode pragma) so a refused database stays untouched.
 */
export function assertSupportedVersion(db: Database.Database, migrations: readonly Migration[], file: string): number {
  checkMigrationList(migrations);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const current = currentVersion(db);
  if (current > latest) {
    throw new FleetError(
      'INTERNAL',
      `${file} has schema version ${current}, but this fleetops only knows up to ${latest}: it was written by a newer version; refusing to open it`,
      { detail: { file, schemaVersion: current, supportedVersion: latest } },
    );
  }
  checkRecordedNames(db, migrations, file);
  return current;
}

/** The schema version of an opened database: user_version, or what schema_migrations recorded if that is ahead. */
export function currentVersion(db: Database.Database): number {
  const userVersion = Number(db.pragma('user_version', { simple: true }));
  if (!hasMigrationsTable(db)) return userVersion;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return Math.max(userVersion, row.v ?? 0);
}

function hasMigrationsTable(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
}

/** A recorded migration under another name means this build and the database disagree on history. */
function checkRecordedNames(db: Database.Database, migrations: readonly Migration[], file: string): void {
  if (!hasMigrationsTable(db)) return;
  const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
  const byVersion = new Map(migrations.map((m) => [m.version, m.name]));
  for (const row of rows) {
    const expected = byVersion.get(row.version);
    if (expected !== undefined && expected !== row.name) {
      throw new FleetError(
        'INTERNAL',
        `${file} recorded migration ${row.version} as "${row.name}" but this build calls it "${expected}"; refusing to guess which schema it has`,
      );
    }
  }
}

/** Versions must be 1, 2, 3, ... so "applied up to N" means exactly the first N migrations. */
function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new FleetError('INTERNAL', `migration list is malformed: entry ${i} has version ${m.version}, expected ${i + 1}`);
    }
  });
}
