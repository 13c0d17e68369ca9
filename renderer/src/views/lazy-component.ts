import { lazy, type ComponentType } from 'react';

/**
 * A view's (or a drawer's) component from a chunk of its own, loaded when it is first drawn
 * (App.tsx draws it inside a Suspense). The landing view and the topology stay in the console's
 * chunk: they are what a console opens on. The others, and the drawers, would otherwise be
 * evaluated on every start, with the contract modules they use — which build their zod schemas
 * as they load (api/parse.ts says why the first render avoids that).
 */
export function lazyComponent<P>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  return lazy(async () => ({ default: await load() }));
}
