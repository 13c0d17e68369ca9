import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { FleetApiError } from './errors';
import type { Transport } from './transport';

/**
 * The transport the page runs on, installed once at startup (start.tsx) before anything renders.
 * Query and mutation factories reach it through `call`, like Actual Budget's `send`, so that a
 * factory such as `fleetQueries.snapshot()` needs no arguments and owns its key alone.
 */
let active: Transport | null = null;

export function installTransport(transport: Transport): () => void {
  active = transport;
  return () => {
    if (active === transport) active = null;
  };
}

export function activeTransport(): Transport {
  if (!active) throw new FleetApiError('INTERNAL', 'no transport installed: installTransport must run before the first call');
  return active;
}

export function call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  return activeTransport().call(method, params);
}
