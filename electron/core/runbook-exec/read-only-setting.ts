/**
 * The read-only switch as a stored setting: while on (globally, or for named clusters) runbooks
 * may be previewed but every step that changes the fleet is refused.
 */
import { z } from 'zod';
import type { SettingDefinition } from '../store/settings';

export const ReadOnlySetting = z.object({
  global: z.boolean(),
  clusters: z.array(z.string().min(1).max(200)).max(1000),
});
export type ReadOnlySetting = z.infer<typeof ReadOnlySetting>;

export const READ_ONLY_SETTING: SettingDefinition<ReadOnlySetting> = {
  key: 'read-only',
  schema: ReadOnlySetting,
  // A console nobody has switched to read-only yet is not read-only (as before the switch was stored).
  initial: { global: false, clusters: [] },
  // A row we cannot read means we do not know whether the operator turned changes off. Guessing
  // "off" could let a runbook change a fleet someone deliberately froze; guessing "on" costs one
  // deliberate, audited click to turn it off, which also rewrites the row. Refusing to start
  // instead would take monitoring down with it, so: read-only on, and say why (see RunbookService).
  whenUnreadable: { global: true, clusters: [] },
};

/** The switch with duplicate cluster names removed (the order kept). */
export function normalizeReadOnly(setting: ReadOnlySetting): ReadOnlySetting {
  return { global: setting.global, clusters: [...new Set(setting.clusters)] };
}
