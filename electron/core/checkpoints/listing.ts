/**
 * What one checkpoint listing says, as facts with no judgement yet (parse-listing.ts builds it,
 * classify.ts and judge.ts judge it). Times are epoch seconds with fractions, as the node's
 * `date +%s` and find's `%T@` print them; sizes are bytes.
 */
import type { CheckpointLayout } from '../../../shared/checkpoints';

export interface ListedEntry {
  /** The entry's name, unescaped: any bytes but NUL and `/` (invalid UTF-8 arrives as U+FFFD). */
  name: string;
  kind: 'dir' | 'file' | 'link' | 'other';
  bytes: number;
  mtime: number;
}

/** A checkpoint directory's files (to CHECKPOINT_DEPTH), whatever their names. */
export interface ListedTotals {
  files: number;
  bytes: number;
  smallest: number;
  empty: number;
  firstMtime: number | null;
  lastMtime: number | null;
}

export interface ListedShort {
  /** Relative to the checkpoint directory. */
  path: string;
  bytes: number;
  previousBytes: number;
}

/** Every file of a checkpoint against the same path in the candidate listed just before it. */
export interface ListedComparison {
  previous: string;
  files: number;
  matched: number;
  /** How many are short (the first SHORTS_PER_CHECKPOINT are named in `shorts`). */
  short: number;
  shorts: ListedShort[];
}

export interface ListedMarker {
  bytes: number;
  mtime: number;
}

export interface ListedCandidate {
  /** A name of the layout's exact shape (layouts.ts). */
  name: string;
  kind: 'dir' | 'file';
  mtime: number;
  bytes: number;
  /** Birth time when the filesystem keeps one. */
  birth: number | null;
  /** Directories only. */
  totals: ListedTotals | null;
  /** Marker files found inside (or, for NeMo, `-unfinished` beside it). */
  markers: Record<string, ListedMarker>;
  comparison: ListedComparison | null;
}

export interface ListedFs {
  blockSize: number;
  blocks: number;
  freeBlocks: number;
  availableBlocks: number;
  inodes: number;
  freeInodes: number;
  type: string;
}

export interface ListedMount {
  target: string;
  fsType: string;
  options: string[];
}

export type ListedDirectory = { state: 'ok'; readable: boolean; writable: boolean } | { state: 'absent'; error: string };

export interface CheckpointListing {
  layout: CheckpointLayout;
  /** The node's clock. */
  now: number;
  directory: ListedDirectory;
  fs: ListedFs | null;
  /** What `stat -f` said instead of numbers. */
  fsError: string | null;
  mount: ListedMount | null;
  entryCount: number | null;
  /** The newest entries whatever their names, newest first. */
  recent: ListedEntry[];
  /** The layout's newest checkpoints, oldest first (the tagged one may come last). */
  candidates: ListedCandidate[];
  /** DeepSpeed's `latest` / Megatron's tracker: its value with unsafe bytes as `?`. */
  tag: { bytes: number | null; mtime: number | null; value: string } | null;
  /** The directory the tag names, when it does not exist. */
  missingTagDir: string | null;
  /** NeMo `-unfinished` markers, newest first. */
  unfinished: { name: string; mtime: number }[];
}
