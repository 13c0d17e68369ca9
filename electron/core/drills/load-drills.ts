import * as nodePath from 'node:path';
import type { z } from 'zod';
import { DrillFile, DrillRunbookResponse } from '../../../shared/drill';
import { formatPath, type InventoryIssue, type PathSegment } from '../inventory/inventory-issue';
import { locate, locateKey, readYamlSource } from '../inventory/yaml-source';
import { describeSchemaIssues, type SchemaProblem } from '../inventory/zod-messages';
import { yamlFileInvalid } from '../runbooks/load-runbooks';
import { readYamlFile, tooBigIssue, yamlFilesIn, type YamlKind } from '../util/yaml-files';
import { checkDrill } from './check-drill';

/** Built-ins sit beside this file both in the source tree and in dist (scripts/copy-assets.js). */
export const BUILTIN_DRILL_DIR = nodePath.join(__dirname, 'builtin');
/** A drill is a page of YAML; anything this big is the wrong file. */
export const MAX_DRILL_BYTES = 256 * 1024;
const DRILL_FILES: YamlKind = { code: 'DRILL_INVALID', noun: 'drill', maxBytes: MAX_DRILL_BYTES, invalid: (issues) => yamlFileInvalid('DRILL_INVALID', issues) };

export interface LoadedDrill {
  drill: DrillFile;
  /** Absolute path it was read from. */
  path: string;
  builtin: boolean;
}

export interface DrillSet {
  drills: Map<string, LoadedDrill>;
  /** Things the operator should know, e.g. that a local file replaces a built-in. */
  notices: string[];
}

type ZodIssue = z.core.$ZodIssue;

/**
 * Parses and checks one drill file's text. `path` names it in errors (basename). Throws
 * DRILL_INVALID listing every problem, each as `file:line:column: path: message`, with the same
 * YAML positions and words as inventories and runbooks.
 */
export function parseDrill(text: string, path: string): DrillFile {
  const file = nodePath.basename(path);
  if (Buffer.byteLength(text, 'utf8') > MAX_DRILL_BYTES) throw yamlFileInvalid('DRILL_INVALID', [tooBigIssue(file, DRILL_FILES)]);
  const read = readYamlSource(text, file);
  if (!read.ok) throw yamlFileInvalid('DRILL_INVALID', read.issues);
  const { source } = read;
  const at = (p: PathSegment[], message: string, key?: string): InventoryIssue => {
    const { line, column } = key === undefined ? locate(source, p) : locateKey(source, p, key);
    return { file, line, column, path: formatPath(p), message };
  };
  const parsed = DrillFile.safeParse(source.data, { reportInput: true });
  if (!parsed.success) {
    const issues = explainIssues(parsed.error.issues, source.data, DrillFile).map((p) => at(p.path, p.message, p.unknownKey));
    throw yamlFileInvalid('DRILL_INVALID', issues);
  }
  const issues = checkDrill(parsed.data).map((p) => at(p.path, p.message, p.key));
  const expected = nodePath.basename(file, nodePath.extname(file));
  if (parsed.data.name !== expected) issues.push(at(['name'], `name "${parsed.data.name}" differs from the file name "${expected}" (they must match so a drill is found by its name)`));
  if (issues.length > 0) throw yamlFileInvalid('DRILL_INVALID', issues);
  return parsed.data;
}

/**
 * zod's words for the schema's two unions are about JavaScript: a fault kind it does not know
 * comes back as "no matching discriminator", and a runbook response with one wrong key as "none
 * or operator or a mapping". Say which kinds exist, and judge a response mapping as the mapping it is.
 */
function explainIssues(issues: readonly ZodIssue[], data: unknown, schema: z.ZodType): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const plain: ZodIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const value = valueAt(data, path);
    if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      out.push({ path, message: value === undefined ? 'required key is missing' : `expected one of ${issue.options.map(String).join(', ')}` });
    } else if (issue.code === 'invalid_union' && schema === DrillFile && path.length === 1 && path[0] === 'response' && isMapping(value)) {
      const inner = DrillRunbookResponse.safeParse(value, { reportInput: true });
      if (!inner.success) out.push(...explainIssues(inner.error.issues, value, DrillRunbookResponse).map((p) => ({ ...p, path: ['response', ...p.path] })));
    } else if (issue.code === 'invalid_union' && value === undefined) {
      // A union (the seed: text or a number; after: detection or a duration) reports a missing key as a type mismatch.
      out.push({ path, message: 'required key is missing' });
    } else {
      plain.push(issue);
    }
  }
  return [...out, ...describeSchemaIssues(plain, schema)];
}

function isMapping(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) v = isMapping(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/**
 * Built-ins, then `<inventory dir>/drills/*.yaml`: a local file with a built-in's name replaces
 * it (and a notice says so). Every file is checked; the first bad one fails the whole load, so a
 * scheduler never runs a set of drills that is half what the operator wrote.
 */
export async function loadDrills(inventoryPath: string, opts: { builtinDir?: string } = {}): Promise<DrillSet> {
  const drills = new Map<string, LoadedDrill>();
  const notices: string[] = [];
  for (const path of await yamlFilesIn(opts.builtinDir ?? BUILTIN_DRILL_DIR, true, DRILL_FILES)) {
    const drill = parseDrill(await readYamlFile(path, DRILL_FILES), path);
    drills.set(drill.name, { drill, path, builtin: true });
  }
  const localDir = nodePath.join(nodePath.dirname(nodePath.resolve(inventoryPath)), 'drills');
  for (const path of await yamlFilesIn(localDir, false, DRILL_FILES)) {
    const drill = parseDrill(await readYamlFile(path, DRILL_FILES), path);
    if (drills.get(drill.name)?.builtin) notices.push(`drill "${drill.name}" from ${path} overrides the built-in one`);
    drills.set(drill.name, { drill, path, builtin: false });
  }
  return { drills, notices };
}

