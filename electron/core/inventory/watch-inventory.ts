import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import * as nodePath from 'node:path';
import { FleetError, toErrorData, type FleetErrorData } from '../../../shared/errors';
import { parseInventory, readInventoryText, type InventoryEnv, type LoadedInventory } from './load-inventory';

export type InventoryWatchResult = { ok: true; inventory: LoadedInventory } | { ok: false; error: FleetErrorData };

export interface WatchInventoryOptions {
  /** Quiet time after the last file event before re-reading; editors write in bursts. */
  debounceMs?: number;
  /** Called after every re-read, whether or not it was reported; for diagnostics and tests. */
  onChecked?: (reported: boolean) => void;
}

export const DEFAULT_WATCH_DEBOUNCE_MS = 150;

/**
 * Watches an inventory file and reports each new outcome: first the current state, then one
 * result per distinct content (or distinct error). The caller keeps the last good inventory;
 * a broken edit is reported as an error and never replaces it here.
 *
 * The directory is watched as well as the file because editors save by writing a temporary
 * file and renaming it over the original, which ends a watch held on the old file.
 */
export function watchInventory(
  path: string,
  env: InventoryEnv,
  onResult: (r: InventoryWatchResult) => void,
  opts: WatchInventoryOptions = {},
): { close(): void } {
  const absolute = nodePath.resolve(path);
  const dir = nodePath.dirname(absolute);
  const base = nodePath.basename(absolute);
  const debounceMs = opts.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let rerun = false;
  let lastKey: string | undefined;
  let fileWatcher: FSWatcher | undefined;

  const report = (key: string, result: InventoryWatchResult): boolean => {
    if (closed || key === lastKey) return false;
    lastKey = key;
    onResult(result);
    return true;
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void check();
    }, debounceMs);
  };

  // Re-armed on every check: after a rename-replace the old watch follows the old, deleted inode.
  const rewatchFile = () => {
    fileWatcher?.close();
    fileWatcher = undefined;
    try {
      fileWatcher = watch(absolute, { persistent: false }, schedule);
      fileWatcher.on('error', () => schedule());
    } catch {
      // The file is missing right now; the directory watch will tell us when it comes back.
    }
  };

  const check = async () => {
    if (running) {
      rerun = true;
      return;
    }
    running = true;
    let reported = false;
    try {
      rewatchFile();
      const text = await readInventoryText(absolute);
      const key = `text:${createHash('sha256').update(text).digest('hex')}`;
      if (key !== lastKey) {
        let result: InventoryWatchResult;
        try {
          result = { ok: true, inventory: parseInventory(text, absolute, env) };
        } catch (err) {
          result = { ok: false, error: toErrorData(err) };
        }
        reported = report(key, result);
      }
    } catch (err) {
      const error = toErrorData(err);
      reported = report(`error:${error.code}:${error.message}`, { ok: false, error });
    } finally {
      running = false;
    }
    if (!closed) opts.onChecked?.(reported);
    if (rerun && !closed) {
      rerun = false;
      schedule();
    }
  };

  let dirWatcher: FSWatcher;
  try {
    dirWatcher = watch(dir, { persistent: false }, (_event, filename) => {
      // filename can be null on some platforms; then any change in the directory may be ours.
      if (filename === null || filename.toString() === base) schedule();
    });
  } catch (err) {
    throw new FleetError('NOT_FOUND', `cannot watch inventory directory ${dir}: ${(err as Error).message}`, { subject: absolute, cause: err });
  }
  dirWatcher.on('error', (err) => {
    report(`watch-error:${err.message}`, {
      ok: false,
      error: new FleetError('INTERNAL', `stopped watching ${dir}: ${err.message}`, { subject: absolute }).toData(),
    });
  });

  void check();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      dirWatcher.close();
      fileWatcher?.close();
    },
  };
}
