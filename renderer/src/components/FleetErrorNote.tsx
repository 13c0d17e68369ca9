import type { FleetErrorData } from '../../../shared/errors';
import { FleetApiError } from '../api/errors';
import { ErrorNote } from './ErrorNote';

/** An error the engine reported as data inside a status (a load balancer's last poll), shown like a failed call. */
export function FleetErrorNote({ error, context }: { error: FleetErrorData; context?: string }) {
  return <ErrorNote error={FleetApiError.fromData(error)} context={context} />;
}
