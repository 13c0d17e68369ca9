import type { CSSProperties } from 'react';
import type { GpuFace } from '../../../../shared/status';

/** A GPU's square on a tile: 10 px, 2 px apart (styles.css .gpu-strip draws the first). */
export const GPU_SQUARE_PX = 10;
export const GPU_PITCH_PX = 12;
/** Squares per row: 8 GPUs (the usual node) on one line of a 150 px tile, more wrap. */
export const GPUS_PER_ROW = 8;

/**
 * A node's GPUs as one element: the element is GPU 0's square, and every other GPU is a
 * box-shadow of it, offset to its place and in its health's colour (the shadow keeps the
 * square's rounded corners). One element instead of a span per GPU: with every cluster of a
 * 1,000-node fleet expanded that is 1,000 boxes to lay out and paint instead of 8,000, and a
 * push that repaints the view's tiles spent most of its paint on those squares (bench:ui).
 * The margins give the shadows their room, as the spans' boxes did.
 */
export function gpuStripStyle(gpus: readonly Pick<GpuFace, 'health'>[]): CSSProperties {
  if (gpus.length === 0) return { display: 'none' };
  const shadows: string[] = [];
  for (let i = 1; i < gpus.length; i++) {
    const x = (i % GPUS_PER_ROW) * GPU_PITCH_PX;
    const y = Math.floor(i / GPUS_PER_ROW) * GPU_PITCH_PX;
    shadows.push(`${x}px ${y}px 0 0 var(--${gpus[i].health})`);
  }
  const columns = Math.min(gpus.length, GPUS_PER_ROW);
  const rows = Math.ceil(gpus.length / GPUS_PER_ROW);
  return {
    backgroundColor: `var(--${gpus[0].health})`,
    boxShadow: shadows.length ? shadows.join(', ') : undefined,
    marginRight: (columns - 1) * GPU_PITCH_PX,
    marginBottom: (rows - 1) * GPU_PITCH_PX,
  };
}
