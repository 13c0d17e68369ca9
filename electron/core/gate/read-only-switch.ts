/**
 * The read-only switch the change gate consults: the stored setting (global or per cluster),
 * tightened for this process only by `fleetops run --read-only`. Read from the store at each
 * use: another process on the same data directory may have turned it on a moment ago.
 */
import type { AuditLog } from '../audit/audit-log';
import { normalizeReadOnly, READ_ONLY_SETTING, type ReadOnlySetting } from '../runbook-exec/read-only-setting';
import type { AppendEventInput } from '../store/open-store';
import type { Settings } from '../store/settings';

export interface ReadOnlySwitchDeps {
  settings: Settings;
  audit: AuditLog;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

export class ReadOnlySwitch {
  /** The unreadable-switch problem already on the record, so each read does not record it again. */
  private reportedProblem: string | null = null;
  /** Tightened for this process only (the CLI's --read-only flags); never stored. */
  private processReadOnly: ReadOnlySetting = { global: false, clusters: [] };

  constructor(private readonly deps: ReadOnlySwitchDeps) {}

  /** The switch in force: the stored one, tightened by restrictForThisProcess. */
  get value(): ReadOnlySetting {
    const stored = this.stored();
    const local = this.processReadOnly;
    return normalizeReadOnly({ global: stored.global || local.global, clusters: [...stored.clusters, ...local.clusters] });
  }

  /** Which of `clusters` the switch freezes now ('*' for the global switch); empty: changes may go. */
  frozen(clusters: readonly string[]): string[] {
    const v = this.value;
    if (v.global) return ['*'];
    return clusters.filter((c) => v.clusters.includes(c));
  }

  /**
   * Stored so it holds across restarts (written before it takes effect: a write that fails
   * changes nothing and says so); audited, because turning it off is what lets changes through.
   */
  set(setting: ReadOnlySetting): ReadOnlySetting {
    const stored = normalizeReadOnly(this.deps.settings.set(READ_ONLY_SETTING, normalizeReadOnly(setting)));
    this.reportedProblem = null;
    this.deps.audit.append({ kind: 'settings.read-only', subject: null, detail: stored });
    return this.value;
  }

  /** One command's flag must neither freeze the console for good nor loosen what the operator set. */
  restrictForThisProcess(setting: ReadOnlySetting): ReadOnlySetting {
    const local = this.processReadOnly;
    this.processReadOnly = normalizeReadOnly({ global: local.global || setting.global, clusters: [...local.clusters, ...setting.clusters] });
    this.deps.audit.append({ kind: 'settings.read-only', subject: null, detail: { ...this.processReadOnly, scope: 'process' } });
    return this.value;
  }

  /**
   * The stored switch. An unreadable row reads as read-only ON (see READ_ONLY_SETTING for why),
   * said once in the event log and the audit trail; the row is left as found until the next set.
   */
  stored(): ReadOnlySetting {
    const read = this.deps.settings.get(READ_ONLY_SETTING);
    if (read.problem !== null && read.problem !== this.reportedProblem) {
      this.reportedProblem = read.problem;
      this.deps.record({ ts: this.deps.now(), kind: 'settings.invalid', subject: null, severity: 'error', message: read.problem, data: { key: READ_ONLY_SETTING.key, using: read.value } });
      this.deps.audit.append({ kind: 'settings.read-only', subject: null, detail: { ...read.value, reason: read.problem } });
    }
    return normalizeReadOnly(read.value);
  }
}
