/** What a time-series plot takes (TimeSeriesPlot, and the uPlot plot it loads: UPlotTimeSeries). */
import type { PlotMarker } from './markers';

export interface PlotLine {
  /** The key of the values in `data`. */
  key: string;
  label: string;
  unit: string;
  /** A CSS variable name (`--accent`) or a colour. */
  color: string;
  /** Stroke width in CSS pixels (default 1.5): a wider line drawn first stays visible under a narrower one where they meet. */
  width?: number;
}

export interface TimeSeriesPlotProps {
  /** Milliseconds since the epoch. */
  ts: readonly number[];
  values: Record<string, readonly (number | null)[]>;
  lines: readonly PlotLine[];
  markers?: readonly PlotMarker[];
  /** A horizontal reference line (an SLO target, a temperature threshold). */
  threshold?: { value: number; label: string; color: string };
  /** The time window shown, ending now (or at the newest point): the whole hour, day or month, however few points it has. */
  windowMs: number;
  /** A fixed time range [from, to] (ms) instead of the window ending now: the timeline's axis, so plots line up with it. */
  xRange?: readonly [number, number];
  /** The y range from the data's [min, max] (null without data); default uPlot's own. */
  yRange?: (min: number | null, max: number | null) => [number, number];
  height?: number;
  /** Accessible name: what the plot shows. */
  title: string;
  testid?: string;
}
