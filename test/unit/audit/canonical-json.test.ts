import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { canonicalJson, isCanonicalJson } from '../../../electron/core/audit/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 prescribes', () => {
    // "\u20ac" (euro) is one unit 0x20AC; "\ud83d\ude00" (emoji) starts with 0xD83D; "Z" < "a".
    expect(canonicalJson({ '\u20ac': 1, '\ud83d\ude00': 2, a: 3, Z: 4 })).toBe('{"Z":4,"a":3,"€":1,"😀":2}');
  });

  it('writes numbers and strings the way RFC 8785 does', () => {
    expect(canonicalJson([1e21, 1.5, -0, 0.000001, 1e-7, 'a"b\\c\n\u0001'])).toBe('[1e+21,1.5,0,0.000001,1e-7,"a\\"b\\\\c\\n\\u0001"]');
  });

  it('leaves out undefined properties, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it.each([
    ['NaN', { x: Number.NaN }, /at \$\.x: NaN is not a JSON number/],
    ['Infinity', [Infinity], /at \$\[0\]: Infinity is not a JSON number/],
    ['bigint', { n: 1n }, /at \$\.n: a bigint is not JSON/],
    ['function', { f: () => 1 }, /a function is not JSON/],
    ['undefined array item', [1, undefined], /at \$\[1\]: undefined is not JSON/],
    ['Date', { at: new Date(0) }, /at \$\.at: a Date object is not plain JSON/],
    ['Map', new Map(), /a Map object is not plain JSON/],
    ['top-level undefined', undefined, /undefined is not JSON/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(FleetError);
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses cycles but accepts the same object twice side by side', () => {
    const shared = { k: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"k":1},{"k":1}]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/at \$\.self: the value contains a cycle/);
  });
});

describe('isCanonicalJson', () => {
  it('accepts what canonicalJson writes', () => {
    expect(isCanonicalJson(canonicalJson({ b: [1, 'x'], a: null }))).toBe(true);
  });

  it.each([
    ['whitespace', '{"a": 1}'],
    ['unsorted keys', '{"b":1,"a":2}'],
    ['duplicate keys', '{"a":1,"a":1}'],
    ['a different number spelling', '[1.0]'],
    ['an unneeded escape', '["\\u0041"]'],
    ['not JSON at all', '{a:1}'],
    ['an integer JavaScript cannot hold exactly', '[9007199254740993]'],
  ])('rejects %s', (_name, text) => {
    expect(isCanonicalJson(text)).toBe(false);
  });
});
