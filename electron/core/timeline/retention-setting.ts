import { z } from 'zod';
import type { SettingDefinition } from '../store/settings';

export const DEFAULT_EVENT_RETENTION_DAYS = 90;

/**
 * How many days of events the timeline keeps (issue 11: configurable, default 90), per data
 * directory in the settings table, so every console and CLI on it prunes alike and a change is
 * seen at the next pass without a restart (`fleetops retention --events-days N`). Events an
 * incident holds, and imported ones, are kept whatever it says. A row that cannot be read keeps
 * the most (evidence is not deleted on a guess).
 */
export const EVENT_RETENTION_SETTING: SettingDefinition<number> = {
  key: 'timeline.eventRetentionDays',
  schema: z.number().int().min(1).max(3650),
  initial: DEFAULT_EVENT_RETENTION_DAYS,
  whenUnreadable: 3650,
};
