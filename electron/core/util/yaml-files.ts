import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { FleetError, type ErrorCode } from '../../../shared/errors';
import type { InventoryIssue } from '../inventory/inventory-issue';

/**
 * Reading a directory of YAML definitions (runbooks, drills): the built-ins, then the files
 * beside the inventory. One place, so both kinds order, cap and report alike.
 */
export interface YamlKind {
  /** The stable error code a bad file or directory of this kind is reported under. */
  code: ErrorCode;
  /** "runbook", "drill": in messages. */
  noun: string;
  /** The size over which a file is refused before it is read. */
  maxBytes: number;
  /** The kind's error for a bad file (file:line:column issues). */
  invalid: (issues: InventoryIssue[]) => FleetError;
}

/** The directory's .yaml/.yml files, sorted; a missing directory is empty unless `required`. */
export async function yamlFilesIn(dir: string, required: boolean, kind: YamlKind): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return [];
    throw new FleetError(kind.code, `cannot read ${kind.noun} directory ${dir}: ${(err as Error).message}`, { subject: dir, cause: err });
  }
  // Sorted so that which file wins and which error comes first never depend on the file system.
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => nodePath.join(dir, n));
}

/** A file's text; one over the kind's limit is refused from its size, without reading it. */
export async function readYamlFile(path: string, kind: YamlKind): Promise<string> {
  const stat = await fs.stat(path);
  if (stat.size > kind.maxBytes) throw kind.invalid([tooBigIssue(nodePath.basename(path), kind)]);
  return fs.readFile(path, 'utf8');
}

/** The issue for a file over the limit (also used for text handed in directly). */
export function tooBigIssue(file: string, kind: Pick<YamlKind, 'noun' | 'maxBytes'>): InventoryIssue {
  return { file, line: 1, column: 1, path: '', message: `file is over the ${kind.maxBytes / 1024} KB limit for a ${kind.noun}` };
}
