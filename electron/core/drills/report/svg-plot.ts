import { escapeHtml as esc } from './escape';

/**
 * A small line plot as inline SVG text, for the self-contained HTML report: no script, no font
 * or stylesheet to fetch, readable in any browser or mail client years later. Panels stacked on
 * one x axis; vertical dashed markers through all of them, numbered at the top with their label
 * as a tooltip (<title>). Every text that comes from outside is escaped.
 */

export interface SvgSeries {
  /** data-series attribute: tests and readers find the line by it. */
  key: string;
  label: string;
  color: string;
  /** A null y is a gap (no data that second); isolated points are drawn as dots. */
  points: readonly { x: number; y: number | null }[];
}

export interface SvgPanel {
  title: string;
  unit: string;
  /** Fixed bounds (success %: 0–100); otherwise from the data, starting at 0. */
  yMin?: number;
  yMax?: number;
  series: readonly SvgSeries[];
  /** A dashed reference line: the hypothesis's limit. */
  threshold?: { y: number; label: string };
  /** Points flagged on this panel (a regression): a ring around them. */
  rings?: readonly { x: number; y: number; label: string }[];
}

export interface SvgMarker {
  x: number;
  /** Short text on the marker (its number in the legend). */
  tag: string;
  label: string;
  color: string;
  /** data-marker attribute. */
  key: string;
}

export interface SvgPlotOptions {
  title: string;
  xLabel: string;
  xMin: number;
  xMax: number;
  formatX: (x: number) => string;
  panels: readonly SvgPanel[];
  markers?: readonly SvgMarker[];
  width?: number;
  panelHeight?: number;
}

// top: room for the markers' numbers above the first panel's title.
const MARGIN = { left: 64, right: 16, top: 38, bottom: 34, gap: 26 };

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, ''));

export function svgPlot(o: SvgPlotOptions): string {
  const width = o.width ?? 880;
  const ph = o.panelHeight ?? 150;
  const height = MARGIN.top + o.panels.length * ph + (o.panels.length - 1) * MARGIN.gap + MARGIN.bottom;
  const plotW = width - MARGIN.left - MARGIN.right;
  const xSpan = o.xMax > o.xMin ? o.xMax - o.xMin : 1;
  const px = (x: number) => MARGIN.left + ((x - o.xMin) / xSpan) * plotW;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="100%" font-family="system-ui, sans-serif" font-size="11" data-plot="${esc(o.title)}">`,
    `<title>${esc(o.title)}</title>`,
  );
  o.panels.forEach((panel, i) => {
    const top = MARGIN.top + i * (ph + MARGIN.gap);
    const values = panel.series.flatMap((s) => s.points.map((p) => p.y)).filter((y): y is number => y !== null);
    const yMin = panel.yMin ?? 0;
    const dataMax = Math.max(yMin + 1, ...values, panel.threshold?.y ?? yMin);
    const yMax = panel.yMax ?? dataMax * 1.1;
    const py = (y: number) => top + ph - ((Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin)) * ph;
    parts.push(`<g data-panel="${esc(panel.title)}">`);
    parts.push(`<text x="${MARGIN.left}" y="${top - 6}" font-weight="600">${esc(panel.title)} (${esc(panel.unit)})</text>`);
    parts.push(`<rect x="${MARGIN.left}" y="${top}" width="${plotW}" height="${ph}" fill="none" stroke="#9aa0a6"/>`);
    for (const t of niceTicks(yMin, yMax, 4)) {
      const y = py(t);
      parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e0e3e7"/>`);
      parts.push(`<text x="${MARGIN.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" fill="#5f6368">${num(t)}</text>`);
    }
    if (panel.threshold) {
      const y = py(panel.threshold.y).toFixed(1);
      parts.push(
        `<line data-threshold="${panel.threshold.y}" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#b06000" stroke-dasharray="6 4"><title>${esc(panel.threshold.label)}</title></line>`,
      );
    }
    for (const s of panel.series) {
      // Runs of consecutive points with data are one polyline each; a gap breaks the line.
      const runs: { x: number; y: number }[][] = [];
      let current: { x: number; y: number }[] = [];
      for (const p of s.points) {
        if (p.y === null) {
          if (current.length) runs.push(current);
          current = [];
        } else current.push({ x: p.x, y: p.y });
      }
      if (current.length) runs.push(current);
      const drawn = runs.reduce((n, r) => n + r.length, 0);
      parts.push(`<g data-series="${esc(s.key)}" data-points="${drawn}"><title>${esc(s.label)}</title>`);
      for (const run of runs) {
        if (run.length === 1) parts.push(`<circle cx="${px(run[0].x).toFixed(1)}" cy="${py(run[0].y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
        else parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.6" points="${run.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
      }
      parts.push('</g>');
    }
    for (const r of panel.rings ?? []) {
      parts.push(`<circle data-ring="true" cx="${px(r.x).toFixed(1)}" cy="${py(r.y).toFixed(1)}" r="6" fill="none" stroke="#c5221f" stroke-width="2"><title>${esc(r.label)}</title></circle>`);
    }
    parts.push('</g>');
  });
  const bottom = height - MARGIN.bottom;
  for (const t of niceTicks(o.xMin, o.xMax, 8)) {
    const x = px(t).toFixed(1);
    parts.push(`<text x="${x}" y="${bottom + 14}" text-anchor="middle" fill="#5f6368">${esc(o.formatX(t))}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 4}" text-anchor="middle" fill="#5f6368">${esc(o.xLabel)}</text>`);
  for (const m of o.markers ?? []) {
    const x = px(Math.min(Math.max(m.x, o.xMin), o.xMax)).toFixed(1);
    parts.push(
      `<g data-marker="${esc(m.key)}"><title>${esc(m.label)}</title><line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${bottom}" stroke="${m.color}" stroke-width="1.4" stroke-dasharray="4 3"/><text x="${x}" y="14" text-anchor="middle" fill="${m.color}" font-weight="700">${esc(m.tag)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
