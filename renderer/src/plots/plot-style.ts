/**
 * What every uPlot plot of the console shares, so they look alike and line up: colours read from
 * the theme's CSS variables, the axes (the value axis 56 px wide: plots stacked on one time axis
 * start their data at the same x), and moments marked as dashed vertical lines.
 */
import type uPlot from 'uplot';
import type { PlotMarker } from './markers';

/** Reads a CSS variable (`--accent`) as the page's theme has it now; anything else is taken as a colour. */
export function resolveColor(el: Element, color: string): string {
  return color.startsWith('--') ? getComputedStyle(el).getPropertyValue(color).trim() || '#888' : color;
}

/** The time axis and the value axis, in the theme's muted text and border colours. */
export function themedAxes(el: Element): [uPlot.Axis, uPlot.Axis] {
  const axis = { stroke: resolveColor(el, '--muted'), grid: { stroke: resolveColor(el, '--border'), width: 1 }, ticks: { stroke: resolveColor(el, '--border'), width: 1 } };
  return [axis, { ...axis, size: 56 }];
}

/** Each marker in view as a dashed line across the plot (a draw hook's work; the caller saves and restores the context). */
export function drawMarkers(u: uPlot, el: Element, markers: readonly PlotMarker[]): void {
  const { ctx, bbox } = u;
  for (const m of markers) {
    const x = u.valToPos(m.ts / 1000, 'x', true);
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.strokeStyle = resolveColor(el, m.color);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  }
}
