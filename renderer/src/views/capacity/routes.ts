import type { CapacityMember, SpareNode } from '../../../../shared/capacity';
import { subjectHref } from '../../model/route';
import { runbookLinkHref } from '../runbooks/runbook-link';
import { subjectAnchorId } from '../services/subject-anchor';
import { promoteTarget } from './capacity-model';

/**
 * A service's section of the Capacity view: `#/capacity-service/NAME` (a subject kind of its
 * own — `#/service/NAME` is the Services view's card).
 */
export const CAPACITY_SUBJECT = 'capacity-service';

export const capacityServiceHref = (service: string): string => subjectHref({ kind: CAPACITY_SUBJECT, name: service });

/** The DOM id of a service's section, where `#/capacity-service/NAME` scrolls to. */
export const capacityAnchorId = (service: string): string => subjectAnchorId(CAPACITY_SUBJECT, service);

/**
 * "Promote": replace-replica on the Runbooks view with this spare chosen, and as target the
 * backend's failed member (else its first active one), all in the form for the operator to
 * change, preview and confirm.
 */
export function promoteReplicaHref(members: readonly Pick<CapacityMember, 'replica' | 'state'>[], spare: string): string {
  const target = promoteTarget(members);
  return runbookLinkHref('replace-replica', { ...(target === null ? {} : { target }), params: { spare } });
}

/**
 * "Promote": promote-spare-node on the spare node. Its `reason` is the drain reason the node goes
 * back to if the run is rolled back — a spare again, so it says so (the runbook's own default
 * words, with the cluster), for the operator to edit.
 */
export const promoteNodeHref = (n: Pick<SpareNode, 'node' | 'cluster'>): string =>
  runbookLinkHref('promote-spare-node', { target: n.node, params: { reason: `fleetops spare of ${n.cluster}` } });
