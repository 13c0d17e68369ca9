/**
 * The core's composition step (electron/core/feature.ts): one handler per contract method from
 * the features, refusals at start-up naming what is wrong, services started in order and stopped
 * in reverse, push sources connected and disconnected.
 */
import { describe, expect, it } from 'vitest';
import { methods, type MethodName } from '../../../shared/contract';
import { FleetError } from '../../../shared/errors';
import { composeFeatures, type BackgroundService, type CoreFeature, type FeatureDefinition, type Push } from '../../../electron/core/feature';
import type { Handlers } from '../../../electron/core/rpc/handlers';

const ALL = Object.keys(methods) as MethodName[];

/** A feature implementing `names`, each handler answering with the feature's name. */
function feature<M extends MethodName>(name: string, names: readonly M[], extra: Omit<Partial<CoreFeature>, 'name' | 'handlers'> = {}): CoreFeature<M> {
  const handlers = Object.fromEntries(names.map((m) => [m, async () => name])) as unknown as Pick<Handlers, M>;
  return { name, migrations: [], handlers, ...extra };
}

const registered = (...features: FeatureDefinition[]) => features.map(({ name, migrations }) => ({ name, migrations }));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('INTERNAL');
    return (err as FleetError).message;
  }
  throw new Error('expected a refusal at composition');
}

type Rest = Exclude<MethodName, 'lab.status' | 'lab.traffic'>;
const rest = () => feature<Rest>('rest', ALL.filter((m): m is Rest => m !== 'lab.status' && m !== 'lab.traffic'));

describe('composeFeatures: the handler table', () => {
  it('takes each contract method from the feature that implements it', async () => {
    const lab = feature('lab', ['lab.status', 'lab.traffic']);
    const others = rest();
    const composed = composeFeatures([others, lab], { registered: registered(others, lab) });
    expect(Object.keys(composed.handlers).sort()).toEqual([...ALL].sort());
    expect(composed.handlers['lab.status']).toBe(lab.handlers!['lab.status']);
    expect(await composed.handlers['lab.traffic']({ ratePerSecond: 1 })).toBe('lab');
    expect(await composed.handlers['fleet.snapshot']({})).toBe('rest');
  });

  it('refuses a method implemented twice, naming both features', () => {
    const lab = feature('lab', ['lab.status', 'lab.traffic']);
    const drills = feature('drills', ['lab.status']);
    const others = rest();
    expect(refusal(() => composeFeatures([others, lab, drills], { registered: registered(others, lab, drills) }))).toBe(
      'contract method "lab.status" is implemented twice: by feature "lab" and by feature "drills"',
    );
  });

  it('refuses a contract method nobody implements: at compile time, and at start-up', () => {
    const lab = feature('lab', ['lab.status']);
    const others = rest();
    // @ts-expect-error -- 'lab.traffic' has no handler: the options must name it, so this does not compile.
    const compose = () => composeFeatures([others, lab], { registered: registered(others, lab) });
    expect(refusal(compose)).toBe('no feature implements contract method "lab.traffic"');
  });

  it('refuses a handler for a method the contract does not have', () => {
    const lab = feature('lab', ['lab.status', 'lab.traffic']);
    const stray = { name: 'stray', migrations: [], handlers: { 'lab.teleport': async () => null } } as unknown as CoreFeature;
    const others = rest();
    expect(refusal(() => composeFeatures([others, lab, stray], { registered: registered(others, lab, stray) }))).toBe(
      'feature "stray" implements "lab.teleport", which is not a method of the contract (shared/contract.ts)',
    );
  });
});

describe('composeFeatures: built and registered features agree', () => {
  const lab = feature('lab', ['lab.status', 'lab.traffic']);
  const migration = { version: 8, name: 'drills', up: 'CREATE TABLE drills (x)' };

  it('refuses a feature built but not registered: its tables would not be in the store', () => {
    const drills = feature('drills', [], { migrations: [migration] });
    const others = rest();
    expect(refusal(() => composeFeatures([others, lab, drills], { registered: registered(others, lab) }))).toBe(
      'feature "drills" is built but not registered (fleet/builtin-features.ts): its migrations would not be in the store',
    );
  });

  it('refuses a feature registered but not built', () => {
    const others = rest();
    expect(refusal(() => composeFeatures([others, lab], { registered: [...registered(others, lab), { name: 'drills', migrations: [migration] }] }))).toBe(
      'feature "drills" is registered but not built: its contract methods and services would be missing',
    );
  });

  it('refuses a feature built with other migrations than it registered', () => {
    const drills = feature('drills', [], { migrations: [{ ...migration, up: 'CREATE TABLE drills (y)' }] });
    const others = rest();
    expect(refusal(() => composeFeatures([others, lab, drills], { registered: [...registered(others, lab), { name: 'drills', migrations: [migration] }] }))).toMatch(
      /^feature "drills" was built with other migrations/,
    );
  });

  it('refuses two features of one name', () => {
    const others = rest();
    const twin = feature('lab', []);
    expect(refusal(() => composeFeatures([others, lab, twin], { registered: registered(others, lab) }))).toBe('two features are named "lab": feature names must be unique');
  });
});

describe('composeFeatures: services and push sources', () => {
  /** A service that logs its start and stop. */
  const service = (name: string, log: string[], opts: { start?: () => Promise<void>; stopError?: Error } = {}): BackgroundService => ({
    name,
    start: () => {
      log.push(`start ${name}`);
      return opts.start?.();
    },
    stop: () => {
      log.push(`stop ${name}`);
      if (opts.stopError) throw opts.stopError;
    },
  });

  it('starts services in the order of the features, each awaited, and stops them in reverse', async () => {
    const log: string[] = [];
    let release!: () => void;
    const first = feature('lab', ['lab.status', 'lab.traffic'], { services: [service('a', log, { start: () => new Promise<void>((r) => (release = r)) }), service('b', log)] });
    const second = rest();
    const third = feature('third', [], { services: [service('c', log)] });
    const composed = composeFeatures([first, second, third], { registered: registered(first, second, third) });
    const started = composed.start();
    await Promise.resolve();
    expect(log).toEqual(['start a']);
    release();
    await started;
    expect(log).toEqual(['start a', 'start b', 'start c']);
    await composed.stop();
    expect(log.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('stops every service even when one fails, then throws the first failure', async () => {
    const log: string[] = [];
    const boom = new Error('c would not stop');
    const lab = feature('lab', ['lab.status', 'lab.traffic'], { services: [service('a', log, { stopError: new Error('a would not stop either') }), service('b', log)] });
    const others = rest();
    const last = feature('last', [], { services: [service('c', log, { stopError: boom })] });
    const composed = composeFeatures([lab, others, last], { registered: registered(lab, others, last) });
    await expect(composed.stop()).rejects.toBe(boom);
    expect(log).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('connects push sources when told, and disconnects them before any service stops', async () => {
    const log: string[] = [];
    const pushed: unknown[] = [];
    let emitLab: ((n: number) => void) | null = null;
    const lab = feature('lab', ['lab.status', 'lab.traffic'], {
      services: [service('a', log)],
      pushes: [
        (push) => {
          emitLab = (n) => push('lab.changed', { nodes: n } as never);
          return () => {
            log.push('disconnect lab');
            emitLab = null;
          };
        },
      ],
    });
    const others = rest();
    const composed = composeFeatures([lab, others], { registered: registered(lab, others) });
    expect(emitLab).toBeNull();
    const push: Push = (event, payload) => pushed.push({ event, payload });
    composed.connect(push);
    emitLab!(3);
    expect(pushed).toEqual([{ event: 'lab.changed', payload: { nodes: 3 } }]);
    await composed.stop();
    expect(log).toEqual(['disconnect lab', 'stop a']);
    expect(emitLab).toBeNull();
  });
});
