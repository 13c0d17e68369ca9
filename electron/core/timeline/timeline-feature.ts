/**
 * The timeline as a feature (issue 11): its migration (11: origin, the filter indexes, the FTS
 * index), `timeline.query` / `timeline.histogram` / `timeline.kinds`, and retention as a
 * background service. It reads and prunes over a connection of its own (openTimelineDb), closed
 * when the core stops.
 */
import type Database from 'better-sqlite3';
import { createSettings } from '../store/settings';
import { EVENT_RETENTION_SETTING } from './retention-setting';
import type { BackgroundService, CoreFeature, FeatureDefinition } from '../feature';
import { realTimers, type Timers } from '../probe/scheduler';
import type { AppendEventInput } from '../store/event-log';
import { TIMELINE_MIGRATION } from './timeline-migration';
import { TimelineRetention, timelineRetentionService, type TimelineRetentionOptions } from './timeline-retention';
import type { TimelineInventory } from './timeline-scope';
import { openTimelineDb, TimelineStore } from './timeline-store';
import type { TextSearchOptions } from './timeline-text';

export const TIMELINE: FeatureDefinition = { name: 'timeline', migrations: [TIMELINE_MIGRATION] };

/** The timeline's settings (CoreDeps.timeline): retention, and the text search's plan limits (timeline-text.ts). */
export interface TimelineOptions extends TimelineRetentionOptions, TextSearchOptions {
  /** false: no pruning (a one-shot command that opens the core); default on. */
  retention?: boolean;
}

export interface TimelineNeeds {
  /** The store's file (Store.path). */
  path: string;
  inventory: () => TimelineInventory | null;
  now: () => number;
  timers?: Timers;
  /** Where a failed prune is recorded. */
  record?: (e: AppendEventInput) => void;
  options?: TimelineOptions;
}

/** The data directory's retention (EVENT_RETENTION_SETTING), read at each pass: a change by the CLI or another console applies without a restart. */
function settingAge(db: Database.Database, path: string): () => number {
  const settings = createSettings(db, { file: path });
  return () => settings.get(EVENT_RETENTION_SETTING).value * 86_400_000;
}

type TimelineMethod = 'timeline.query' | 'timeline.histogram' | 'timeline.kinds';

export function timelineFeature(needs: TimelineNeeds): CoreFeature<TimelineMethod> {
  const db = openTimelineDb(needs.path);
  const opts = needs.options ?? {};
  const store = new TimelineStore(db, { inventory: needs.inventory, now: needs.now, gatherMax: opts.gatherMax, scanBudget: opts.scanBudget, histogramGatherMax: opts.histogramGatherMax });
  const close = () => {
    if (db.open) db.close();
  };
  const services: BackgroundService[] =
    opts.retention === false
      ? [{ name: 'timeline connection', start() {}, stop: close }]
      : [timelineRetentionService(new TimelineRetention(db, needs.now, { ...opts, maxAgeMs: opts.maxAgeMs ?? settingAge(db, needs.path) }), { ...opts, timers: needs.timers ?? realTimers, record: needs.record, onStop: close })];
  return {
    ...TIMELINE,
    services,
    handlers: {
      'timeline.query': async (q) => store.query(q),
      'timeline.histogram': async (q) => store.histogram(q),
      'timeline.kinds': async () => store.kinds(),
    },
  };
}
