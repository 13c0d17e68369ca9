import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { drawMarkers, resolveColor, themedAxes } from './plot-style';
import { useThemeVersion } from './use-theme-version';
import type { PlotLine, TimeSeriesPlotProps as Props } from './time-series-props';

function toColumns(ts: readonly number[], values: Props['values'], lines: readonly PlotLine[]): uPlot.AlignedData {
  // uPlot's x is in seconds.
  return [ts.map((t) => t / 1000), ...lines.map((l) => (values[l.key] ?? []) as (number | null)[])];
}

/**
 * The plot behind TimeSeriesPlot (which loads this module, and uPlot with it, when a plot is first
 * shown): a dense time series drawn by uPlot (the library behind Grafana's time-series panel: canvas,
 * tens of thousands of points at 60 fps, ~50 KB). The plot is created once per set of lines and
 * theme; new data (a push appended a point) is handed to `setData`, which redraws without
 * rebuilding anything.
 */
export function UPlotTimeSeries({ ts, values, lines, markers = [], threshold, windowMs, xRange, yRange, height = 140, title, testid }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ markers, threshold, windowMs, xRange, yRange, ts });
  latest.current = { markers, threshold, windowMs, xRange, yRange, ts };
  const linesKey = lines.map((l) => `${l.key}:${l.color}:${l.width ?? ''}`).join('|');
  const theme = useThemeVersion();

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: {
          time: true,
          // The whole window, not just the points there are (one point would span years otherwise).
          // (uPlot's own min/max are padded by years around a single point: read our data instead.)
          range: () => {
            const { ts: xs, windowMs: w, xRange: fixed } = latest.current;
            if (fixed) return [fixed[0] / 1000, fixed[1] / 1000];
            const end = Math.max(xs.length ? xs[xs.length - 1]! : 0, Date.now()) / 1000;
            return [end - w / 1000, end];
          },
        },
        y: {
          range: (_u, min, max) => {
            const r = latest.current.yRange;
            if (r) return r(Number.isFinite(min) ? min : null, Number.isFinite(max) ? max : null);
            if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
            const pad = Math.max(1, (max - min) * 0.1);
            return [min - pad, max + pad];
          },
        },
      },
      axes: themedAxes(el),
      series: [
        {},
        ...lines.map((l) => ({
          label: `${l.label} (${l.unit})`,
          stroke: resolveColor(el, l.color),
          width: l.width ?? 1.5,
          spanGaps: false,
          // Dots only while there are few points in view: a lone point has no line to show it
          // (as wide as the line and more, so a wider line's dot shows around a narrower one's).
          points: { show: (u: uPlot, _s: number, i0: number, i1: number) => i1 - i0 < 60 || u.data[0].length < 60, size: Math.max(5, (l.width ?? 1.5) + 3.5) },
        })),
      ],
      hooks: {
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            const { markers: ms, threshold: th } = latest.current;
            ctx.save();
            drawMarkers(u, el, ms);
            if (th) {
              const y = u.valToPos(th.value, 'y', true);
              if (y >= bbox.top && y <= bbox.top + bbox.height) {
                ctx.strokeStyle = resolveColor(el, th.color);
                ctx.lineWidth = 1 * devicePixelRatio;
                ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
                ctx.beginPath();
                ctx.moveTo(bbox.left, y);
                ctx.lineTo(bbox.left + bbox.width, y);
                ctx.stroke();
              }
            }
            ctx.restore();
          },
        ],
      },
    };
    const u = new uPlot(opts, toColumns(ts, values, lines), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the lines, height or theme change; data goes through setData below.
  }, [linesKey, height, theme]);

  useEffect(() => {
    plot.current?.setData(toColumns(ts, values, lines));
  }, [ts, values, lines, markers, threshold, xRange?.[0], xRange?.[1]]);

  // What the plot holds, as attributes: tests (and anyone inspecting the page) read the canvas's numbers here.
  const first = lines[0] ? values[lines[0].key] : undefined;
  const last = first ? [...first].reverse().find((v) => v !== null) : undefined;
  // The lines that have something to draw, as "key:values" (values: how many points are not gaps).
  const drawn = lines
    .map((l) => [l.key, (values[l.key] ?? []).filter((v) => v !== null).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');
  return <div ref={host} className="ts-plot" role="img" aria-label={title} data-testid={testid} data-points={ts.length} data-last={last ?? undefined} data-markers={markers.length} data-drawn={drawn} />;
}
