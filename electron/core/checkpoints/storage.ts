/**
 * The storage under a checkpoint directory as the node sees it, and what is wrong with it: not
 * there (an unmounted or vanished filesystem leaves the path missing), failing (stale NFS handle,
 * FUSE endpoint gone, I/O errors), read-only (the next save fails), or nearly full.
 */
import type { CheckpointFinding, CheckpointStorage } from '../../../shared/checkpoints';
import { safeExcerpt } from '../gpu/safe-text';
import { formatBytes, formatPercent } from './checkpoint-text';
import type { CheckpointListing } from './listing';

/** Use% (df's) at or above which the storage is "near full". */
export const NEAR_FULL_FRACTION = 0.95;

function absentState(error: string): CheckpointStorage['state'] {
  if (/No such file or directory|Not a directory/i.test(error)) return 'missing';
  if (/Permission denied|Operation not permitted/i.test(error)) return 'unreadable';
  return 'unavailable';
}

export function storageOf(listing: CheckpointListing): CheckpointStorage {
  const none = { mountPoint: null, fsType: null, readOnly: null, totalBytes: null, availableBytes: null, usedFraction: null, inodesUsedFraction: null };
  const dir = listing.directory;
  if (dir.state === 'absent') return { state: absentState(dir.error), error: safeExcerpt(dir.error, 160), ...none };
  const fs = listing.fs;
  const mount = listing.mount;
  // df's Use%: the root-reserved blocks are neither used nor available.
  const used = fs ? fs.blocks - fs.freeBlocks : 0;
  const usedFraction = fs && used + fs.availableBlocks > 0 ? Math.min(1, Math.max(0, used / (used + fs.availableBlocks))) : null;
  // Some filesystems (NFS, FUSE) report no inodes at all: unknown, not full.
  const inodesUsedFraction = fs && fs.inodes > 0 ? Math.min(1, Math.max(0, (fs.inodes - fs.freeInodes) / fs.inodes)) : null;
  return {
    state: dir.readable ? 'mounted' : 'unreadable',
    error: dir.readable ? null : 'Permission denied',
    mountPoint: mount ? mount.target : null,
    fsType: mount ? mount.fsType : (fs?.type ?? null),
    readOnly: mount ? mount.options.includes('ro') : null,
    totalBytes: fs ? fs.blocks * fs.blockSize : null,
    availableBytes: fs ? fs.availableBlocks * fs.blockSize : null,
    usedFraction,
    inodesUsedFraction,
  };
}

/**
 * Findings about the storage. `nextSaveBytes` (the newest complete checkpoint's size) turns
 * "near full" into "the next save cannot fit" when less than that is free.
 */
export function storageFindings(storage: CheckpointStorage, directory: string, node: string | null, nextSaveBytes: number | null): CheckpointFinding[] {
  const where = safeExcerpt(directory, 200);
  const on = node ? ` on ${node}` : '';
  switch (storage.state) {
    case 'missing':
      return [{ code: 'not-mounted', level: 'critical', message: `checkpoint directory ${where} does not exist${on}: storage not mounted, or the job writes elsewhere` }];
    case 'unavailable':
      return [{ code: 'not-mounted', level: 'critical', message: `checkpoint storage is unavailable${on}: ${storage.error} (${where})` }];
    case 'unreadable':
      return [{ code: 'unreadable', level: 'unknown', message: `cannot read ${where}${on} as the probe's user: ${storage.error}` }];
    case 'mounted':
      break;
  }
  const findings: CheckpointFinding[] = [];
  const mountText = storage.mountPoint ? ` (${safeExcerpt(storage.mountPoint, 120)}, ${safeExcerpt(storage.fsType ?? '?', 40)})` : '';
  if (storage.readOnly) {
    findings.push({ code: 'read-only', level: 'critical', message: `checkpoint storage is mounted read-only${mountText}: the next save will fail` });
  }
  const free = storage.availableBytes;
  if (free !== null && nextSaveBytes !== null && nextSaveBytes > 0 && free < nextSaveBytes) {
    findings.push({
      code: 'storage-full',
      level: 'critical',
      message: `checkpoint storage has ${formatBytes(free)} free, less than one checkpoint (${formatBytes(nextSaveBytes)}): the next save will fail`,
    });
  } else if (storage.usedFraction !== null && storage.usedFraction >= NEAR_FULL_FRACTION) {
    const of = storage.totalBytes !== null ? ` of ${formatBytes(storage.totalBytes)}` : '';
    findings.push({ code: 'storage-full', level: 'warn', message: `checkpoint storage is ${formatPercent(storage.usedFraction)} full (${formatBytes(free ?? 0)} free${of})` });
  }
  if (storage.inodesUsedFraction !== null && storage.inodesUsedFraction >= NEAR_FULL_FRACTION) {
    findings.push({ code: 'storage-full', level: 'warn', message: `checkpoint storage has used ${formatPercent(storage.inodesUsedFraction)} of its inodes: new files will soon fail` });
  }
  return findings;
}
