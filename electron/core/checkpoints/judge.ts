/**
 * One job's checkpoint verdict from one listing, judged on the listing node's own clock:
 *
 * - storage: missing or failing (critical), unreadable (unknown), read-only (critical), near
 *   full (warn at 95 % Use%; critical when less than one checkpoint is free);
 * - freshness: the newest complete checkpoint's age against the policy `every`: ok, warn past
 *   1.5×, critical past 3×. With none, the age of the job (when its start is known) stands in;
 *   without that either, "no complete checkpoint" warns;
 * - a save under way is said (level ok); an abandoned one newer than the newest complete warns;
 *   a truncated one newer than the newest complete is critical (resuming would pick it);
 * - the newest complete under half the median size of the ones before it warns (a save that
 *   dropped the optimizer state, a model that lost layers);
 * - DeepSpeed / Megatron tag files missing, unreadable, or naming a missing directory;
 * - checkpoint times more than a minute ahead of the node's clock (file server skew).
 * Older abandoned or truncated checkpoints are not findings: nothing resumes from them.
 */
import { parseDurationMs } from '../../../shared/duration';
import {
  checkpointLevelRank,
  worstCheckpointLevel,
  type CheckpointEntry,
  type CheckpointFinding,
  type CheckpointLevel,
  type CheckpointSpec,
  type CheckpointVerdict,
} from '../../../shared/checkpoints';
import { quantileOf } from '../../../shared/history';
import { safeExcerpt } from '../gpu/safe-text';
import { formatBytes, formatDuration } from './checkpoint-text';
import { classifyCheckpoints, newerFirst, taggedStep, type ClassifyOptions } from './classify';
import { LAYOUTS } from './layouts';
import type { CheckpointListing } from './listing';
import { storageFindings, storageOf } from './storage';

export const WARN_FACTOR = 1.5;
export const CRITICAL_FACTOR = 3;
/** The newest complete under this fraction of the median of the ones before it has shrunk. */
export const SHRINK_FRACTION = 0.5;
/** Checkpoint times further ahead of the node's clock than this are reported. */
export const SKEW_TOLERANCE_SECONDS = 60;

export interface JudgeOptions extends ClassifyOptions {
  /** The node that ran the listing (for the reasons). */
  node?: string | null;
  /** When the job (re)started, epoch ms on the node's clock: its age stands in while it has no checkpoint. */
  jobStartedAtMs?: number | null;
}

function ageLevel(ageMs: number, policyMs: number): CheckpointLevel {
  if (ageMs > CRITICAL_FACTOR * policyMs) return 'critical';
  if (ageMs > WARN_FACTOR * policyMs) return 'warn';
  return 'ok';
}

const min = (ms: number) => formatDuration(ms / 1000);

function freshness(newest: CheckpointEntry | null, nowMs: number, policyMs: number, directory: string, startedAtMs: number | null): CheckpointFinding {
  const policy = `policy ${min(policyMs)}`;
  if (newest) {
    const ageMs = Math.max(0, nowMs - newest.at);
    const level = ageLevel(ageMs, policyMs);
    return { code: level === 'ok' ? 'fresh' : 'stale', level, message: `newest complete checkpoint ${newest.name} is ${min(ageMs)} old (${policy})` };
  }
  if (startedAtMs !== null) {
    const ageMs = Math.max(0, nowMs - startedAtMs);
    const level = ageLevel(ageMs, policyMs);
    return { code: 'none-complete', level, message: `no complete checkpoint since the job started ${min(ageMs)} ago (${policy})` };
  }
  return { code: 'none-complete', level: 'warn', message: `no complete checkpoint in ${safeExcerpt(directory, 200)}` };
}

function tagFindings(listing: CheckpointListing, hasCandidates: boolean): CheckpointFinding[] {
  const tagFile = LAYOUTS[listing.layout].tagFile;
  if (tagFile === null) return [];
  if (listing.missingTagDir !== null) {
    return [{ code: 'tag-broken', level: 'critical', message: `${tagFile} names ${listing.missingTagDir}, which does not exist: resuming would fail` }];
  }
  if (listing.tag === null) {
    return hasCandidates ? [{ code: 'tag-broken', level: 'warn', message: `no ${tagFile}: none of these checkpoints is marked complete` }] : [];
  }
  if (taggedStep(listing) === null) {
    return [{ code: 'tag-broken', level: 'warn', message: `${tagFile} holds "${listing.tag.value}", not a checkpoint of this directory` }];
  }
  return [];
}

function shrinkFinding(entries: CheckpointEntry[], newest: CheckpointEntry): CheckpointFinding | null {
  const before = entries.filter((e) => e.state === 'complete' && e !== newest && newerFirst(newest, e) < 0).map((e) => e.bytes);
  const median = quantileOf(before, 0.5);
  if (median === null || median <= 0 || newest.bytes >= SHRINK_FRACTION * median) return null;
  const pct = Math.round((100 * newest.bytes) / median);
  const n = before.length;
  return {
    code: 'shrunk',
    level: 'warn',
    message: `newest complete checkpoint ${newest.name} is ${formatBytes(newest.bytes)}, ${pct}% of the median of the ${n === 1 ? 'one' : n} before (${formatBytes(median)})`,
  };
}

function unfinishedFinding(e: CheckpointEntry, nowMs: number): CheckpointFinding {
  const notes = e.notes.length > 0 ? `: ${e.notes.join('; ')}` : '';
  if (e.state === 'truncated') return { code: 'truncated', level: 'critical', message: `${e.name} looks complete but is truncated${notes}` };
  if (e.state === 'incomplete') return { code: 'incomplete', level: 'warn', message: `${e.name} was left incomplete${notes}` };
  const why = e.notes.length > 0 ? ` (${e.notes.join('; ')})` : '';
  const files = e.kind === 'dir' ? `${e.files} file${e.files === 1 ? '' : 's'}, ` : '';
  const idle = formatDuration(Math.max(0, nowMs - e.at) / 1000);
  return { code: 'saving', level: 'ok', message: `saving ${e.name}${why}: ${files}${formatBytes(e.bytes)} so far, last write ${idle} ago` };
}

export function judgeCheckpoints(spec: CheckpointSpec, listing: CheckpointListing, opts: JudgeOptions = {}): CheckpointVerdict {
  const policyMs = parseDurationMs(spec.every) ?? 0;
  const nowMs = listing.now * 1000;
  const node = opts.node ?? spec.node ?? null;
  const storage = storageOf(listing);
  const { entries, saveSeconds } = classifyCheckpoints(listing, opts);
  const newest = entries.find((e) => e.state === 'complete') ?? null;

  let findings: CheckpointFinding[] = storageFindings(storage, spec.directory, node, newest?.bytes ?? null);
  if (storage.state === 'mounted') {
    findings.push(freshness(newest, nowMs, policyMs, spec.directory, opts.jobStartedAtMs ?? null));
    const newer = entries.filter((e) => e.state !== 'complete' && (newest === null || newerFirst(e, newest) < 0));
    findings.push(...newer.map((e) => unfinishedFinding(e, nowMs)));
    const shrunk = newest ? shrinkFinding(entries, newest) : null;
    if (shrunk) findings.push(shrunk);
    findings.push(...tagFindings(listing, entries.length > 0));
    const ahead = Math.max(0, ...entries.map((e) => e.at - nowMs)) / 1000;
    if (ahead > SKEW_TOLERANCE_SECONDS) {
      findings.push({ code: 'clock-skew', level: 'warn', message: `checkpoint times are ${formatDuration(ahead)} ahead of ${node ?? 'the node'}'s clock: ages read short` });
    }
  }
  findings = findings.map((f, i) => ({ f, i })).sort((a, b) => checkpointLevelRank(b.f.level) - checkpointLevelRank(a.f.level) || a.i - b.i).map(({ f }) => f);
  const saving = entries.find((e) => e.state === 'saving') ?? null;

  return {
    job: spec.name,
    directory: spec.directory,
    layout: spec.layout,
    node,
    level: worstCheckpointLevel(findings.map((f) => f.level)),
    reasons: findings.map((f) => f.message),
    findings,
    checkedAt: nowMs,
    policyMs,
    newestComplete: newest ? { name: newest.name, step: newest.step, at: newest.at, bytes: newest.bytes, ageMs: Math.max(0, nowMs - newest.at) } : null,
    saving: saving ? { name: saving.name, step: saving.step, at: saving.at, bytes: saving.bytes, files: saving.files } : null,
    saveSeconds,
    storage,
    checkpoints: entries,
    recent: listing.recent.map((e) => ({ name: e.name, kind: e.kind, bytes: e.bytes, at: Math.round(e.mtime * 1000) })),
    entryCount: listing.entryCount,
  };
}
