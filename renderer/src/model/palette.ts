/**
 * The command palette's items and their ranking: type part of a name, get the best matches
 * first. Pure, so the order an operator relies on in an incident is pinned by unit tests.
 */
import { compareNatural } from './intl';

export interface PaletteItem {
  /** What it is, shown as a badge and searchable: "view", "node", "replica", "service", "run"… */
  kind: string;
  /** The name typed for: a node's name, "drain-replica on usw2-inf-01-llm". */
  label: string;
  /** One line of context (health, region, status); searched too, but weighs little. */
  detail?: string;
  href: string;
  /** Shown before anything is typed (what needs attention now); such items are not ranked by a query. */
  suggested?: boolean;
}

export interface RankedItem {
  item: PaletteItem;
  score: number;
}

/** Characters that start a new word inside a name: `usw2-inf-01`, `lb/backend`, `a.b_c`. */
const WORD_BREAK = /[\s\-_./:@]/;

/**
 * How well one query term matches one text, 0 for no match. Exact beats prefix beats the start
 * of a word beats a plain substring beats the letters in order (fuzzy); an earlier and tighter
 * match beats a later and looser one.
 */
export function termScore(term: string, text: string): number {
  if (term === '') return 1;
  const t = text.toLowerCase();
  if (t === term) return 1000;
  if (t.startsWith(term)) return 800 - Math.min(100, t.length - term.length);
  const at = t.indexOf(term);
  if (at > 0) {
    let wordStart = -1;
    for (let i = t.indexOf(term); i >= 0; i = t.indexOf(term, i + 1)) {
      if (WORD_BREAK.test(t[i - 1])) {
        wordStart = i;
        break;
      }
    }
    if (wordStart > 0) return 600 - Math.min(100, wordStart);
    return 400 - Math.min(100, at);
  }
  return fuzzyScore(term, t);
}

/** Every letter of `term` in `text`, in order: 1…200, more for fewer and shorter gaps; 0 otherwise. */
function fuzzyScore(term: string, text: string): number {
  let from = 0;
  let gaps = 0;
  let span = 0;
  let first = -1;
  for (const ch of term) {
    const at = text.indexOf(ch, from);
    if (at < 0) return 0;
    if (first < 0) first = at;
    else if (at > from) {
      gaps++;
      span += at - from;
    }
    from = at + 1;
  }
  // A match spread over the whole name is barely a match: it must stay compact.
  if (span > term.length * 3) return 0;
  return Math.max(1, 200 - gaps * 20 - span * 2 - Math.min(40, first));
}

/**
 * One item against a query of space-separated terms: every term must match the label, the kind
 * or the detail (so "replica usw2" finds usw2's replicas); the label counts in full, the kind
 * and detail a fraction. 0: the item does not match.
 */
export function itemScore(item: PaletteItem, terms: readonly string[]): number {
  let total = 0;
  for (const term of terms) {
    const label = termScore(term, item.label);
    const kind = termScore(term, item.kind) > 700 ? 150 : 0;
    const detail = item.detail ? Math.min(100, termScore(term, item.detail) / 4) : 0;
    const best = Math.max(label, kind, detail);
    if (best <= 0) return 0;
    total += best;
  }
  return total;
}

export function queryTerms(query: string): string[] {
  return query.trim().toLowerCase().split(/\s+/).filter((t) => t !== '');
}

/**
 * The palette's list for `query`: with no query, the suggested items (in their own order, worst
 * problem first) and then the views; with one, every matching item that is not only a
 * suggestion, best first, ties broken by the shorter label, then by name (numeric-aware:
 * node-2 before node-10). At most `limit`; one row per link.
 */
export function rankPalette(items: readonly PaletteItem[], query: string, limit: number): RankedItem[] {
  const terms = queryTerms(query);
  const seen = new Set<string>();
  const out: RankedItem[] = [];
  if (terms.length === 0) {
    for (const item of items) {
      if (!(item.suggested || item.kind === 'view') || seen.has(item.href)) continue;
      seen.add(item.href);
      out.push({ item, score: 0 });
    }
    const suggested = out.filter((r) => r.item.suggested);
    const views = out.filter((r) => !r.item.suggested);
    return [...suggested, ...views].slice(0, limit);
  }
  const ranked: RankedItem[] = [];
  for (const item of items) {
    if (item.suggested) continue;
    const score = itemScore(item, terms);
    if (score > 0) ranked.push({ item, score });
  }
  ranked.sort(
    (a, b) => b.score - a.score || a.item.label.length - b.item.label.length || compareNatural(a.item.label, b.item.label) || compareNatural(a.item.kind, b.item.kind),
  );
  for (const r of ranked) {
    if (seen.has(r.item.href)) continue;
    seen.add(r.item.href);
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}
