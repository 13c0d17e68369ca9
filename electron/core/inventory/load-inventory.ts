import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { FleetError } from '../../../shared/errors';
import { InventoryFile, type ResolvedNode, type Topology } from '../../../shared/inventory';
import { crossCheck } from './cross-checks';
import { formatPath, inventoryInvalid, type InventoryIssue } from './inventory-issue';
import { resolveInventory, type InventoryEnv } from './resolve-inventory';
import { resolveServices, type ResolvedLoadBalancer, type ResolvedReplica, type ResolvedSlo } from './resolve-services';
import { locate, locateKey, readYamlSource } from './yaml-source';
import { describeSchemaIssues } from './zod-messages';

export type { InventoryEnv } from './resolve-inventory';

export interface LoadedInventory {
  path: string;
  file: InventoryFile;
  nodes: ResolvedNode[];
  topology: Topology;
  replicas: ResolvedReplica[];
  loadBalancers: ResolvedLoadBalancer[];
  slos: ResolvedSlo[];
}

/** An inventory of thousands of nodes is well under 1 MB; anything past this is a wrong file or an attack. */
export const MAX_INVENTORY_BYTES = 5 * 1024 * 1024;

/**
 * Parses, validates and resolves inventory text. `path` names the file in error messages
 * (basename) and is the base for relative paths inside it. Throws FleetError INVENTORY_INVALID
 * listing every problem found, each with file, line and column.
 */
export function parseInventory(text: string, path: string, env: InventoryEnv): LoadedInventory {
  const file = nodePath.basename(path);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_INVENTORY_BYTES) throw inventoryInvalid([tooLarge(file, size)]);

  const read = readYamlSource(text, file);
  if (!read.ok) throw inventoryInvalid(read.issues);
  const { source } = read;
  if (source.data === null || source.data === undefined) {
    throw inventoryInvalid([{ file, line: 1, column: 1, path: '', message: 'inventory is empty (expected "version: 1" and "regions:")' }]);
  }

  const issues: InventoryIssue[] = [];
  const parsed = InventoryFile.safeParse(source.data, { reportInput: true });
  if (!parsed.success) {
    for (const problem of describeSchemaIssues(parsed.error.issues, InventoryFile)) {
      const { line, column } =
        problem.unknownKey === undefined ? locate(source, problem.path) : locateKey(source, problem.path, problem.unknownKey);
      issues.push({ file, line, column, path: formatPath(problem.path), message: problem.message });
    }
  }
  issues.push(...crossCheck(source));
  if (issues.length > 0 || !parsed.success) throw inventoryInvalid(issues);

  const { nodes, topology } = resolveInventory(parsed.data, path, env);
  return { path, file: parsed.data, nodes, topology, ...resolveServices(parsed.data, nodes) };
}

/** Reads and parses an inventory file; the size is checked before reading so a huge file costs nothing. */
export async function loadInventoryFile(path: string, env: InventoryEnv): Promise<LoadedInventory> {
  const absolute = nodePath.resolve(path);
  const text = await readInventoryText(absolute);
  return parseInventory(text, absolute, env);
}

/** Reads the file as UTF-8 after checking it exists, is a regular file and is not too large. */
export async function readInventoryText(absolute: string): Promise<string> {
  const file = nodePath.basename(absolute);
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FleetError('NOT_FOUND', `inventory file not found: ${absolute}`, { subject: absolute });
    throw new FleetError('INVENTORY_INVALID', `cannot read inventory ${absolute}: ${(err as Error).message}`, { subject: absolute, cause: err });
  }
  if (!stat.isFile()) throw new FleetError('INVENTORY_INVALID', `inventory ${absolute} is not a regular file`, { subject: absolute });
  if (stat.size > MAX_INVENTORY_BYTES) throw inventoryInvalid([tooLarge(file, stat.size)]);
  try {
    return await fs.readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Replaced between stat and read (editors do that): the same as not there.
    if (code === 'ENOENT') throw new FleetError('NOT_FOUND', `inventory file not found: ${absolute}`, { subject: absolute });
    throw new FleetError('INVENTORY_INVALID', `cannot read inventory ${absolute}: ${(err as Error).message}`, { subject: absolute, cause: err });
  }
}

function tooLarge(file: string, size: number): InventoryIssue {
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return { file, line: 1, column: 1, path: '', message: `file is ${mb(size)} MB, over the ${mb(MAX_INVENTORY_BYTES)} MB limit for an inventory` };
}
