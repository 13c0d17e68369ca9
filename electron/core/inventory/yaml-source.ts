import { Document, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { InventoryIssue, PathSegment } from './inventory-issue';

/**
 * Flow collections (`[[[[...`) deeper than this are garbage, not inventory. The `yaml` parser is
 * recursive and spends ~1 KB of heap per open level, so 5 MB of `[` would take the whole process
 * down; we refuse such input before handing it over.
 */
export const MAX_FLOW_DEPTH = 64;

/**
 * An inventory has no business expanding aliases hundreds of times; a low cap turns a
 * "billion laughs" bomb into an error instead of gigabytes of objects.
 */
export const MAX_ALIAS_COUNT = 100;

/** A parsed YAML document that can still answer "where in the file is this value?". */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain JS value of the document (what the schema validates). */
  data: unknown;
}

export type YamlSourceResult = { ok: true; source: YamlSource } | { ok: false; issues: InventoryIssue[] };

/** Parses YAML text into a positioned document; syntax errors come back as issues with line and column. */
export function readYamlSource(text: string, file: string): YamlSourceResult {
  const lineCounter = new LineCounter();
  const issueAt = (offset: number, message: string, path = ''): InventoryIssue => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path, message };
  };

  const tooDeep = findFlowDepthOverflow(text);
  if (tooDeep !== undefined) {
    // The LineCounter is filled during parsing; we did not parse, so count lines ourselves.
    const { line, column } = lineColumnOf(text, tooDeep);
    return { ok: false, issues: [{ file, line, column, path: '', message: `nesting deeper than ${MAX_FLOW_DEPTH} levels` }] };
  }

  // uniqueKeys is on by default; stated here because a duplicated key would otherwise silently win.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  // Warnings (unresolved tags and the like) count as errors: the file must mean exactly what it says.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return { ok: false, issues: problems.map((e) => issueAt(e.pos[0], describeYamlError(e.code, e.message, keyAt(doc, e.pos[0])))) };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // toJS throws a ReferenceError for alias bombs and RangeError for stack exhaustion.
    const message = err instanceof ReferenceError ? `too many alias expansions (limit ${MAX_ALIAS_COUNT})` : 'document too complex to load';
    return { ok: false, issues: [issueAt(firstAliasOffset(doc) ?? 0, message)] };
  }
  return { ok: true, source: { file, doc, lineCounter, data } };
}

/** 1-based line and column of the value at `path`, or of the deepest existing parent (for a missing key). */
export function locate(source: YamlSource, path: readonly PathSegment[]): { line: number; column: number } {
  return toLineColumn(source, walk(source, path).offset);
}

/** 1-based line and column of `key` itself inside the mapping at `path` (for an unknown key). */
export function locateKey(source: YamlSource, path: readonly PathSegment[], key: string): { line: number; column: number } {
  const { node, offset } = walk(source, path);
  const map = deref(source.doc, node);
  if (isMap(map)) {
    const pair = map.items.find((p) => keyMatches(p.key, key));
    const keyStart = (pair?.key as Node | undefined)?.range?.[0];
    if (keyStart !== undefined) return toLineColumn(source, keyStart);
  }
  return toLineColumn(source, offset);
}

function toLineColumn(source: YamlSource, offset: number): { line: number; column: number } {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** Follows `path` through the document; stops at the deepest node that exists. */
function walk(source: YamlSource, path: readonly PathSegment[]): { node: unknown; offset: number } {
  const { doc } = source;
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const seg of path) {
    const container = deref(doc, node);
    let next: unknown;
    let nextOffset: number | undefined;
    if (isMap(container)) {
      const pair = container.items.find((p) => keyMatches(p.key, seg));
      if (!pair) break;
      next = pair.value;
      // `port:` with nothing after it has an empty null scalar; the key is the useful place to point at.
      nextOffset = isEmptyScalar(next) ? startOf(pair.key) : (startOf(next) ?? startOf(pair.key));
    } else if (isSeq(container) && typeof seg === 'number' && seg < container.items.length) {
      next = container.items[seg];
      nextOffset = startOf(next);
    } else {
      break;
    }
    node = next;
    if (nextOffset !== undefined) offset = nextOffset;
  }
  return { node, offset };
}

/** An alias is followed to its anchor so errors inside shared blocks point at their definition. */
function deref(doc: Document.Parsed, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < MAX_ALIAS_COUNT; hops++) current = current.resolve(doc);
  return current;
}

function keyMatches(key: unknown, seg: PathSegment): boolean {
  return isScalar(key) ? String(key.value) === String(seg) : key === seg;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** The scalar key starting at `offset`, to name it in a duplicate-key error. */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function firstAliasOffset(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node.range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

function describeYamlError(code: string, message: string, key: string | undefined): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      // A repeated key would otherwise silently replace the first one (e.g. a node's whole `gpus`).
      return key === undefined ? 'duplicate key' : `duplicate key "${key}"`;
    case 'TAB_AS_INDENT':
      return 'tab used for indentation (use spaces)';
    case 'MULTIPLE_DOCS':
      return 'more than one YAML document (remove the extra "---")';
    default:
      // The yaml package's own messages are already specific; only the first sentence is kept.
      return lowerFirst(message.split('\n')[0]);
  }
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0].toLowerCase() + s.slice(1) : s;
}

/**
 * Offset of the first flow bracket beyond MAX_FLOW_DEPTH, or undefined. Uses the yaml lexer so
 * brackets in quotes, comments and block scalars do not count; a cheap character count skips
 * the lexer for every ordinary file.
 */
function findFlowDepthOverflow(text: string): number | undefined {
  let opens = 0;
  for (let i = 0; i < text.length && opens <= MAX_FLOW_DEPTH; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) opens++;
  }
  if (opens <= MAX_FLOW_DEPTH) return undefined;

  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token.length === 1 && isLexerControl(token)) {
      if (token === '\x18') depth = 0; // flow collection cut short by indentation: back in block context
      continue;
    }
    if (token === '[' || token === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) return offset;
    } else if (token === ']' || token === '}') {
      depth = Math.max(0, depth - 1);
    }
    offset += token.length;
  }
  return undefined;
}

/** The lexer's in-band markers (document start, flow end, scalar) are not part of the source text. */
function isLexerControl(token: string): boolean {
  return token === '\x02' || token === '\x18' || token === '\x1f';
}

function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
