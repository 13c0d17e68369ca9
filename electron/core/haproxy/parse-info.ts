import { parseFailed } from './parse-failure';

const COMMAND = 'show info';

/**
 * Parses `show info`: one "Key: value" per line (keys may hold spaces: "Unstoppable Jobs"), then
 * an empty line. HAProxy always starts with Name and Version; requiring them tells its answer
 * from an error text or another service that happens to print "a: b".
 */
export function parseShowInfo(reply: string): Record<string, string> {
  // Entries, not assignment: a hostile "__proto__: x" line must stay a plain key.
  const entries = new Map<string, string>();
  for (const [index, raw] of reply.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const colon = line.indexOf(': ');
    // "Key:" with an empty value has no space after the colon.
    const key = colon > 0 ? line.slice(0, colon) : line.endsWith(':') ? line.slice(0, -1) : '';
    if (key === '' || !/^[A-Za-z0-9_\- ]+$/.test(key)) throw parseFailed(COMMAND, `line ${index + 1} is not "Key: value"`, reply);
    entries.set(key, colon > 0 ? line.slice(colon + 2) : '');
  }
  for (const key of ['Name', 'Version']) {
    if (!entries.has(key)) throw parseFailed(COMMAND, `it has no ${key} line`, reply);
  }
  return Object.fromEntries(entries);
}
