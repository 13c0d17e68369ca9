import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { activeTransport } from '../api/client';
import type { ProblemLog } from '../api/problem-log';
import { fleetQueries } from '../api/queries/fleet';
import { useRoute } from '../hooks';
import { ConnectionBanner } from './ConnectionBanner';
import { ErrorNote } from './ErrorNote';
import { EventsPanel } from './EventsPanel';
import { HostKeyDialog } from './HostKeyDialog';
import { InventoryErrorBanner } from './InventoryErrorBanner';
import { LabPanel } from './LabPanel';
import { LabServicesPanel } from './LabServicesPanel';
import { LoadBalancersPanel } from './LoadBalancersPanel';
import { NodeDetail } from './NodeDetail';
import { PassphraseDialog } from './PassphraseDialog';
import { ProblemBanner } from './ProblemBanner';
import { ReplicaDetail } from './ReplicaDetail';
import { ReadOnlyBanner, ReadOnlyToggle } from './ReadOnlyToggle';
import { ReplicasPanel } from './ReplicasPanel';
import { RunbooksPanel } from './RunbooksPanel';
import { ServicesPanel } from './ServicesPanel';
import { SummaryBar } from './SummaryBar';
import { Topology } from './Topology';

const NONE: never[] = [];

export function App({ problems }: { problems: ProblemLog }) {
  const snapshot = useQuery(fleetQueries.snapshot());
  const route = useRoute();
  const selectedNode = route.view === 'node' ? route.name : null;
  const selectedReplica = route.view === 'replica' ? route.name : null;
  const data = snapshot.data;
  const nodeNames = useMemo(() => (data ? data.nodes.map((n) => n.name).sort() : []), [data]);
  const replicaNames = useMemo(() => (data ? data.replicas.map((r) => r.name) : []), [data]);
  const replica = useMemo(
    () => (selectedReplica === null ? undefined : data?.replicas.find((r) => r.name === selectedReplica)),
    [data, selectedReplica],
  );

  return (
    <div className="app">
      <ConnectionBanner />
      <ProblemBanner log={problems} />
      <SummaryBar nodes={data?.nodes ?? NONE} replicas={data?.replicas ?? NONE} services={data?.services ?? NONE} kind={activeTransport().kind}>
        {data ? <ReadOnlyToggle readOnly={data.readOnly} /> : null}
      </SummaryBar>
      {data ? <ReadOnlyBanner readOnly={data.readOnly} /> : null}
      {snapshot.error ? <ErrorNote error={snapshot.error} context="fleet.snapshot" /> : null}
      {data ? (
        <>
          <InventoryErrorBanner snapshot={data} />
          <HostKeyDialog pending={data.pendingHostKeys} />
          <PassphraseDialog nodes={data.nodes} kind={activeTransport().kind} />
          <main className="layout">
            <div className="main-column">
              <ServicesPanel services={data.services} />
              <LoadBalancersPanel loadBalancers={data.loadBalancers} replicas={data.replicas} labServices={data.labServices} />
              <ReplicasPanel replicas={data.replicas} selected={selectedReplica} />
              <RunbooksPanel snapshot={data} />
              <Topology snapshot={data} selected={selectedNode} />
            </div>
            <div className="side">
              {data.lab ? <LabPanel lab={data.lab} nodeNames={nodeNames} /> : null}
              {data.labServices ? <LabServicesPanel info={data.labServices} /> : null}
              <EventsPanel nodes={nodeNames} replicas={replicaNames} />
            </div>
          </main>
        </>
      ) : snapshot.isPending ? (
        <p className="empty loading">Loading the fleet…</p>
      ) : null}
      {selectedNode !== null ? <NodeDetail key={selectedNode} name={selectedNode} /> : null}
      {selectedReplica !== null && data ? (
        <ReplicaDetail key={selectedReplica} name={selectedReplica} replica={replica} loadBalancers={data.loadBalancers} />
      ) : null}
    </div>
  );
}
