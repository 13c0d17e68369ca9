import type { DrawerProps } from '../types';
import { ReplicaDetail } from './ReplicaDetail';

/** `#/replica/NAME` over whichever view is open: the replica's status comes from the snapshot. */
export function ReplicaDrawer({ name, snapshot }: DrawerProps) {
  const replica = snapshot.replicas.find((r) => r.name === name);
  return <ReplicaDetail name={name} replica={replica} loadBalancers={snapshot.loadBalancers} />;
}
