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
import { NodeDetail } from './NodeDetail';
import { PassphraseDialog } from './PassphraseDialog';
import { ProblemBanner } from './ProblemBanner';
import { SummaryBar } from './SummaryBar';
import { Topology } from './Topology';

export function App({ problems }: { problems: ProblemLog }) {
  const snapshot = useQuery(fleetQueries.snapshot());
  const route = useRoute();
  const selected = route.view === 'node' ? route.name : null;
  const data = snapshot.data;
  const nodeNames = useMemo(() => (data ? data.nodes.map((n) => n.name).sort() : []), [data]);

  return (
    <div className="app">
      <ConnectionBanner />
      <ProblemBanner log={problems} />
      <SummaryBar nodes={data?.nodes ?? []} kind={activeTransport().kind} />
      {snapshot.error ? <ErrorNote error={snapshot.error} context="fleet.snapshot" /> : null}
      {data ? (
        <>
          <InventoryErrorBanner snapshot={data} />
          <HostKeyDialog pending={data.pendingHostKeys} />
          <PassphraseDialog nodes={data.nodes} kind={activeTransport().kind} />
          <main className="layout">
            <Topology snapshot={data} selected={selected} />
            <div className="side">
              {data.lab ? <LabPanel lab={data.lab} nodeNames={nodeNames} /> : null}
              <EventsPanel />
            </div>
          </main>
        </>
      ) : snapshot.isPending ? (
        <p className="empty loading">Loading the fleet…</p>
      ) : null}
      {selected !== null ? <NodeDetail key={selected} name={selected} /> : null}
    </div>
  );
}
