/**
 * Which data directory (store, audit log, run journal) a command uses, and who the audit log
 * says acted. A lab has its own data directory inside the lab directory (DIR/data): lab runs,
 * aborts and read-only switches must never land in the operator's real audit chain, so a lab
 * inventory (DIR/fleet.yaml beside the lab's marker, see lab-files.ts) means the lab's data
 * directory unless --data-dir names another one, and the entries say they come from the lab.
 */
import { resolve } from 'node:path';
import { labOrigin, osAuditIdentity, type AuditIdentity } from '../core/audit/identity';
import { labDirOfInventory, labPaths } from '../core/lab/lab-files';
import { defaultDataDir } from './runtime-env';

export interface DataDirChoice {
  dataDir: string;
  /** The lab this command acts on (its entries carry `origin: lab:<dir>`), or null for a real fleet. */
  labDir: string | null;
  /** Why this directory: --data-dir, the lab's own, or the operator's default. */
  source: 'option' | 'lab' | 'default';
}

export interface DataDirInput {
  /** --data-dir, when given: always wins. */
  dataDir?: string;
  /** The inventory the command works on; a lab's own inventory selects the lab. */
  inventoryPath?: string | null;
  /** A lab the command started itself (serve --lab). */
  labDir?: string | null;
}

export function chooseDataDir(input: DataDirInput, defaultDir: () => string = () => defaultDataDir()): DataDirChoice {
  const labDir = input.labDir ? resolve(input.labDir) : input.inventoryPath ? labDirOfInventory(input.inventoryPath) : null;
  if (input.dataDir !== undefined) return { dataDir: resolve(input.dataDir), labDir, source: 'option' };
  if (labDir !== null) return { dataDir: labPaths(labDir).dataDir, labDir, source: 'lab' };
  return { dataDir: resolve(defaultDir()), labDir: null, source: 'default' };
}

/** The OS identity, marked with the lab's origin when the command acts on a lab. */
export function cliAuditIdentity(labDir: string | null, base: () => AuditIdentity = osAuditIdentity): AuditIdentity {
  const identity = base();
  return labDir === null ? identity : { ...identity, origin: labOrigin(labDir) };
}
