import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TimelineHistogram } from '../../../../shared/timeline';
import type { PlotMarker } from '../../plots/markers';
import { drawMarkers, resolveColor, themedAxes } from '../../plots/plot-style';
import { useThemeVersion } from '../../plots/use-theme-version';

interface Props {
  histogram: TimelineHistogram;
  /** Milestones (an incident's), drawn as lines across the axis. */
  markers: readonly PlotMarker[];
  /** A range dragged out on the axis: the timeline zooms to it. */
  onZoom: (from: number, to: number) => void;
}

/** Cumulative columns, drawn back to front as bars from zero: all events, then warning + error, then error — a stacked look without stacking code. */
function columnsOf(h: TimelineHistogram): uPlot.AlignedData {
  const xs = h.info.map((_, i) => (h.from + (i + 0.5) * h.bucketMs) / 1000);
  const error = h.error.map((n) => n);
  const warnOrWorse = h.warning.map((n, i) => n + error[i]!);
  const all = h.info.map((n, i) => n + warnOrWorse[i]!);
  return [xs, all, warnOrWorse, error];
}

/**
 * How many events fell in each slice of the range, by severity, on the same time axis as the
 * plots below (uPlot, the same 56 px value axis, so a minute here is a minute there). Drag across
 * it to zoom the list, the counts and the plots to that stretch.
 */
export function TimelineAxis({ histogram, markers, onZoom }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ histogram, markers, onZoom });
  latest.current = { histogram, markers, onZoom };
  const theme = useThemeVersion();

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 0 });
    const series = (label: string, color: string): uPlot.Series => ({ label, fill: resolveColor(el, color), stroke: resolveColor(el, color), paths: bars, points: { show: false } });
    const u = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 110,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        scales: {
          x: { time: true, range: () => [latest.current.histogram.from / 1000, latest.current.histogram.to / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: themedAxes(el),
        series: [{}, series('all', '--muted'), series('warning', '--degraded'), series('error', '--unhealthy')],
        hooks: {
          setSelect: [
            (p) => {
              if (p.select.width < 4) return;
              const from = p.posToVal(p.select.left, 'x') * 1000;
              const to = p.posToVal(p.select.left + p.select.width, 'x') * 1000;
              p.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
              latest.current.onZoom(Math.floor(from), Math.ceil(to));
            },
          ],
          draw: [
            (p) => {
              p.ctx.save();
              drawMarkers(p, el, latest.current.markers);
              p.ctx.restore();
            },
          ],
        },
      },
      columnsOf(latest.current.histogram),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: 110 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [theme]);

  useEffect(() => {
    plot.current?.setData(columnsOf(histogram));
  }, [histogram, markers]);

  const total = histogram.info.reduce((a, b) => a + b, 0) + histogram.warning.reduce((a, b) => a + b, 0) + histogram.error.reduce((a, b) => a + b, 0);
  const errors = histogram.error.reduce((a, b) => a + b, 0);
  return (
    <div
      ref={host}
      className="ts-plot timeline-axis"
      role="img"
      aria-label={`${total} events from ${new Date(histogram.from).toLocaleString()} to ${new Date(histogram.to).toLocaleString()}, ${errors} errors; drag across to zoom`}
      data-testid="timeline-axis"
      data-total={total}
      data-from={histogram.from}
      data-to={histogram.to}
      data-markers={markers.length}
    />
  );
}
