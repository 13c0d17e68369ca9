/**
 * Reads the listing script's output (listing-script.ts; format in README.md) into facts. Strict:
 * every line must be a known record with well-formed fields, in bounds, under the expected
 * header and closed by `end`. Anything else — a login banner, a cut or forged listing, a shell
 * that did not run the script — is PARSE_FAILED with the line and a safe excerpt, never a guess.
 */
import type { CheckpointLayout } from '../../../shared/checkpoints';
import { FleetError } from '../../../shared/errors';
import { safeExcerpt } from '../gpu/safe-text';
import { LAYOUTS, type LayoutRule } from './layouts';
import type { CheckpointListing, ListedCandidate, ListedEntry, ListedShort } from './listing';
import { CANDIDATES, LISTING_FORMAT, LISTING_VERSION, MAX_LISTING_BYTES, MAX_SHORT_PATH, RECENT_ENTRIES, SHORTS_PER_CHECKPOINT } from './listing-script';

const EPOCH = /^[0-9]{1,12}(?:\.[0-9]{1,10})?$/;
const COUNT = /^[0-9]{1,20}$/;
const SAFE_PATH = new RegExp(`^[A-Za-z0-9._=+/-]{1,${MAX_SHORT_PATH}}$`);
const NEMO_MARKER = /^[A-Za-z0-9._=+-]{1,255}-unfinished$/;
const KINDS: Record<string, ListedEntry['kind']> = { d: 'dir', f: 'file', l: 'link' };

class Reader {
  constructor(
    private readonly directory: string,
    private readonly lineNo: number,
    private readonly line: string,
  ) {}

  fail(why: string): never {
    throw new FleetError('PARSE_FAILED', `checkpoint listing of ${safeExcerpt(this.directory, 200)}: line ${this.lineNo}: ${why}`, {
      detail: { line: this.lineNo, excerpt: safeExcerpt(this.line) },
    });
  }

  epoch(text: string | undefined, what: string): number {
    if (text === undefined || !EPOCH.test(text)) this.fail(`${what} is not a time`);
    return Number(text);
  }

  count(text: string | undefined, what: string): number {
    if (text === undefined || !COUNT.test(text)) this.fail(`${what} is not a whole number`);
    return Number(text);
  }

  fields(fields: string[], n: number): void {
    if (fields.length !== n) this.fail(`expected ${n} fields, got ${fields.length}`);
  }
}

/** find's `%f` after `sed -z`: `\\` is a backslash and `\n` a newline; nothing else is escaped. */
export function unescapeName(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else return null;
  }
  return out;
}

/** findmnt -r escapes as `\xHH`, /proc/mounts as `\NNN` (octal). */
export function unescapeMountField(text: string): string {
  return text
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function candidateOf(r: Reader, byName: Map<string, ListedCandidate>, name: string | undefined): ListedCandidate {
  const c = name === undefined ? undefined : byName.get(name);
  if (!c) r.fail(`refers to ${safeExcerpt(name ?? '')}, which was not listed as a checkpoint`);
  return c;
}

export function parseListing(stdout: string, directory: string, layout: CheckpointLayout): CheckpointListing {
  const rule: LayoutRule = LAYOUTS[layout];
  // Decoding never makes more characters than bytes, and the script caps its bytes.
  if (stdout.length > MAX_LISTING_BYTES) {
    new Reader(directory, 0, stdout.slice(0, 200)).fail(`output of ${stdout.length} characters, more than the script ever prints`);
  }
  const lines = stdout.split('\n');
  const header = `${LISTING_FORMAT}\t${LISTING_VERSION}\t${layout}`;
  if (lines[0] !== header) new Reader(directory, 1, lines[0] ?? '').fail(`expected the header "${header}"`);
  const endAt = lines.indexOf('end');
  if (endAt < 0) new Reader(directory, lines.length, lines[lines.length - 1] ?? '').fail('the listing ended early (no "end": cut off, or the script failed)');
  if (lines.slice(endAt + 1).some((l) => l !== '')) new Reader(directory, endAt + 2, lines[endAt + 1] ?? '').fail('text after "end"');

  const listing: CheckpointListing = {
    layout,
    now: NaN,
    directory: { state: 'absent', error: '' },
    fs: null,
    fsError: null,
    mount: null,
    entryCount: null,
    recent: [],
    candidates: [],
    tag: null,
    missingTagDir: null,
    unfinished: [],
  };
  const byName = new Map<string, ListedCandidate>();
  const pendingShorts = new Map<string, ListedShort[]>();
  const seen = new Set<string>();

  for (let i = 1; i < endAt; i++) {
    const line = lines[i];
    // Annotated: a never-returning method narrows only through an explicitly typed reference.
    const r: Reader = new Reader(directory, i + 1, line);
    const [tag, ...f] = line.split('\t');
    const once = (): void => {
      if (seen.has(tag)) r.fail(`a second "${tag}" record`);
      seen.add(tag);
    };
    switch (tag) {
      case 'now':
        once();
        r.fields(f, 1);
        listing.now = r.epoch(f[0], 'the clock');
        break;
      case 'dir':
        once();
        r.fields(f, 2);
        if (f[0] === 'ok' && /^[r-][w-]$/.test(f[1])) listing.directory = { state: 'ok', readable: f[1][0] === 'r', writable: f[1][1] === 'w' };
        else if (f[0] === 'absent') listing.directory = { state: 'absent', error: f[1].trim() || 'unknown error' };
        else r.fail('unknown directory state');
        break;
      case 'fs': {
        once();
        const m = /^([0-9]{1,20}) ([0-9]{1,20}) ([0-9]{1,20}) ([0-9]{1,20}) ([0-9]{1,20}) ([0-9]{1,20}) (.{1,100})$/.exec(f.join('\t'));
        if (m) {
          const [blockSize, blocks, freeBlocks, availableBlocks, inodes, freeInodes] = m.slice(1, 7).map(Number);
          listing.fs = { blockSize, blocks, freeBlocks, availableBlocks, inodes, freeInodes, type: m[7] };
        } else listing.fsError = safeExcerpt(f.join(' '));
        break;
      }
      case 'mount': {
        once();
        const m = /^(\S{1,16384}) (\S{1,100}) (\S{1,4096})$/.exec(f.join('\t'));
        if (m) listing.mount = { target: unescapeMountField(m[1]), fsType: unescapeMountField(m[2]), options: m[3].split(',') };
        break;
      }
      case 'count':
        once();
        r.fields(f, 1);
        listing.entryCount = r.count(f[0].trim(), 'the entry count');
        break;
      case 'entry': {
        if (f.length < 4) r.fail('expected 4 fields');
        if (listing.recent.length >= RECENT_ENTRIES) r.fail(`more than ${RECENT_ENTRIES} entries`);
        // The name is last and may hold tabs: it is everything after the third field.
        const name = unescapeName(f.slice(3).join('\t'));
        if (name === null || name === '') r.fail('a name with an unknown escape');
        listing.recent.push({ mtime: r.epoch(f[0], 'mtime'), bytes: r.count(f[1], 'size'), kind: KINDS[f[2]] ?? 'other', name });
        break;
      }
      case 'cand': {
        r.fields(f, 5);
        const [name, kind, mtime, size, birth] = f;
        if (!rule.namePattern.test(name)) r.fail(`${safeExcerpt(name)} is not a ${layout} checkpoint name`);
        if (kind !== 'd' && kind !== 'f') r.fail('a checkpoint is a directory or a file');
        if (byName.has(name)) r.fail(`${name} listed twice`);
        if (byName.size >= CANDIDATES + 1) r.fail(`more than ${CANDIDATES + 1} checkpoints`);
        const birthAt = birth === '-' ? 0 : r.count(birth, 'birth time');
        const c: ListedCandidate = {
          name,
          kind: kind === 'd' ? 'dir' : 'file',
          mtime: r.epoch(mtime, 'mtime'),
          bytes: r.count(size, 'size'),
          birth: birthAt > 0 ? birthAt : null,
          totals: null,
          markers: {},
          comparison: null,
        };
        byName.set(name, c);
        listing.candidates.push(c);
        break;
      }
      case 'agg': {
        r.fields(f, 7);
        const c = candidateOf(r, byName, f[0]);
        const files = r.count(f[1], 'file count');
        c.totals = {
          files,
          bytes: r.count(f[2], 'bytes'),
          smallest: r.count(f[3], 'smallest size'),
          empty: r.count(f[4], 'empty files'),
          firstMtime: files === 0 ? null : r.epoch(f[5], 'first mtime'),
          lastMtime: files === 0 ? null : r.epoch(f[6], 'last mtime'),
        };
        break;
      }
      case 'mark': {
        r.fields(f, 4);
        const c = candidateOf(r, byName, f[0]);
        const known = rule.markers.includes(f[1]) || (layout === 'nemo' && f[1] === '-unfinished');
        if (!known) r.fail(`unknown marker ${safeExcerpt(f[1])}`);
        // Empty: the file went between the test and find (a save renaming it). Not there, then.
        if (f[2] === '' && f[3] === '') break;
        c.markers[f[1]] = { bytes: r.count(f[2], 'marker size'), mtime: r.epoch(f[3], 'marker mtime') };
        break;
      }
      case 'short': {
        r.fields(f, 4);
        const c = candidateOf(r, byName, f[0]);
        if (!SAFE_PATH.test(f[1])) r.fail('an unsafe file path');
        const list = pendingShorts.get(c.name) ?? [];
        if (list.length >= SHORTS_PER_CHECKPOINT) r.fail(`more than ${SHORTS_PER_CHECKPOINT} short files named`);
        list.push({ path: f[1], bytes: r.count(f[2], 'size'), previousBytes: r.count(f[3], 'previous size') });
        pendingShorts.set(c.name, list);
        break;
      }
      case 'cmp': {
        r.fields(f, 5);
        const c = candidateOf(r, byName, f[0]);
        candidateOf(r, byName, f[1]);
        const shorts = pendingShorts.get(c.name) ?? [];
        c.comparison = { previous: f[1], files: r.count(f[2], 'files'), matched: r.count(f[3], 'matched'), short: r.count(f[4], 'short'), shorts };
        if (c.comparison.short < shorts.length) r.fail('fewer short files than named');
        break;
      }
      case 'tag':
        once();
        r.fields(f, 3);
        if (rule.tagFile === null || !/^[A-Za-z0-9._=?-]{0,64}$/.test(f[2])) r.fail('an unexpected tag');
        listing.tag = { bytes: f[0] === '' ? null : r.count(f[0], 'tag size'), mtime: f[1] === '' ? null : r.epoch(f[1], 'tag mtime'), value: f[2] };
        break;
      case 'tagdir':
        once();
        r.fields(f, 2);
        if (!rule.namePattern.test(f[0]) || f[1] !== 'missing') r.fail('an unexpected tagged directory');
        listing.missingTagDir = f[0];
        break;
      case 'unfinished':
        r.fields(f, 2);
        if (layout !== 'nemo' || !NEMO_MARKER.test(f[1])) r.fail('an unexpected -unfinished marker');
        if (listing.unfinished.length >= 8) r.fail('more than 8 -unfinished markers');
        listing.unfinished.push({ mtime: r.epoch(f[0], 'marker mtime'), name: f[1] });
        break;
      default:
        r.fail(`unknown record "${safeExcerpt(tag, 40)}"`);
    }
  }
  if (!seen.has('now')) new Reader(directory, endAt + 1, 'end').fail('no "now" record');
  if (!seen.has('dir')) new Reader(directory, endAt + 1, 'end').fail('no "dir" record');
  return listing;
}
