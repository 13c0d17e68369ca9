/**
 * The timeline's tests compare the store with a brute-force reading of the same events: a small
 * fleet (TEST_INVENTORY), a deterministic mix of events with many ties on ts and ids out of ts
 * order (as imports make them), and `expected(filter)`: every event the filter should give, in
 * (ts, id) order, decided in plain TypeScript with the same tokenising FTS5's unicode61 does for
 * these words.
 */
import type { TimelineFilter } from '../../../shared/timeline';
import type { AppendEventInput } from '../../../electron/core/store/event-log';
import type { TimelineInventory } from '../../../electron/core/timeline/timeline-scope';
import { T0 } from './helpers';

export const TEST_INVENTORY: TimelineInventory = {
  nodes: [
    { name: 'a1', region: 'r1', cluster: 'c1' },
    { name: 'a2', region: 'r1', cluster: 'c1' },
    { name: 'b1', region: 'r1', cluster: 'c2' },
    { name: 'z1', region: 'r2', cluster: 'c3' },
  ],
  replicas: [
    { name: 'rep-a1', node: 'a1', region: 'r1', cluster: 'c1' },
    { name: 'rep-z1', node: 'z1', region: 'r2', cluster: 'c3' },
    // Not on a node of the inventory, but declaring its place.
    { name: 'rep-decl', node: null, region: 'r1', cluster: null },
  ],
  loadBalancers: [
    { name: 'lb1', runtime: { kind: 'ssh-unix', via: { name: 'a2' } }, backends: [{ name: 'chat', servers: ['rep-a1', 'srv-9'] }] },
    { name: 'lb2', runtime: { kind: 'tcp' }, backends: [{ name: 'chat2', servers: ['rep-z1'] }] },
  ],
};

export const SUBJECTS = ['a1', 'a2', 'b1', 'z1', 'rep-a1', 'rep-z1', 'rep-decl', 'lb1', 'lb2', 'lb1/chat/srv-9', 'drill-x', null] as const;
export const KINDS = ['node.health', 'node.xid', 'replica.health', 'lb.server.status', 'audit.change', 'audit.change.refused', 'auditor.note', 'drill.started'] as const;
const WORDS = ['alpha', 'bravo', 'charlie', 'charcoal', 'delta', 'echo'];
const SEVERITIES = ['info', 'info', 'warning', 'error'] as const;
export const IMPORTED = 'bundle:SHA256-test:0b6e6a8e-4f0e-4c59-9a57-6f3c5d1f9e21';

export interface TestEvent extends AppendEventInput {
  id: number;
  origin: string | null;
}

/** `n` events over `n / 3` seconds: ids follow insertion, ts jumps around (ties on every ts). */
export function testEvents(n: number): AppendEventInput[] {
  const out: AppendEventInput[] = [];
  for (let i = 0; i < n; i++) {
    const subject = SUBJECTS[(i * 7) % SUBJECTS.length];
    const words = [WORDS[i % WORDS.length], WORDS[(i * 5 + 1) % WORDS.length]];
    out.push({
      ts: T0 + ((i * 7919) % Math.ceil(n / 3)) * 1000,
      kind: KINDS[(i * 3) % KINDS.length],
      subject,
      severity: SEVERITIES[(i * 11) % SEVERITIES.length],
      message: `${subject ?? 'fleet'} ${words.join(' ')} #${i}`,
      origin: i % 17 === 0 ? IMPORTED : null,
    });
  }
  return out;
}

const tokens = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t !== '');

/** Whether `word` (a phrase of tokens, the last one a prefix when starred) occurs in the text. */
function phraseIn(text: string, word: string): boolean {
  const prefix = word.endsWith('*');
  const want = tokens(word.replace(/\*+$/, ''));
  if (want.length === 0) return false;
  const have = tokens(text);
  for (let i = 0; i + want.length <= have.length; i++) {
    if (want.every((w, j) => (prefix && j === want.length - 1 ? have[i + j].startsWith(w) : have[i + j] === w))) return true;
  }
  return false;
}

/** The events the filter gives, in `order`; `resolved` supplies what the test knows of regions and incidents. */
export function expected(events: readonly TestEvent[], filter: TimelineFilter, order: 'asc' | 'desc', resolved: { subjects?: ReadonlySet<string> } = {}): number[] {
  const kept = events.filter((e) => {
    if (filter.from !== undefined && e.ts < filter.from) return false;
    if (filter.to !== undefined && e.ts >= filter.to) return false;
    if (filter.subjects && (e.subject === null || !filter.subjects.includes(e.subject))) return false;
    if (resolved.subjects && (e.subject === null || !resolved.subjects.has(e.subject))) return false;
    if (filter.severities && !filter.severities.includes(e.severity)) return false;
    if (filter.kinds && !filter.kinds.some((k) => (k.endsWith('.') ? e.kind.startsWith(k) : e.kind === k))) return false;
    if (filter.origin !== undefined && e.origin !== filter.origin) return false;
    if (filter.text !== undefined) {
      const words = filter.text.split(/\s+/).filter((w) => w.replace(/\*+$/, '') !== '');
      if (!words.every((w) => [e.message, e.kind, e.subject ?? ''].some((col) => phraseIn(col, w)))) return false;
    }
    return true;
  });
  kept.sort((a, b) => a.ts - b.ts || a.id - b.id);
  if (order === 'desc') kept.reverse();
  return kept.map((e) => e.id);
}
