/**
 * How a feature plugs into the engine (DESIGN.md, "A feature registers itself"): it brings its
 * store migrations, the contract methods it implements, its background services and its push
 * sources, and hands them to the core at start-up. The core composes them; a feature never
 * receives the core itself, only the narrow interfaces it uses (an audit sink, a health view,
 * a runtime factory, the lock service, the change gate...), declared by its own factory.
 *
 * Recipe for the next feature (drills, incidents, capacity, training), e.g. drills:
 *
 * 1. Tables: a migration file beside the code that uses them exports a `Migration` (the type
 *    from `store/migrate.ts`, never from a list of migrations), with the next free version:
 *    `drills/schedule/schedule-migration.ts` exports `DRILL_SCHEDULE_MIGRATION` (version 8).
 *    Shipped migrations are never edited or renumbered (store/migrate.ts).
 * 2. The feature: `drills/drills-feature.ts` exports its definition,
 *    `DRILLS: FeatureDefinition = { name: 'drills', migrations: [DRILL_SCHEDULE_MIGRATION] }`, and
 *    a factory `drillsFeature(needs: DrillsNeeds): CoreFeature<'drills.list' | ...>` returning
 *    `{ ...DRILLS, handlers, services, pushes }`. `DrillsNeeds` names only what it uses (e.g.
 *    `gate: ChangeGate`, `audit: AuditLog`, `health: (node: string) => Health | undefined`,
 *    `push: Push`, `now`); a scheduler is a `BackgroundService` (start/stop), something outside
 *    the core it listens to is a `PushSource`.
 * 3. Register it: add `DRILLS` to BUILTIN_FEATURES in fleet/builtin-features.ts. That puts its
 *    migrations in the data directory's schema (`fleetMigrations()`, also used by the CLI when
 *    it opens the store without a core); a version another feature took, or a gap, fails at
 *    start-up naming both.
 * 4. Build it: in FleetCore's constructor (fleet/core.ts) add `drillsFeature({...})` to the list
 *    handed to `composeFeatures`, passing the narrow interfaces. New contract methods in
 *    shared/contract.ts fail to compile until a feature in that list implements them; a method
 *    implemented by two features, or a feature built but not registered (or registered but not
 *    built), fails at start-up. Services start in the list's order and stop in reverse.
 */
import { methods, type MethodName, type PushEventName, type PushEventPayload } from '../../shared/contract';
import { FleetError } from '../../shared/errors';
import type { Handlers } from './rpc/handlers';
import type { Migration, MigrationSource } from './store/migrate';

/** What is known of a feature before it is built: the store is opened (and migrated) first. */
export interface FeatureDefinition extends MigrationSource {
  readonly name: string;
  /** Its store migrations, numbered in the data directory's one sequence (store/migrate.ts). */
  readonly migrations: readonly Migration[];
}

/** Tells every client something changed (the core's event bus). */
export type Push = <E extends PushEventName>(event: E, payload: PushEventPayload<E>) => void;

/** Work a feature does on its own: started when the core starts, stopped (in reverse order) when it stops. */
export interface BackgroundService {
  readonly name: string;
  start(): void | Promise<void>;
  /** Must be safe when start() never ran: a core may be stopped without having been started. */
  stop(): void | Promise<void>;
}

/**
 * Something outside the core whose changes a feature forwards (a lab's faults as pushes, its
 * traffic into the availability figures). Connected when the core is built, so nothing that
 * happens before start() is missed; disconnected first when it stops. Returns the disconnect.
 */
export type PushSource = (push: Push) => () => void;

/** A feature as built, handed to the core: `M` are the contract methods it implements. */
export interface CoreFeature<M extends MethodName = never> extends FeatureDefinition {
  readonly handlers?: Pick<Handlers, M>;
  readonly services?: readonly BackgroundService[];
  readonly pushes?: readonly PushSource[];
}

/** The contract methods a (union of) feature(s) implements. */
type MethodsOf<F> = F extends { readonly handlers?: infer H } ? Extract<keyof NonNullable<H>, MethodName> : never;

/**
 * Compile-time half of "every contract method has a handler": when a method is left out, the
 * options object must carry a property naming it, which the caller cannot write — so the call
 * fails to compile with the missing methods in the message.
 */
type EveryMethodHandled<F> = [Exclude<MethodName, MethodsOf<F>>] extends [never] ? unknown : { unhandledContractMethods: Exclude<MethodName, MethodsOf<F>> };

export interface ComposeOptions {
  /** The features registered for the data directory's schema (fleet/builtin-features.ts). */
  registered: readonly FeatureDefinition[];
}

export interface ComposedFeatures {
  /** One handler per contract method, each from the feature that implements it. */
  readonly handlers: Handlers;
  /** Connects every feature's push sources (once, when the core is built). */
  connect(push: Push): void;
  /** Starts every feature's services, in the order the features were given, each awaited. */
  start(): Promise<void>;
  /** Disconnects the push sources, then stops every service in reverse order; all are stopped even if one fails (the first error is thrown after). */
  stop(): Promise<void>;
}

/**
 * The composition step of the core. Refuses (FleetError INTERNAL, at start-up) two features of
 * one name, a contract method implemented twice (naming both features) or by none, a handler
 * for a method the contract does not have, and built features that disagree with the
 * registered ones — whose migrations are the ones the store was opened with.
 */
export function composeFeatures<const F extends readonly CoreFeature[]>(
  features: F,
  opts: ComposeOptions & EveryMethodHandled<F[number]>,
): ComposedFeatures {
  checkRegistered(features, opts.registered);
  const handlers = composeHandlers(features);
  const services = features.flatMap((f) => f.services ?? []);
  const disconnects: (() => void)[] = [];
  return {
    handlers,
    connect(push) {
      for (const f of features) for (const source of f.pushes ?? []) disconnects.push(source(push));
    },
    async start() {
      for (const s of services) await s.start();
    },
    async stop() {
      let first: unknown = null;
      const attempt = async (fn: () => unknown) => {
        try {
          await fn();
        } catch (err) {
          first ??= err;
        }
      };
      // Synchronously, before the first await: nothing from outside reaches a stopping core.
      for (const off of disconnects.splice(0)) {
        try {
          off();
        } catch (err) {
          first ??= err;
        }
      }
      for (const s of [...services].reverse()) await attempt(() => s.stop());
      if (first !== null) throw first;
    },
  };
}

function composeHandlers(features: readonly CoreFeature[]): Handlers {
  const table = new Map<string, { feature: string; handler: unknown }>();
  for (const f of features) {
    for (const [method, handler] of Object.entries(f.handlers ?? {})) {
      if (!Object.hasOwn(methods, method)) {
        throw new FleetError('INTERNAL', `feature "${f.name}" implements "${method}", which is not a method of the contract (shared/contract.ts)`);
      }
      const taken = table.get(method);
      if (taken) {
        throw new FleetError('INTERNAL', `contract method "${method}" is implemented twice: by feature "${taken.feature}" and by feature "${f.name}"`, {
          detail: { method, features: [taken.feature, f.name] },
        });
      }
      table.set(method, { feature: f.name, handler });
    }
  }
  const missing = Object.keys(methods).filter((m) => !table.has(m));
  if (missing.length > 0) {
    throw new FleetError('INTERNAL', `no feature implements contract method${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`, { detail: { missing } });
  }
  return Object.fromEntries([...table].map(([method, { handler }]) => [method, handler])) as Handlers;
}

/**
 * Built and registered must be the same features with the same migrations: a feature built but
 * not registered would run on tables the store never created; one registered but not built
 * would leave its contract methods and services out.
 */
function checkRegistered(built: readonly FeatureDefinition[], registered: readonly FeatureDefinition[]): void {
  const byName = new Map<string, FeatureDefinition>();
  for (const f of built) {
    if (byName.has(f.name)) throw new FleetError('INTERNAL', `two features are named "${f.name}": feature names must be unique`);
    byName.set(f.name, f);
  }
  const registeredNames = new Set(registered.map((r) => r.name));
  for (const f of built) {
    if (!registeredNames.has(f.name)) {
      throw new FleetError('INTERNAL', `feature "${f.name}" is built but not registered (fleet/builtin-features.ts): its migrations would not be in the store`);
    }
  }
  for (const r of registered) {
    const f = byName.get(r.name);
    if (!f) throw new FleetError('INTERNAL', `feature "${r.name}" is registered but not built: its contract methods and services would be missing`);
    if (!sameMigrations(f.migrations, r.migrations)) {
      throw new FleetError('INTERNAL', `feature "${r.name}" was built with other migrations (${describe(f.migrations)}) than it registered (${describe(r.migrations)}): versions, names or SQL differ`);
    }
  }
}

function sameMigrations(a: readonly Migration[], b: readonly Migration[]): boolean {
  return a.length === b.length && a.every((m, i) => m.version === b[i].version && m.name === b[i].name && m.up === b[i].up);
}

const describe = (migrations: readonly Migration[]) => migrations.map((m) => `${m.version} "${m.name}"`).join(', ') || 'none';
