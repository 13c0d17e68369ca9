import { memo } from 'react';
import type { NodeSummary } from '../../../../shared/status';
import { gpuLine } from '../../model/format';
import { nodeHref } from '../../model/route';
import { sameNodeFace } from '../../model/topology-view';
import { gpuStripStyle } from './gpu-strip';

export interface NodeTileProps {
  name: string;
  /** undefined until the engine has reported this node. */
  status: NodeSummary | undefined;
  selected: boolean;
}

/**
 * Same tile on the page (model/topology-view.ts sameNodeFace): a node's status is pushed
 * whenever it is probed, every few seconds for every node, but its tile changes only with its
 * health, reasons and GPUs. Comparing those is a few dozen checks; rendering the tile is more.
 */
export function sameTile(prev: NodeTileProps, next: NodeTileProps): boolean {
  return prev.name === next.name && prev.selected === next.selected && sameNodeFace(prev.status, next.status);
}

/**
 * One node: a link (so it deep-links and opens with the keyboard), its health colour, name,
 * first reason, and its GPUs' squares — one element for all of them (gpu-strip.ts says why),
 * their health and readings in the tile's tooltip — then a dashed square per GPU the inventory
 * expects and the probe did not report. Memoized by what it shows (sameTile): the cache keeps
 * the object of every node a push did not touch, and a pushed node whose health, reasons and
 * GPUs did not change skips rendering too.
 */
export const NodeTile = memo(function NodeTile({ name, status, selected }: NodeTileProps) {
  const health = status?.health ?? 'unknown';
  // A healthy tile keeps its reason line's height, blank (styles.css: no clip for it); its
  // reasons (a fall under way) are in the tooltip.
  const reason = health === 'healthy' ? '\u00a0' : status ? (status.reasons[0] ?? health) : 'no status yet';
  const gpus = status?.gpus ?? [];
  const missing = status ? Math.max(0, status.expectedGpus - gpus.length) : 0;
  return (
    <a
      className={`tile h-${health}${selected ? ' selected' : ''}`}
      href={nodeHref(name)}
      data-testid={`node-tile-${name}`}
      data-health={health}
      aria-current={selected ? 'true' : undefined}
      title={status ? tileTitle(name, status) : name}
    >
      <span className="tile-name">{name}</span>
      <span className="tile-reason">{reason}</span>
      <span className="gpus" data-gpus={gpus.length} data-gpu-health={gpus.map((g) => g.health).join(' ')}>
        <span className="gpu-strip" style={gpuStripStyle(gpus)} />
        {missing > 0
          ? Array.from({ length: missing }, (_, i) => (
              <span key={`missing-${i}`} className="gpu-missing" title={`GPU missing: ${status?.expectedGpus} expected, ${gpus.length} reported`} />
            ))
          : null}
      </span>
    </a>
  );
}, sameTile);

/** The tile's tooltip: name and health, the reasons, then a line per GPU (its square has no tooltip of its own). */
export function tileTitle(name: string, status: NodeSummary): string {
  return [`${name} · ${status.health}`, ...status.reasons, ...status.gpus.map(gpuLine)].join('\n');
}
