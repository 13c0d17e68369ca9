/** A runbook for tests that need a run to stay in flight: shared by the crash and ownership tests. */

/**
 * Reliably stays in the middle: step 3 waits for a server to come UP that step 1 put in
 * maintenance, so it can only end by its (long) timeout. Both changes have an undo; the weight to
 * restore is a parameter, so the test passes the weight the server really had.
 */
export const HOLD_RUNBOOK = `name: hold-in-maintenance
description: Puts a replica in maintenance, changes its weight, then waits for it to come up (it cannot).
target: replica
params:
  weight: { pattern: "[0-9]{1,3}", description: "weight while held" }
  restoreWeight: { pattern: "[0-9]{1,3}", description: "weight its undo restores" }
onFailure: rollback
steps:
  - title: Put the replica in maintenance
    lb.set-state: { server: "{target}", state: maint }
    undo: { lb.set-state: { server: "{target}", state: ready } }
  - title: Change its weight
    lb.set-weight: { server: "{target}", weight: "{weight}" }
    undo: { lb.set-weight: { server: "{target}", weight: "{restoreWeight}" } }
  - title: Wait for it to come up
    lb.wait: { server: "{target}", until: up, timeoutSeconds: 600 }
`;

