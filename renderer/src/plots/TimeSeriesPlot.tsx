import { lazy, Suspense } from 'react';
import type { TimeSeriesPlotProps } from './time-series-props';

export type { PlotMarker } from './markers';
export type { PlotLine, TimeSeriesPlotProps } from './time-series-props';

// uPlot (~50 KB, and an Intl.NumberFormat it builds as it loads: a locale's data, ~10 ms) is not
// needed until a plot is on screen — most first views have none — so it is a chunk of its own,
// loaded by the first plot shown.
const UPlotTimeSeries = lazy(() => import('./UPlotTimeSeries').then((m) => ({ default: m.UPlotTimeSeries })));

/**
 * A dense time series drawn by uPlot (the library behind Grafana's time-series panel: canvas,
 * tens of thousands of points at 60 fps). Until uPlot has loaded, a box of the plot's height
 * holds its place, so the page does not jump when it appears.
 */
export function TimeSeriesPlot(props: TimeSeriesPlotProps) {
  return (
    <Suspense fallback={<div className="ts-plot" role="img" aria-label={props.title} aria-busy="true" style={{ height: props.height ?? 140 }} />}>
      <UPlotTimeSeries {...props} />
    </Suspense>
  );
}
