import { useQuery } from '@tanstack/react-query';
import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { activeTransport } from '../api/client';
import { loadZodParse } from '../api/parse';
import type { ProblemLog } from '../api/problem-log';
import { fleetQueries } from '../api/queries/fleet';
import { useAfterFirstRender } from '../hooks';
import { updateFleetNames, type FleetNamesCache } from '../model/fleet-names';
import { parseSidebar, SIDEBAR_KEY, type SidebarState } from '../model/preferences';
import { useNavigation, useScreen } from '../navigation-context';
import { useLocalPreference } from '../preferences';
import { NotificationSwitch } from '../notifications/NotificationSwitch';
import { useGlobalShortcuts } from '../shortcuts';
import { subjectDefinition, viewById, VIEWS } from '../views';
import { lazyComponent } from '../views/lazy-component';
import { CommandPalette } from './CommandPalette';
import { ConnectionBanner } from './ConnectionBanner';
import { ErrorNote } from './ErrorNote';
import { HostKeyDialog } from './HostKeyDialog';
import { InventoryErrorBanner } from './InventoryErrorBanner';
import { LabPanel } from './LabPanel';
import { LabServicesPanel } from './LabServicesPanel';
import { PassphraseDialog } from './PassphraseDialog';
import { ProblemBanner } from './ProblemBanner';
import { ReadOnlyBanner, ReadOnlyToggle } from './ReadOnlyToggle';
import { Sidebar } from './Sidebar';
import { SummaryBar } from './SummaryBar';
import { ThemeSwitch } from './ThemeSwitch';

const NONE: never[] = [];
/** The palette's key as the keyboard says it: ⌘ on a Mac, Ctrl elsewhere (both work everywhere). */
const PALETTE_KEY = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘ K' : 'Ctrl K';
const serializeSidebar = (s: SidebarState) => s;
/**
 * Drawn a task after the view (useAfterFirstRender), from a chunk of its own: its event rows
 * read LB changes with the contract's zod schema, which the first render does not load (api/parse.ts).
 */
const EventsPanel = lazyComponent(() => import('./EventsPanel').then((m) => m.EventsPanel));

/**
 * The console's frame: banners and the summary on top, the sidebar of views on the left, the
 * view the route names in the middle, the lab and recent events on the right; a subject's
 * drawer over it all, and the command palette over that.
 */
export function App({ problems }: { problems: ProblemLog }) {
  const snapshot = useQuery(fleetQueries.snapshot());
  const screen = useScreen();
  const navigation = useNavigation();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [sidebar, setSidebar] = useLocalPreference(SIDEBAR_KEY, parseSidebar, serializeSidebar);
  const togglePalette = useCallback(() => setPaletteOpen((open) => !open), []);
  const closePalette = useCallback(() => setPaletteOpen(false), []);
  useGlobalShortcuts({ views: VIEWS, paletteOpen, togglePalette, go: navigation.go });

  const data = snapshot.data;
  const view = viewById(screen.view);
  const subject = screen.route.subject;
  // The view gets the subject when it is its own (the node whose tile to mark, the service to show).
  const viewSubject = subject !== null && screen.route.view === view.id ? subject : null;
  const Drawer = subject === null ? undefined : subjectDefinition(subject.kind)?.Drawer;
  // The same arrays while the names are the same (pushes change statuses, not names): the
  // panels below that take them skip rendering on a push.
  const namesCache = useRef<FleetNamesCache | null>(null);
  const fleetNames = updateFleetNames(data, namesCache.current);
  useEffect(() => {
    namesCache.current = fleetNames;
  });
  const names = fleetNames.names;
  const collapsed = sidebar === 'collapsed';
  // The side column follows the view by one task (useAfterFirstRender says why).
  const sideShown = useAfterFirstRender(data !== undefined);
  // zod and the contract's schemas (api/parse.ts): not needed to draw, but to read a reply the
  // quick check leaves to zod, and by the views in chunks of their own. Loaded once the page is
  // drawn, when the main thread is idle, so that such a reply does not wait for them.
  useEffect(() => {
    if (!sideShown) return;
    const load = () => void loadZodParse().catch(() => undefined);
    if (typeof window.requestIdleCallback !== 'function') return void setTimeout(load, 0);
    const id = window.requestIdleCallback(load, { timeout: 2000 });
    return () => window.cancelIdleCallback(id);
  }, [sideShown]);

  return (
    <div className="app" data-sidebar={sidebar}>
      <header className="top">
        <ConnectionBanner />
        <ProblemBanner log={problems} />
        <SummaryBar nodes={data?.nodes ?? NONE} replicas={data?.replicas ?? NONE} services={data?.services ?? NONE} kind={activeTransport().kind}>
          <button type="button" className="palette-button" data-testid="palette-open" aria-haspopup="dialog" aria-keyshortcuts="Control+K Meta+K" onClick={togglePalette}>
            Go to… <kbd>{PALETTE_KEY}</kbd>
          </button>
          <ThemeSwitch />
          <NotificationSwitch />
          {data ? <ReadOnlyToggle readOnly={data.readOnly} /> : null}
        </SummaryBar>
        {data ? <ReadOnlyBanner readOnly={data.readOnly} /> : null}
        {data ? <InventoryErrorBanner snapshot={data} /> : null}
        {snapshot.error ? <ErrorNote error={snapshot.error} context="fleet.snapshot" /> : null}
      </header>
      <div className="shell">
        <Sidebar views={VIEWS} current={view.id} snapshot={data} collapsed={collapsed} onToggle={() => setSidebar(collapsed ? 'expanded' : 'collapsed')} />
        <main className="view-area" id="main" data-testid={`view-${view.id}`} data-view={view.id} aria-label={view.label}>
          {data ? (
            // Most views are chunks of their own, loaded on first visit (views/lazy-component.ts).
            <Suspense fallback={<p className="empty loading">Loading {view.label}…</p>}>
              <view.Component snapshot={data} subject={viewSubject} />
            </Suspense>
          ) : snapshot.isPending ? (
            <p className="empty loading">Loading the fleet…</p>
          ) : null}
        </main>
        {data ? (
          <aside className="side" aria-label="Lab and recent events" tabIndex={0} aria-busy={!sideShown}>
            {sideShown ? (
              <>
                {data.lab ? <LabPanel lab={data.lab} nodeNames={names.nodes} /> : null}
                {data.labServices ? <LabServicesPanel info={data.labServices} /> : null}
                <Suspense fallback={null}>
                  <EventsPanel nodes={names.nodes} replicas={names.replicas} loadBalancers={names.loadBalancers} services={names.services} />
                </Suspense>
              </>
            ) : null}
          </aside>
        ) : null}
      </div>
      {data ? (
        <>
          <HostKeyDialog pending={data.pendingHostKeys} />
          <PassphraseDialog nodes={data.nodes} kind={activeTransport().kind} />
        </>
      ) : null}
      {Drawer && subject && data ? (
        <Suspense fallback={null}>
          <Drawer key={`${subject.kind}/${subject.name}`} name={subject.name} snapshot={data} />
        </Suspense>
      ) : null}
      {paletteOpen && data ? <CommandPalette views={VIEWS} snapshot={data} onClose={closePalette} /> : null}
    </div>
  );
}
