/**
 * Where a subject's plots go (GPU temperature and utilisation over time on a node, latency on a
 * replica, availability and burn on a service), fed by pushes, never by re-fetching whole series
 * (../shared/DESIGN.md, "Renderer by view"). Nothing is drawn yet: the slot marks the place in
 * each page so the plots land where the layout expects them, and renders nothing until then.
 */
export function PlotSlot(_props: { subject: 'node' | 'replica' | 'service'; name: string }) {
  return null;
}
