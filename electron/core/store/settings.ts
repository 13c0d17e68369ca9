/**
 * Operator settings kept in the store (the `settings` table of migration 5): one JSON value per
 * key, typed by a SettingDefinition whose zod schema checks the value on the way in (a bad value
 * is never written) and on the way out (a row edited or damaged outside fleetops is never trusted).
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { FleetError } from '../../../shared/errors';

export interface SettingDefinition<T> {
  key: string;
  schema: z.ZodType<T>;
  /** The value of a setting nobody has set yet. */
  initial: T;
  /**
   * What a row that cannot be read (not JSON, or not the schema's shape) reads as. Each setting
   * decides: for a safety switch it is the safe value, not the initial one.
   */
  whenUnreadable: T;
}

/** A read setting, and where its value came from; `problem` says why a row was not usable. */
export type SettingRead<T> =
  | { value: T; source: 'stored'; updatedAt: number; problem: null }
  | { value: T; source: 'initial'; updatedAt: null; problem: null }
  | { value: T; source: 'unreadable'; updatedAt: number; problem: string };

export interface Settings {
  get<T>(def: SettingDefinition<T>): SettingRead<T>;
  /** Validates, then writes (insert or replace) in one committed statement; returns the value as stored. */
  set<T>(def: SettingDefinition<T>, value: T): T;
}

export interface SettingsOptions {
  /** The database file, named in messages. */
  file: string;
  /** Clock for updated_at. */
  now?: () => number;
}

/** Settings over an open connection to a store at schema version 5 or later. */
export function createSettings(db: Database.Database, opts: SettingsOptions): Settings {
  const now = opts.now ?? Date.now;
  const select = db.prepare('SELECT value, updated_at FROM settings WHERE key = ?');
  const upsert = db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  return {
    get<T>(def: SettingDefinition<T>): SettingRead<T> {
      const row = select.get(def.key) as { value: string; updated_at: number } | undefined;
      if (!row) return { value: def.initial, source: 'initial', updatedAt: null, problem: null };
      const unreadable = (why: string): SettingRead<T> => ({
        value: def.whenUnreadable,
        source: 'unreadable',
        updatedAt: row.updated_at,
        problem: `setting "${def.key}" in ${opts.file} is unreadable (${why}); using ${JSON.stringify(def.whenUnreadable)} until it is set again`,
      });
      let json: unknown;
      try {
        json = JSON.parse(row.value);
      } catch (err) {
        return unreadable(`not JSON: ${(err as Error).message}`);
      }
      const parsed = def.schema.safeParse(json);
      if (!parsed.success) return unreadable(parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '));
      return { value: parsed.data, source: 'stored', updatedAt: row.updated_at, problem: null };
    },
    set<T>(def: SettingDefinition<T>, value: T): T {
      const parsed = def.schema.safeParse(value);
      if (!parsed.success) {
        throw new FleetError('BAD_REQUEST', `invalid value for setting "${def.key}": ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
      }
      try {
        upsert.run(def.key, JSON.stringify(parsed.data), now());
      } catch (err) {
        throw new FleetError('INTERNAL', `cannot save setting "${def.key}" in ${opts.file}: ${(err as Error).message}`, { cause: err });
      }
      return parsed.data;
    },
  };
}
