import { memo } from 'react';
import type { NodeSummary } from '../../../../shared/status';
import { gpuTitle } from '../../model/format';
import { nodeHref } from '../../model/route';
import { sameNodeFace } from '../../model/topology-view';

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
 * first reason, and one bare span per GPU. Memoized by what it shows (sameTile): the cache keeps
 * the object of every node a push did not touch, and a pushed node whose health, reasons and
 * GPUs did not change skips rendering too.
 */
export const NodeTile = memo(function NodeTile({ name, status, selected }: NodeTileProps) {
  const health = status?.health ?? 'unknown';
  const reason = status ? status.reasons[0] : 'no status yet';
  const gpus = status?.gpus ?? [];
  const missing = status ? Math.max(0, status.expectedGpus - gpus.length) : 0;
  return (
    <a
      className={`tile h-${health}${selected ? ' selected' : ''}`}
      href={nodeHref(name)}
      data-testid={`node-tile-${name}`}
      data-health={health}
      aria-current={selected ? 'true' : undefined}
      title={status ? `${name} · ${health}${status.reasons.length ? `\n${status.reasons.join('\n')}` : ''}` : name}
    >
      <span className="tile-name">{name}</span>
      <span className="tile-reason">{reason ?? health}</span>
      <span className="gpus">
        {gpus.map((gpu) => (
          <span key={gpu.index} className={`gpu h-${gpu.health}`} title={gpuTitle(gpu)} />
        ))}
        {missing > 0
          ? Array.from({ length: missing }, (_, i) => (
              <span key={`missing-${i}`} className="gpu gpu-missing" title={`GPU missing: ${status?.expectedGpus} expected, ${gpus.length} reported`} />
            ))
          : null}
      </span>
    </a>
  );
}, sameTile);
