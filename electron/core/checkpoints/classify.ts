/**
 * Each listed checkpoint's state, by its layout's own proof of completion (layouts.ts):
 *
 *   done      the proof is there (DCP `.metadata`; at or below DeepSpeed's `latest` tag;
 *             at or below Megatron's tracker and, for torch_dist, with `metadata.json`; no NeMo
 *             `-unfinished` marker; a plain file non-empty and untouched for `settleSeconds`)
 *   complete  done, and no file shorter than in the checkpoint before (nor empty, where the
 *             layout never writes empty files): see README.md, "truncated"
 *   truncated done, but short or empty files
 *   saving    not done, and written within `stallSeconds` or grown since the previous listing
 *   incomplete not done, and neither
 */
import type { CheckpointEntry } from '../../../shared/checkpoints';
import { quantileOf } from '../../../shared/history';
import { formatBytes, formatDuration } from './checkpoint-text';
import { LAYOUTS, nemoMarkerFor, stepOf, type LayoutRule } from './layouts';
import type { CheckpointListing, ListedCandidate } from './listing';

export interface ClassifyOptions {
  /** The previous listing of the same job: an unfinished checkpoint that grew since is saving. */
  previous?: CheckpointListing | null;
  /**
   * How long without a write an unfinished save still counts as under way. Default: three
   * save times, at least 5 min (NFS clients may see another client's mtimes up to a minute late).
   */
  stallSeconds?: number;
  /** A plain-file checkpoint (`files`) written less than this ago may still be being written. Default 60 s. */
  settleSeconds?: number;
}

export const MIN_STALL_SECONDS = 300;
export const DEFAULT_SETTLE_SECONDS = 60;

export interface Classified {
  /**
   * Newest first (by step where both have one, else by last write): the listed checkpoints (at
   * most CANDIDATES + 1) and, for NeMo, lone markers (at most 8).
   */
  entries: CheckpointEntry[];
  /** Median save time of the complete checkpoints; null when none tells. */
  saveSeconds: number | null;
  stallSeconds: number;
}

interface Facts {
  c: ListedCandidate;
  step: number | null;
  lastWrite: number;
  bytes: number;
  files: number;
}

function factsOf(rule: LayoutRule, c: ListedCandidate): Facts {
  const times = [c.mtime, ...(c.totals?.lastMtime != null ? [c.totals.lastMtime] : []), ...Object.values(c.markers).map((m) => m.mtime)];
  return {
    c,
    step: stepOf(rule, c.name),
    lastWrite: Math.max(...times),
    bytes: c.kind === 'dir' ? (c.totals?.bytes ?? 0) : c.bytes,
    files: c.kind === 'dir' ? (c.totals?.files ?? 0) : 1,
  };
}

/** The step a tag names, or null when there is no tag or it names no step directory. */
export function taggedStep(listing: CheckpointListing): number | null {
  const value = listing.tag?.value ?? '';
  const rule = LAYOUTS[listing.layout];
  if (listing.layout === 'megatron') return /^[0-9]{1,18}$/.test(value) ? Number(value) : null;
  return rule.namePattern.test(value) ? stepOf(rule, value) : null;
}

/** Whether the layout's proof of completion is there, and if not, why not. */
function doneness(listing: CheckpointListing, f: Facts, settleSeconds: number): { done: boolean; notes: string[] } {
  const { c, step } = f;
  switch (listing.layout) {
    case 'dcp':
      return c.markers['.metadata'] ? { done: true, notes: [] } : { done: false, notes: ['no .metadata yet'] };
    case 'deepspeed':
    case 'megatron': {
      const tagFile = LAYOUTS[listing.layout].tagFile!;
      const tagged = taggedStep(listing);
      if (tagged === null) return { done: false, notes: [`${tagFile} names no checkpoint`] };
      if (step === null || step > tagged) return { done: false, notes: [`newer than ${tagFile} (${listing.tag!.value})`] };
      if (listing.layout === 'megatron' && c.markers['.metadata'] && !c.markers['metadata.json']) {
        return { done: false, notes: ['torch_dist save without metadata.json'] };
      }
      return { done: true, notes: [] };
    }
    case 'nemo':
      return c.markers['-unfinished'] ? { done: false, notes: [`${nemoMarkerFor(c.name)} is still there`] } : { done: true, notes: [] };
    case 'files': {
      if (f.bytes === 0) return { done: false, notes: ['0 bytes'] };
      const age = listing.now - f.lastWrite;
      if (age < settleSeconds) return { done: false, notes: [`written ${formatDuration(age)} ago: may still be being written`] };
      return { done: true, notes: [] };
    }
  }
}

/** Why a done checkpoint is not intact; empty when it is. */
function truncation(rule: LayoutRule, f: Facts): string[] {
  const notes: string[] = [];
  const cmp = f.c.comparison;
  if (cmp && cmp.short > 0) {
    for (const s of cmp.shorts.slice(0, 3)) {
      notes.push(`${s.path} is ${formatBytes(s.bytes)}, was ${formatBytes(s.previousBytes)} in ${cmp.previous}`);
    }
    if (cmp.short > 3) notes.push(`${cmp.short - 3} more short file${cmp.short - 3 === 1 ? '' : 's'}`);
  }
  const empty = f.c.totals?.empty ?? 0;
  if (rule.emptyFileIsTruncation && empty > 0) notes.push(`${empty} empty file${empty === 1 ? '' : 's'}`);
  if (f.bytes === 0) notes.push('holds no data');
  return notes;
}

/**
 * How long the save took, from its own timestamps: from the directory's (or file's) birth to its
 * last write when the filesystem keeps birth times; else from its first to its last file mtime,
 * which misses the first file's own writing (a lower bound).
 */
function saveSecondsOf(f: Facts): number | null {
  const { c } = f;
  if (c.birth !== null && f.lastWrite >= c.birth) return f.lastWrite - c.birth;
  const t = c.totals;
  if (t && t.files >= 2 && t.firstMtime !== null && t.lastMtime !== null) return t.lastMtime - t.firstMtime;
  return null;
}

function grew(previous: CheckpointListing | null | undefined, f: Facts): boolean {
  const before = previous?.candidates.find((p) => p.name === f.c.name);
  if (!before) return false;
  const bytes = before.kind === 'dir' ? (before.totals?.bytes ?? 0) : before.bytes;
  const files = before.kind === 'dir' ? (before.totals?.files ?? 0) : 1;
  return f.bytes > bytes || f.files > files;
}

/** Newer: by step when both have one, else by last write. */
export function newerFirst(a: Pick<CheckpointEntry, 'step' | 'at'>, b: Pick<CheckpointEntry, 'step' | 'at'>): number {
  if (a.step !== null && b.step !== null && a.step !== b.step) return b.step - a.step;
  return b.at - a.at;
}

export function classifyCheckpoints(listing: CheckpointListing, opts: ClassifyOptions = {}): Classified {
  const rule = LAYOUTS[listing.layout];
  const settle = opts.settleSeconds ?? DEFAULT_SETTLE_SECONDS;
  const facts = listing.candidates.map((c) => factsOf(rule, c));
  const judged = facts.map((f) => ({ f, ...doneness(listing, f, settle) }));

  const saves: number[] = [];
  const entries: CheckpointEntry[] = [];
  const pending: { f: Facts; notes: string[] }[] = [];
  for (const { f, done, notes } of judged) {
    if (!done) {
      pending.push({ f, notes });
      continue;
    }
    const problems = truncation(rule, f);
    const saveSeconds = saveSecondsOf(f);
    if (problems.length === 0 && saveSeconds !== null && saveSeconds > 0) saves.push(saveSeconds);
    entries.push(entryOf(f, problems.length === 0 ? 'complete' : 'truncated', problems, saveSeconds));
  }
  const saveSeconds = quantileOf(saves, 0.5);
  const stallSeconds = opts.stallSeconds ?? Math.max(MIN_STALL_SECONDS, 3 * (saveSeconds ?? 0));

  for (const { f, notes } of pending) {
    const idle = listing.now - f.lastWrite;
    const saving = idle <= stallSeconds || grew(opts.previous, f);
    const why = saving ? notes : [...notes, `last write ${formatDuration(idle)} ago`];
    entries.push(entryOf(f, saving ? 'saving' : 'incomplete', why, null));
  }
  entries.push(...orphanMarkers(listing, stallSeconds));
  entries.sort(newerFirst);
  return { entries, saveSeconds, stallSeconds };
}

function entryOf(f: Facts, state: CheckpointEntry['state'], notes: string[], saveSeconds: number | null): CheckpointEntry {
  return {
    name: f.c.name,
    step: f.step,
    kind: f.c.kind,
    state,
    at: Math.round(f.lastWrite * 1000),
    bytes: f.bytes,
    files: f.files,
    saveSeconds: saveSeconds === null ? null : Math.max(0, saveSeconds),
    notes,
  };
}

/** NeMo markers with no checkpoint beside them: a save that has written nothing else yet. */
function orphanMarkers(listing: CheckpointListing, stallSeconds: number): CheckpointEntry[] {
  const rule = LAYOUTS[listing.layout];
  const claimed = new Set(listing.candidates.map((c) => nemoMarkerFor(c.name)));
  return listing.unfinished
    .filter((m) => !claimed.has(m.name))
    .map((m) => {
      const idle = listing.now - m.mtime;
      const saving = idle <= stallSeconds;
      const name = m.name.slice(0, -'-unfinished'.length);
      return {
        name,
        step: stepOf(rule, name),
        kind: 'marker' as const,
        state: saving ? ('saving' as const) : ('incomplete' as const),
        at: Math.round(m.mtime * 1000),
        bytes: 0,
        files: 0,
        saveSeconds: null,
        notes: ['only its -unfinished marker exists', ...(saving ? [] : [`last write ${formatDuration(idle)} ago`])],
      };
    });
}
