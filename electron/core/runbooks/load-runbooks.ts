import * as nodePath from 'node:path';
import { FleetError } from '../../../shared/errors';
import { readYamlFile, tooBigIssue, yamlFilesIn, type YamlKind } from '../util/yaml-files';
import { formatIssue, formatPath, MAX_REPORTED_ISSUES, sortIssues, type InventoryIssue } from '../inventory/inventory-issue';
import { locate, locateKey, readYamlSource } from '../inventory/yaml-source';
import { describeSchemaIssues } from '../inventory/zod-messages';
import { checkRunbook } from './check-runbook';
import { RunbookFile, STEP_TYPES } from './runbook-schema';

/** Built-ins sit beside this file both in the source tree and in dist (scripts/copy-assets.js). */
export const BUILTIN_RUNBOOK_DIR = nodePath.join(__dirname, 'builtin');
/** A runbook is a page of YAML; anything this big is the wrong file. */
export const MAX_RUNBOOK_BYTES = 256 * 1024;
const RUNBOOK_FILES: YamlKind = { code: 'RUNBOOK_INVALID', noun: 'runbook', maxBytes: MAX_RUNBOOK_BYTES, invalid: (issues) => runbookInvalid(issues) };

export interface LoadedRunbook {
  runbook: RunbookFile;
  /** Absolute path it was read from. */
  path: string;
  builtin: boolean;
}

export interface RunbookSet {
  runbooks: Map<string, LoadedRunbook>;
  /** Things the operator should know, e.g. that a local file replaces a built-in. */
  notices: string[];
}

/**
 * Parses and checks one runbook file's text. `path` names it in errors (basename). Throws
 * RUNBOOK_INVALID listing every problem, each as `file:line:column: path: message`.
 */
export function parseRunbook(text: string, path: string): RunbookFile {
  const file = nodePath.basename(path);
  if (Buffer.byteLength(text, 'utf8') > MAX_RUNBOOK_BYTES) throw runbookInvalid([tooBigIssue(file, RUNBOOK_FILES)]);
  const read = readYamlSource(text, file);
  if (!read.ok) throw runbookInvalid(read.issues);
  const { source } = read;
  const parsed = RunbookFile.safeParse(source.data, { reportInput: true });
  const issues: InventoryIssue[] = [];
  const at = (path: (string | number)[], message: string, key?: string): InventoryIssue => {
    const { line, column } = key === undefined ? locate(source, path) : locateKey(source, path, key);
    return { file, line, column, path: formatPath(path), message };
  };
  if (!parsed.success) {
    for (const p of describeSchemaIssues(parsed.error.issues, RunbookFile)) {
      let message = p.message;
      if (p.unknownKey !== undefined && isStepPath(p.path)) message = unknownStepKey(p.unknownKey, p.message);
      // A union (number or "{param}") reports a missing key as a type mismatch; say what it is.
      else if (p.unknownKey === undefined && valueAt(source.data, p.path) === undefined) message = 'required key is missing';
      issues.push(at(p.path, message, p.unknownKey));
    }
    throw runbookInvalid(issues);
  }
  for (const p of checkRunbook(parsed.data)) issues.push(at(p.path, p.message, p.key));
  const expected = nodePath.basename(file, nodePath.extname(file));
  if (parsed.data.name !== expected) issues.push(at(['name'], `name "${parsed.data.name}" differs from the file name "${expected}" (they must match so a runbook is found by its name)`));
  if (issues.length > 0) throw runbookInvalid(issues);
  return parsed.data;
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let v = data;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/** `steps[3]` or `steps[3].undo`: where an unknown key is most likely a mistyped step type. */
function isStepPath(path: (string | number)[]): boolean {
  return path[0] === 'steps' && typeof path[1] === 'number' && (path.length === 2 || (path.length === 3 && path[2] === 'undo'));
}

function unknownStepKey(key: string, message: string): string {
  const hint = message.match(/ \(did you mean "[^"]+"\?\)$/)?.[0] ?? '';
  return `unknown step type or key "${key}"${hint} (step types: ${STEP_TYPES.join(', ')})`;
}

/**
 * Built-ins, then `<inventory dir>/runbooks/*.yaml`: a local file with a built-in's name replaces
 * it (and a notice says so). Every file is checked; the first bad one fails the whole load, so an
 * operator never runs a set of runbooks that is half what they wrote.
 */
export async function loadRunbooks(inventoryPath: string, opts: { builtinDir?: string } = {}): Promise<RunbookSet> {
  const runbooks = new Map<string, LoadedRunbook>();
  const notices: string[] = [];
  for (const path of await yamlFilesIn(opts.builtinDir ?? BUILTIN_RUNBOOK_DIR, true, RUNBOOK_FILES)) {
    runbooks.set(nameOf(path), { runbook: parseRunbook(await readYamlFile(path, RUNBOOK_FILES), path), path, builtin: true });
  }
  const localDir = nodePath.join(nodePath.dirname(nodePath.resolve(inventoryPath)), 'runbooks');
  for (const path of await yamlFilesIn(localDir, false, RUNBOOK_FILES)) {
    const runbook = parseRunbook(await readYamlFile(path, RUNBOOK_FILES), path);
    const replaced = runbooks.get(runbook.name);
    if (replaced?.builtin) notices.push(`runbook "${runbook.name}" from ${path} overrides the built-in one`);
    runbooks.set(runbook.name, { runbook, path, builtin: false });
  }
  return { runbooks, notices };
}

function nameOf(path: string): string {
  return nodePath.basename(path, nodePath.extname(path));
}

/** One error for a bad runbook: the message is the first issue, detail lists them all (capped). */
export function runbookInvalid(issues: InventoryIssue[]): FleetError {
  return yamlFileInvalid('RUNBOOK_INVALID', issues);
}

/** One error for a bad YAML file of a kind (runbook, drill): the first issue as message, detail lists them all (capped). */
export function yamlFileInvalid(code: 'RUNBOOK_INVALID' | 'DRILL_INVALID', issues: InventoryIssue[]): FleetError {
  const sorted = sortIssues(issues);
  const reported = sorted.slice(0, MAX_REPORTED_ISSUES);
  const more = sorted.length - 1;
  const first = formatIssue(reported[0]);
  return new FleetError(code, more === 0 ? first : `${first} (and ${more} more ${more === 1 ? 'error' : 'errors'})`, {
    subject: reported[0].file,
    detail: { errors: reported, total: sorted.length },
  });
}
