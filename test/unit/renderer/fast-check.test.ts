/**
 * The quick contract check the page uses before zod (renderer/src/api/fast-check.ts) never says
 * yes where zod would say no, or where zod's output would differ from the value: over every
 * pushed event and many method outputs, on valid values and on thousands of random mutations of
 * them; and on the schema features it handles itself or hands back to zod. parse.ts gives the
 * same results (values and errors) with it as zod alone did.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FleetSnapshot, methods, pushEvents, type PushEvent } from '../../../shared/contract';
import { shapeCheckers } from '../../../renderer/src/api/fast-check';
import { shapeTableBuilder } from '../../../shared/contract-shapes/describe';
import { parsePushEvent, resultFromCall } from '../../../renderer/src/api/parse';
import '../../../renderer/src/zod-jitless';
import { event, gpu, labServices, lbServer, loadBalancer, node, replica, service, snapshot } from './builders';
import { plan, runView } from './run-builders';

/** A small deterministic PRNG (mulberry32), so a failure names its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

const ODD_VALUES: unknown[] = [null, undefined, '', 'x', 'healthy', 'infinite', 0, -1, 1.5, 1e20, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], {}, [1], { a: 1 }, 'a'.repeat(300)];

/** Every container (object or array) in `v`, with a way to change it. */
function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (typeof v !== 'object' || v === null) return out;
  out.push(v as Record<string, unknown>);
  for (const child of Array.isArray(v) ? v : Object.values(v)) containers(child, out);
  return out;
}

/** One random change somewhere in a copy of `value`: a key dropped or added, a value of another type or range, an array grown or emptied. */
function mutate(value: unknown, random: () => number): unknown {
  const copy = clone(value);
  const all = containers(copy);
  if (all.length === 0) return ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  const target = all[Math.floor(random() * all.length)];
  const odd = () => clone(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)] ?? null) ?? ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  const r = random();
  if (Array.isArray(target)) {
    if (target.length === 0 || r < 0.2) target.push(r < 0.1 && target.length > 0 ? clone(target[0]) : odd());
    else if (r < 0.3) target.length = 0;
    else target[Math.floor(random() * target.length)] = odd();
    return copy;
  }
  const keys = Object.keys(target);
  if (r < 0.03) {
    // An own "__proto__" key, as JSON.parse makes one.
    Object.defineProperty(target, '__proto__', { value: odd(), enumerable: true, configurable: true, writable: true });
  } else if (r < 0.05) target['__proto__'] = odd(); // a prototype of its own
  else if (keys.length === 0 || r < 0.15) target.zz_extra = odd();
  else if (r < 0.35) delete target[keys[Math.floor(random() * keys.length)]];
  else target[keys[Math.floor(random() * keys.length)]] = odd();
  return copy;
}

/** Where two values first differ, for failure messages. */
function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (deepEqual(a, b)) return '';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${String(a)} vs ${String(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
    if (Object.prototype.hasOwnProperty.call(a, k) !== Object.prototype.hasOwnProperty.call(b, k)) return `${path}.${k}: present in one only`;
  }
  return `${path}: prototypes differ`;
}

/** Own enumerable keys and values, equal all the way down (what JSON or structured clone can hold). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The page's quick check of `schema`: its shape (as the build writes it, through JSON) compiled. */
function fastCheck(schema: z.ZodType): (value: unknown) => boolean {
  const builder = shapeTableBuilder();
  const id = builder.add(schema);
  const shapes = JSON.parse(JSON.stringify(builder.shapes)) as typeof builder.shapes;
  return shapeCheckers({ shapes, methods: {}, pushes: {}, error: id })(id);
}

/** A parse.ts result, sync or not, as a promise. */
const settle = <T>(f: () => T | Promise<T>): Promise<T> => Promise.resolve().then(f);

/** The property under test, for one schema and one value. */
function agrees(schema: z.ZodType, value: unknown): { fast: boolean; ok: boolean } {
  const fast = fastCheck(schema)(value);
  const parsed = schema.safeParse(value);
  if (fast && !parsed.success) throw new Error(`fast check accepted what zod refuses: ${JSON.stringify(parsed.error.issues[0])} in ${JSON.stringify(value)?.slice(0, 400)}`);
  if (fast && !deepEqual(parsed.data, value)) throw new Error(`fast check accepted a value zod changes: ${firstDifference(parsed.data, value)} in ${JSON.stringify(value)?.slice(0, 300)}`);
  return { fast, ok: parsed.success };
}

const NODE = node('usw2-inf-01', {
  region: 'us-west-2',
  health: 'unhealthy',
  reasons: ['GPU 0 lost'],
  gpus: [gpu(0, { health: 'unhealthy', reasons: ['fell off the bus'], clockEventReasons: ['hw_thermal_slowdown'] }), gpu(1)],
  xids: [{ code: 79, busId: '00000000:18:00.0', uptimeSeconds: 12.5, ageSeconds: 3, text: 'NVRM: Xid 79', meaning: 'fell off the bus', action: 'reset', severity: 'unhealthy' }],
  lastError: { code: 'HOST_UNREACHABLE', message: 'connect ECONNREFUSED', subject: 'usw2-inf-01' },
});

/** Valid values of the push events (one or more each). */
const PUSHES: Array<[keyof typeof pushEvents, unknown]> = [
  ['nodes.updated', { seq: 1, nodes: [NODE, node('b'), node('c', { health: 'unknown', since: null, lastProbeAt: null, driverVersion: null, gpus: [] })], changes: [] }],
  [
    'nodes.updated',
    {
      seq: 42,
      nodes: [],
      changes: [
        { name: 'a', set: { lastProbeAt: 1_700_000_003_000, lastProbeLatencyMs: 9.5 } },
        { name: 'b', set: { health: 'unhealthy', reasons: ['GPU 0 lost — drain'], lastError: null, gpus: [gpu(1)] } },
        { name: 'c', set: {}, gpus: [{ at: 0, set: { temperatureC: 88, powerW: null, clockEventReasons: ['hw_thermal_slowdown'] } }, { at: 3, set: { health: 'degraded' } }] },
      ],
    },
  ],
  ['event.appended', event(7, { data: { anything: [1, 'two', null] } })],
  ['event.appended', event(8)],
  ['replicas.updated', { replicas: [replica('r1'), replica('r2', { health: 'throttled', retryAfterSeconds: 30, throttledUntil: 1_700_000_030_000 })] }],
  ['loadBalancers.updated', { loadBalancers: [loadBalancer('lb1', { servers: [lbServer('llama', 'r1', { rate: 3, userWeight: 100 }), lbServer('llama', 'r2', { rate: null })] })] }],
  ['services.updated', { services: [service('llama'), service('mistral', { burnRate1h: 'infinite', burnRate24h: null, exhaustionHours: 0.5 })] }],
  ['labServices.changed', labServices()],
  ['labServices.changed', null],
  ['run.updated', runView('run-1')],
  ['lab.changed', { dir: '/tmp/lab', inventoryPath: '/tmp/lab/fleet.yaml', nodes: 6, faults: [{ node: 'a', kind: 'gpu-lost', gpuIndex: 0 }] }],
  ['hostKeys.changed', { pending: [{ node: 'a', host: '127.0.0.1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', knownHostsFile: '/k' }] }],
  ['inventory.changed', { topology: snapshot().topology, error: null }],
];

describe('fast contract check', () => {
  it('accepts every valid pushed event as it is, and so does zod', () => {
    for (const [name, payload] of PUSHES) {
      const schema = pushEvents[name];
      expect(schema.safeParse(payload).success, name).toBe(true);
      expect(agrees(schema, clone(payload)), name).toEqual({ fast: true, ok: true });
    }
    expect(agrees(FleetSnapshot, clone(snapshot({ nodes: [NODE, node('b')], replicas: [replica('r1')], loadBalancers: [loadBalancer('lb1')], services: [service('llama')], runs: [runView('x')] }))).fast).toBe(true);
  });

  it('never says yes where zod says no, or changes the value, over thousands of random mutations', () => {
    let fastYes = 0;
    let zodYes = 0;
    let total = 0;
    const cases: Array<[z.ZodType, unknown]> = [
      ...PUSHES.map(([name, payload]) => [pushEvents[name], payload] as [z.ZodType, unknown]),
      [FleetSnapshot, snapshot({ nodes: [NODE], replicas: [replica('r1')], loadBalancers: [loadBalancer('lb1')], services: [service('s')], runs: [runView('x')] })],
      [methods['runbooks.plan'].output, plan()],
    ];
    for (const [ci, [schema, value]] of cases.entries()) {
      const random = rng(1000 + ci);
      for (let i = 0; i < 400; i++) {
        // One to three changes at a time.
        let v = value;
        const n = 1 + Math.floor(random() * 3);
        for (let k = 0; k < n; k++) v = mutate(v, random);
        const r = agrees(schema, v);
        total++;
        if (r.fast) fastYes++;
        if (r.ok) zodYes++;
      }
    }
    // Not vacuous: mutations both pass and fail, and the fast check hands the doubtful ones to zod.
    expect(total).toBeGreaterThan(5000);
    expect(fastYes).toBeGreaterThan(total * 0.05);
    expect(zodYes - fastYes).toBeGreaterThan(0);
    expect(total - zodYes).toBeGreaterThan(total * 0.3);
  });

  it('handles numbers as zod 4 does: finite, safe integers, bounds', () => {
    const int = z.number().int().min(0).max(10);
    for (const v of [0, 10, 5]) expect(agrees(int, v)).toEqual({ fast: true, ok: true });
    for (const v of [-1, 11, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '1', null]) expect(agrees(int, v)).toEqual({ fast: false, ok: false });
    expect(agrees(z.number().positive(), 0).ok).toBe(false);
    expect(agrees(z.number().gt(1).lt(2), 1.5)).toEqual({ fast: true, ok: true });
    // A format schema is its own check (no `checks` entry): left to zod, never waved through.
    expect(agrees(z.int(), 1.5)).toEqual({ fast: false, ok: false });
    expect(agrees(z.int(), 2)).toEqual({ fast: false, ok: true });
    expect(agrees(z.email(), 'not an email')).toEqual({ fast: false, ok: false });
    expect(agrees(z.email(), 'ops@example.com').ok).toBe(true);
    expect(agrees(z.number().multipleOf(2), 3)).toEqual({ fast: false, ok: false });
  });

  it('strings: length and regex checks; other formats and transforms go to zod', () => {
    const name = z.string().min(1).max(5).regex(/^[a-z]+$/);
    expect(agrees(name, 'abc')).toEqual({ fast: true, ok: true });
    for (const v of ['', 'abcdef', 'ABC', 3]) expect(agrees(name, v)).toEqual({ fast: false, ok: false });
    // A global regex keeps state between tests in zod too; checked from its start each time.
    const g = z.string().regex(/a/g);
    expect([agrees(g, 'a').ok, agrees(g, 'a').ok, agrees(g, 'ba').fast]).toEqual([true, true, true]);
    // trim changes the value: zod's output would differ, so never "as it is" — zod judges every value.
    expect(agrees(z.string().trim(), ' a ')).toEqual({ fast: false, ok: true });
    expect(agrees(z.string().trim(), 'a')).toEqual({ fast: false, ok: true });
  });

  it('objects: missing, optional and unknown keys as zod treats them', () => {
    const strip = z.object({ a: z.string(), b: z.number().optional() });
    const strict = z.strictObject({ a: z.string() });
    const loose = z.looseObject({ a: z.string() });
    expect(agrees(strip, { a: 'x' })).toEqual({ fast: true, ok: true });
    expect(agrees(strip, { a: 'x', b: undefined })).toEqual({ fast: true, ok: true });
    expect(agrees(strip, { b: 1 })).toEqual({ fast: false, ok: false });
    // zod drops the unknown key: its output differs, so it is zod's to give.
    expect(agrees(strip, { a: 'x', c: 1 })).toEqual({ fast: false, ok: true });
    expect(agrees(strict, { a: 'x', c: 1 })).toEqual({ fast: false, ok: false });
    expect(agrees(loose, { a: 'x', c: 1 })).toEqual({ fast: true, ok: true });
    expect(agrees(strip, JSON.parse('{"a":"x","__proto__":{"polluted":true}}')).fast).toBe(false);
    expect(agrees(z.object({ d: z.unknown() }), {}).fast).toBe(false);
    // A field named like an Object.prototype member is read as the value's own, never inherited.
    expect(agrees(z.object({ constructor: z.unknown() }), {}).fast).toBe(false);
    expect(agrees(z.object({ toString: z.string().optional() }), {}).fast).toBe(false);
    expect(agrees(z.object({ constructor: z.string() }), { constructor: 'x' })).toEqual({ fast: true, ok: true });
    // Plain fields checked inline: null only where the schema allows it, finite numbers only.
    const plain = z.object({ s: z.string(), n: z.number().nullable(), b: z.boolean().optional() });
    expect(agrees(plain, { s: 'x', n: null })).toEqual({ fast: true, ok: true });
    for (const v of [{ s: null, n: 1 }, { s: 'x', n: Number.NaN }, { s: 'x', n: 1, b: null }, { s: 'x', n: '1' }]) expect(agrees(plain, v)).toEqual({ fast: false, ok: false });
    for (const v of [null, [], 'x', 1]) expect(agrees(strip, v)).toEqual({ fast: false, ok: false });
  });

  it('unions, discriminated unions, records and defaults', () => {
    const burn = z.union([z.number(), z.literal('infinite')]).nullable();
    for (const v of [1.5, 'infinite', null]) expect(agrees(burn, v)).toEqual({ fast: true, ok: true });
    for (const v of ['finite', Number.NaN, undefined]) expect(agrees(burn, v).fast).toBe(false);
    // Options that strip: the first one zod accepts may change the value; zod decides.
    const stripping = z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]);
    expect(agrees(stripping, { a: 'x', b: 'y' })).toEqual({ fast: false, ok: true });
    // …also where its output is the input after all.
    expect(agrees(stripping, { b: 'y' })).toEqual({ fast: false, ok: true });
    const du = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('a'), x: z.number() }), z.strictObject({ type: z.literal('b'), y: z.string() })]);
    expect(agrees(du, { type: 'a', x: 1 })).toEqual({ fast: true, ok: true });
    expect(agrees(du, { type: 'b', y: 'q' })).toEqual({ fast: true, ok: true });
    for (const v of [{ type: 'a', y: 'q' }, { type: 'c' }, { x: 1 }, null]) expect(agrees(du, v)).toEqual({ fast: false, ok: false });
    const rec = z.record(z.string(), z.number());
    expect(agrees(rec, { a: 1, b: 2 })).toEqual({ fast: true, ok: true });
    expect(agrees(rec, JSON.parse('{"__proto__": 1, "a": 2}')).fast).toBe(false);
    expect(agrees(z.string().default('d'), undefined)).toEqual({ fast: false, ok: true });
    expect(agrees(z.string().transform((s) => s.length), 'abc')).toEqual({ fast: false, ok: true });
    expect(agrees(z.array(z.number()).min(1), [])).toEqual({ fast: false, ok: false });
    expect(agrees(z.array(z.number()).max(2), [1, 2])).toEqual({ fast: true, ok: true });
  });

  it('handles a schema that contains itself', () => {
    interface Tree {
      name: string;
      children: Tree[];
    }
    const Tree: z.ZodType<Tree> = z.object({
      name: z.string(),
      get children() {
        return z.array(Tree);
      },
    });
    expect(agrees(Tree, { name: 'a', children: [{ name: 'b', children: [] }] })).toEqual({ fast: true, ok: true });
    expect(agrees(Tree, { name: 'a', children: [{ name: 1, children: [] }] })).toEqual({ fast: false, ok: false });
  });
});

describe('parse.ts with the fast check', () => {
  it('gives a valid push as it came, at once, and an invalid one the same PARSE_FAILED as before', async () => {
    const payload = clone({ seq: 3, nodes: [NODE], changes: [{ name: 'b', set: { health: 'degraded' }, gpus: [{ at: 1, set: { temperatureC: 90 } }] }] });
    // Not a promise: the quick check took it, zod was not needed.
    expect((parsePushEvent('nodes.updated', payload) as PushEvent).payload).toBe(payload);
    await expect(settle(() => parsePushEvent('nodes.updated', { seq: 3, nodes: [{ ...NODE, health: 'sideways' }], changes: [] }))).rejects.toThrow(
      /payload of nodes.updated does not match the contract: nodes\.0\.health/,
    );
    await expect(settle(() => parsePushEvent('nodes.updated', { seq: 3, nodes: [], changes: [{ name: 'b', set: {}, gpus: [{ at: 0, set: { temperatureC: 'hot' } }] }] }))).rejects.toThrow(
      /payload of nodes.updated does not match the contract: changes\.0\.gpus\.0\.set\.temperatureC/,
    );
    await expect(settle(() => parsePushEvent('nodes.updated', { seq: 0, nodes: [], changes: [] }))).rejects.toThrow(/nodes.updated does not match the contract: seq/);
    await expect(settle(() => parsePushEvent('nodes.updated', { nodes: [NODE] }))).rejects.toThrow(/nodes.updated does not match the contract: seq/);
    expect(() => parsePushEvent('nodes.sideways', {})).toThrow(/unknown pushed event "nodes.sideways"/);
    // A value zod changes (an unknown key stripped) comes out as zod gives it.
    const extra = clone({ seq: 3, nodes: [{ ...NODE, extra: 1 }], changes: [] });
    const parsed = await settle(() => parsePushEvent('nodes.updated', extra));
    expect(parsed.payload).not.toBe(extra);
    expect(parsed.payload).toEqual({ seq: 3, nodes: [NODE], changes: [] });
  });

  it('does the same for replies', async () => {
    const status = clone(NODE);
    expect(resultFromCall('node.get', { ok: true, result: status })).toBe(status);
    await expect(settle(() => resultFromCall('node.get', { ok: true, result: { ...status, gpus: 'none' } }))).rejects.toThrow(/reply to node.get does not match the contract: gpus/);
    expect(() => resultFromCall('node.get', { ok: false, error: { code: 'NOT_FOUND', message: 'no node x' } })).toThrow(/no node x/);
    await expect(settle(() => resultFromCall('node.get', { ok: 'yes' }))).rejects.toThrow(/reply to node.get is not a call result/);
  });
});
