/**
 * The Drills view's words and numbers, pure so tests run in Node: a schedule in words, times in
 * the drill's zone and the viewer's, the drill's clock, the live plot's columns and markers, the
 * trend across runs.
 */
import type { DrillHistory } from '../../../shared/drill-report';
import type { DrillMilestoneName, DrillRunStatus, DrillRunView } from '../../../shared/drill-run';
import { isFinalDrillStatus } from '../../../shared/drill-run-status';
import { MILESTONE_LABELS } from '../../../shared/drill-words';
import type { PlotMarker } from '../plots/markers';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const isNumber = (f: string) => /^\d+$/.test(f);
const pad2 = (n: number) => String(n).padStart(2, '0');

/** "Tuesday", "Monday to Friday", "Saturday and Sunday"; null for what it cannot say simply. */
function daysInWords(field: string): string | null {
  const day = (n: number) => DAYS[n % 7];
  if (isNumber(field) && Number(field) <= 7) return day(Number(field));
  const range = /^(\d)-(\d)$/.exec(field);
  if (range && Number(range[1]) < Number(range[2]) && Number(range[2]) <= 7) return `${day(Number(range[1]))} to ${day(Number(range[2]))}`;
  const list = field.split(',');
  if (list.length > 1 && list.every((d) => isNumber(d) && Number(d) <= 7)) {
    const names = list.map((d) => day(Number(d)));
    return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
  return null;
}

/**
 * A five-field cron schedule in words, in its zone: "every Tuesday at 03:00 (Europe/Berlin)",
 * "every 15 minutes", "every day at 02:30". What it cannot say simply it shows as the
 * expression itself, never as a guess.
 */
export function describeSchedule(cron: string, timeZone: string): string {
  const zone = ` (${timeZone})`;
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return `cron "${cron}"${zone}`;
  const [minute, hour, dom, month, dow] = fields;
  const step = /^\*\/(\d+)$/;
  const everyMinutes = step.exec(minute);
  if (everyMinutes && hour === '*' && dom === '*' && month === '*' && dow === '*') return `every ${everyMinutes[1]} minutes${zone}`;
  if (minute === '*' && hour === '*' && dom === '*' && month === '*' && dow === '*') return `every minute${zone}`;
  if (isNumber(minute) && hour === '*' && dom === '*' && month === '*' && dow === '*') return `every hour at :${pad2(Number(minute))}${zone}`;
  const everyHours = step.exec(hour);
  if (isNumber(minute) && everyHours && dom === '*' && month === '*' && dow === '*') return `every ${everyHours[1]} hours at :${pad2(Number(minute))}${zone}`;
  if (!isNumber(minute) || !isNumber(hour)) return `cron "${cron}"${zone}`;
  const at = `at ${pad2(Number(hour))}:${pad2(Number(minute))}`;
  if (dom === '*' && month === '*' && dow === '*') return `every day ${at}${zone}`;
  if (dom === '*' && month === '*') {
    const days = daysInWords(dow);
    return days === null ? `cron "${cron}"${zone}` : `every ${days} ${at}${zone}`;
  }
  if (isNumber(dom) && dow === '*' && month === '*') return `on day ${Number(dom)} of every month ${at}${zone}`;
  if (isNumber(dom) && isNumber(month) && dow === '*' && Number(month) >= 1 && Number(month) <= 12) return `every year on ${Number(dom)} ${MONTHS[Number(month) - 1]} ${at}${zone}`;
  return `cron "${cron}"${zone}`;
}

/** "Tue, 31 Mar 2026, 03:00 CEST": a time as a clock in `timeZone` shows it (undefined: the viewer's own). */
export function formatZoned(at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(at));
}

export function isDrillRunActive(status: DrillRunStatus): boolean {
  return !isFinalDrillStatus(status);
}

/** The pill tone of a status (a CSS class suffix). */
export function drillStatusTone(status: DrillRunStatus): 'healthy' | 'unhealthy' | 'degraded' | 'accent' | 'unknown' {
  switch (status) {
    case 'passed':
      return 'healthy';
    case 'failed':
    case 'restore-failed':
      return 'unhealthy';
    case 'aborted':
      return 'degraded';
    case 'skipped':
      return 'unknown';
    default:
      return 'accent';
  }
}

/** "T+01:23" since the injection, "T−00:04" before it (pre-checks), "+1:02:03" past an hour. */
export function drillClock(run: Pick<DrillRunView, 'injectedAt' | 'startedAt' | 'endedAt'>, now: number): string {
  const end = run.endedAt ?? now;
  const t0 = run.injectedAt;
  const ms = t0 === null ? end - run.startedAt : end - t0;
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const h = Math.floor(s / 3600);
  const body = h > 0 ? `${h}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}` : `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}`;
  return t0 === null ? `T−${body}` : `T+${body}`;
}

export const MILESTONE_COLORS: Readonly<Record<DrillMilestoneName, string>> = {
  started: '--muted',
  injected: '--unhealthy',
  'first-failure': '--degraded',
  'console-detected': '--degraded',
  'lb-down': '--unreachable',
  'response-started': '--accent',
  'response-finished': '--accent',
  'spare-started': '--accent',
  'spare-healthy': '--healthy',
  mitigated: '--healthy',
  restored: '--healthy',
  baseline: '--healthy',
  aborted: '--unhealthy',
  'restore-failed': '--unhealthy',
};

/** The run's milestones on the plot's time axis. */
export function milestoneMarkers(run: Pick<DrillRunView, 'milestones'>): PlotMarker[] {
  return run.milestones.map((m) => ({ ts: m.at, color: MILESTONE_COLORS[m.name], label: `${MILESTONE_LABELS[m.name]}${m.subject ? ` (${m.subject})` : ''}` }));
}

/** The live plot's columns: per second, the probes' success % (null with none sent) and their p95. */
export function drillPlotColumns(run: Pick<DrillRunView, 'seconds'>): { ts: number[]; values: { success: (number | null)[]; p95: (number | null)[] } } {
  const seconds = [...run.seconds].sort((a, b) => a.at - b.at);
  return {
    ts: seconds.map((s) => s.at),
    values: {
      success: seconds.map((s) => (s.sent > 0 ? Math.round(((s.sent - s.failed) / s.sent) * 1000) / 10 : null)),
      p95: seconds.map((s) => s.p95Ms),
    },
  };
}

/** The plot's window: the whole run so far (from its start), at least 20 s so the first seconds are not one wide smear. */
export function drillPlotWindowMs(run: Pick<DrillRunView, 'startedAt' | 'endedAt' | 'seconds'>, now: number): number {
  const first = Math.min(run.startedAt, ...run.seconds.map((s) => s.at));
  const last = Math.max(run.endedAt ?? now, ...run.seconds.map((s) => s.at + 1000));
  return Math.max(20_000, last - first + 2_000);
}

/** The trend plot's columns (one point per run, at its start) and the runs flagged worse than the median. */
export function trendColumns(history: DrillHistory): {
  ts: number[];
  values: { detect: (number | null)[]; mitigate: (number | null)[]; recover: (number | null)[]; failed: (number | null)[] };
  flagged: { ts: number; label: string }[];
} {
  const e = history.entries;
  return {
    ts: e.map((x) => x.startedAt),
    values: {
      detect: e.map((x) => x.detectSeconds),
      mitigate: e.map((x) => x.mitigateSeconds),
      recover: e.map((x) => x.recoverSeconds),
      failed: e.map((x) => x.failedRequests),
    },
    flagged: e.filter((x) => x.regressions.length > 0).map((x) => ({ ts: x.startedAt, label: x.runId })),
  };
}

/**
 * The derived times as far as the run has got: the runner derives them when it ends; while it
 * runs each is read off its milestone (T+ of console-detected, lb-down, response-started,
 * mitigated, baseline) and the requests are summed from the seconds so far.
 */
export function liveDerived(run: Pick<DrillRunView, 'derived' | 'milestones' | 'seconds' | 'endedAt'>): DrillRunView['derived'] {
  if (run.endedAt !== null) return run.derived;
  const since = (name: DrillMilestoneName) => run.milestones.find((m) => m.name === name)?.sinceInjectSeconds ?? null;
  const sent = run.seconds.reduce((n, s) => n + s.sent, 0);
  const failed = run.seconds.reduce((n, s) => n + s.failed, 0);
  const d = run.derived;
  return {
    ...d,
    detectSeconds: d.detectSeconds ?? since('console-detected'),
    lbDetectSeconds: d.lbDetectSeconds ?? since('lb-down'),
    responseSeconds: d.responseSeconds ?? since('response-started'),
    mitigateSeconds: d.mitigateSeconds ?? since('mitigated'),
    recoverSeconds: d.recoverSeconds ?? since('baseline'),
    requestsSent: Math.max(d.requestsSent, sent),
    requestsFailed: Math.max(d.requestsFailed, failed),
    failedRatio: d.failedRatio ?? (sent > 0 ? failed / sent : null),
  };
}
