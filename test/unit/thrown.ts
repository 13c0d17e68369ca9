import { FleetError } from '../../shared/errors';

/** The FleetError `fn` throws; anything else it throws is rethrown, and not throwing fails the test. */
export function thrownFleetError(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected a FleetError');
}
