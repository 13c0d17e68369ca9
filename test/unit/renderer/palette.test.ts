import { describe, expect, it } from 'vitest';
import { itemScore, queryTerms, rankPalette, termScore, type PaletteItem } from '../../../renderer/src/model/palette';

const node = (label: string, detail = 'healthy · us-west-2 / usw2-inference'): PaletteItem => ({ kind: 'node', label, detail, href: `#/node/${label}` });
const replica = (label: string): PaletteItem => ({ kind: 'replica', label, detail: 'healthy', href: `#/replica/${label}` });
const view = (label: string): PaletteItem => ({ kind: 'view', label, href: `#/${label.toLowerCase()}` });

const labels = (items: readonly PaletteItem[], query: string, limit = 50) => rankPalette(items, query, limit).map((r) => r.item.label);

describe('termScore', () => {
  it('ranks exact > prefix > start of a word > substring > letters in order, and 0 for no match', () => {
    const exact = termScore('gpu-1', 'gpu-1');
    const prefix = termScore('gpu', 'gpu-1');
    const word = termScore('inf', 'usw2-inf-01');
    const inside = termScore('nf', 'usw2-inf-01');
    const fuzzy = termScore('uwi', 'usw2-inf-01');
    expect(exact).toBeGreaterThan(prefix);
    expect(prefix).toBeGreaterThan(word);
    expect(word).toBeGreaterThan(inside);
    expect(inside).toBeGreaterThan(fuzzy);
    expect(fuzzy).toBeGreaterThan(0);
    expect(termScore('zz', 'usw2-inf-01')).toBe(0);
  });

  it('is case-insensitive on the text (terms come lowercased from queryTerms)', () => {
    expect(termScore('llama', 'Llama-3')).toBe(termScore('llama', 'llama-3'));
    expect(queryTerms('  USW2   Inf ')).toEqual(['usw2', 'inf']);
  });

  it('prefers the tighter and earlier of two matches of the same kind', () => {
    expect(termScore('gpu', 'gpu-1')).toBeGreaterThan(termScore('gpu', 'gpu-1-long-name'));
    expect(termScore('inf', 'a-inf')).toBeGreaterThan(termScore('inf', 'aaaaaa-inf'));
    expect(termScore('ui', 'usw2-inf')).toBeGreaterThan(termScore('ui', 'u-------i'));
  });

  it('gives up on letters spread across a long name: that is not what anyone typed for', () => {
    expect(termScore('uo', 'usw2-inference-training-pool-o')).toBe(0);
  });
});

describe('itemScore', () => {
  it('needs every term to match the label, the kind or the detail', () => {
    const r = replica('usw2-inf-01-llm');
    expect(itemScore(r, ['replica', 'usw2'])).toBeGreaterThan(0);
    expect(itemScore(node('usw2-inf-01'), ['replica', 'usw2'])).toBe(0);
    expect(itemScore(node('usw2-inf-01'), ['west'])).toBeGreaterThan(0);
    expect(itemScore(node('usw2-inf-01'), ['west'])).toBeLessThan(itemScore(node('usw2-inf-01'), ['usw2']));
  });
});

describe('rankPalette', () => {
  const items = [
    view('Overview'),
    view('Topology'),
    node('usw2-inf-01'),
    node('usw2-inf-02'),
    node('usw2-inf-10'),
    node('use1-inf-01'),
    node('use1-trn-01'),
    replica('usw2-inf-01-llm'),
    replica('use1-inf-01-llm'),
    { kind: 'node', label: 'usw2-inf-02', detail: 'unhealthy · GPU 0 is lost', href: '#/node/usw2-inf-02', suggested: true },
  ];

  it('puts the exact name first, then names it starts, then the rest, shorter before longer', () => {
    expect(labels(items, 'usw2-inf-01')).toEqual(['usw2-inf-01', 'usw2-inf-01-llm']);
    expect(labels(items, 'use1')).toEqual(['use1-inf-01', 'use1-trn-01', 'use1-inf-01-llm']);
  });

  it('orders equal matches by name, numbers as numbers (02 before 10)', () => {
    expect(labels(items, 'usw2-inf-')).toEqual(['usw2-inf-01', 'usw2-inf-02', 'usw2-inf-10', 'usw2-inf-01-llm']);
  });

  it('finds by a word inside a name, and by letters in order when nothing better matches', () => {
    expect(labels(items, 'trn')).toEqual(['use1-trn-01']);
    expect(labels(items, 'topo')[0]).toBe('Topology');
    expect(labels(items, 'ovrv')).toEqual(['Overview']);
  });

  it('narrows with more terms, across label and kind', () => {
    expect(labels(items, 'replica use1')).toEqual(['use1-inf-01-llm']);
  });

  it('before anything is typed: the suggestions (what needs attention) in their own order, then the views', () => {
    const ranked = rankPalette(items, '   ', 50);
    expect(ranked.map((r) => [r.item.kind, r.item.label, Boolean(r.item.suggested)])).toEqual([
      ['node', 'usw2-inf-02', true],
      ['view', 'Overview', false],
      ['view', 'Topology', false],
    ]);
  });

  it('lists one row per link (a suggestion does not appear twice once typed for), at most `limit`', () => {
    expect(labels(items, 'usw2-inf-02')).toEqual(['usw2-inf-02']);
    expect(labels(items, 'u', 3)).toHaveLength(3);
  });

  it('finds nothing for a name that is not there', () => {
    expect(rankPalette(items, 'zzz', 50)).toEqual([]);
  });

  it('ranks a thousand nodes quickly enough to run on every keystroke', () => {
    const many = Array.from({ length: 1000 }, (_, i) => node(`node-${String(i).padStart(4, '0')}`));
    const started = performance.now();
    for (const q of ['n', 'no', 'node-0', 'node-09', 'node-099', '099']) rankPalette(many, q, 50);
    expect((performance.now() - started) / 6).toBeLessThan(20);
    expect(labels(many, 'node-0999')).toEqual(['node-0999']);
    expect(labels(many, '0999')).toEqual(['node-0999']);
  });
});
