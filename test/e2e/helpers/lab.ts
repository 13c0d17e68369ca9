/**
 * A lab fleet started directly (not through serve), for tests that hand serve an inventory
 * file of their own: a copy of the lab's, edited on disk while the console watches it.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type LabFleet } from '../../../electron/core/lab/lab-fleet';

export interface OwnLab {
  lab: LabFleet;
  /** A scratch directory next to the lab's, for the test's own files. */
  workDir: string;
  /** Stops the lab and removes both directories. */
  stop(): Promise<void>;
}

export async function startOwnLab(nodes: number): Promise<OwnLab> {
  const root = await mkdtemp(join(tmpdir(), 'fleetops-e2e-lab-'));
  let lab: LabFleet;
  try {
    lab = await startLab({ dir: join(root, 'lab'), nodes });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const workDir = await mkdtemp(join(root, 'work-'));
  return {
    lab,
    workDir,
    stop: async () => {
      try {
        await lab.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

/** Copies the lab's inventory into `dir` as fleet.yaml; returns its path and text. */
export async function copyLabInventory(lab: LabFleet, dir: string): Promise<{ path: string; text: string }> {
  const path = join(dir, 'fleet.yaml');
  await copyFile(lab.inventoryPath, path);
  return { path, text: await readFile(path, 'utf8') };
}
