/** Listings as facts, for the classifier and the verdicts (the parser has its own text fixtures). */
import type { CheckpointLayout } from '../../../shared/checkpoints';
import type { CheckpointListing, ListedCandidate, ListedShort } from '../../../electron/core/checkpoints/listing';

export const NOW = 1_800_000_000;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A healthy 1 TiB ext4 mount, 10 % used. */
export function listing(layout: CheckpointLayout, candidates: ListedCandidate[], extra: Partial<CheckpointListing> = {}): CheckpointListing {
  return {
    layout,
    now: NOW,
    directory: { state: 'ok', readable: true, writable: true },
    fs: { blockSize: 4096, blocks: 268435456, freeBlocks: 241591910, availableBlocks: 241591910, inodes: 1000, freeInodes: 900, type: 'ext2/ext3' },
    fsError: null,
    mount: { target: '/mnt/ckpt', fsType: 'ext4', options: ['rw', 'relatime'] },
    entryCount: candidates.length,
    recent: [],
    candidates,
    tag: null,
    missingTagDir: null,
    unfinished: [],
    ...extra,
  };
}

export interface DirOptions {
  /** Seconds since its last file was written. */
  ageS: number;
  bytes?: number;
  files?: number;
  empty?: number;
  /** Seconds between its first and last file. */
  spreadS?: number;
  /** Seconds before its last write it was born; none when absent. */
  bornS?: number;
  /** Marker name → seconds since written. */
  markers?: Record<string, number>;
  compare?: { previous: string; shorts?: ListedShort[] };
}

export function dir(name: string, o: DirOptions): ListedCandidate {
  const last = NOW - o.ageS;
  const files = o.files ?? 2;
  const shorts = o.compare?.shorts ?? [];
  return {
    name,
    kind: 'dir',
    mtime: last,
    bytes: 4096,
    birth: o.bornS === undefined ? null : last - o.bornS,
    totals: { files, bytes: o.bytes ?? 8 * MiB, smallest: 0, empty: o.empty ?? 0, firstMtime: last - (o.spreadS ?? 0), lastMtime: last },
    markers: Object.fromEntries(Object.entries(o.markers ?? {}).map(([m, age]) => [m, { bytes: 100, mtime: NOW - age }])),
    comparison: o.compare ? { previous: o.compare.previous, files, matched: files, short: shorts.length, shorts } : null,
  };
}

export function file(name: string, ageS: number, bytes: number, bornS?: number): ListedCandidate {
  return { name, kind: 'file', mtime: NOW - ageS, bytes, birth: bornS === undefined ? null : NOW - ageS - bornS, totals: null, markers: {}, comparison: null };
}

/** A complete DCP step finished `ageS` ago. */
export const dcp = (step: number, ageS: number, o: Partial<DirOptions> = {}) => dir(`step-${step}`, { ageS, markers: { '.metadata': ageS }, ...o });
