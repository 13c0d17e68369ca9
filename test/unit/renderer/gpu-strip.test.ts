import { describe, expect, it } from 'vitest';
import { GPU_PITCH_PX, gpuStripStyle } from '../../../renderer/src/views/topology/gpu-strip';
import type { Health } from '../../../shared/health';

const gpus = (...health: Health[]) => health.map((h) => ({ health: h }));

describe('a node tile GPU strip (one element, a shadow per GPU after the first)', () => {
  it('draws the first GPU as the square itself and each other at its offset, in its own health colour', () => {
    const style = gpuStripStyle(gpus('healthy', 'unhealthy', 'healthy', 'degraded'));
    expect(style.backgroundColor).toBe('var(--healthy)');
    expect(style.boxShadow).toBe('12px 0px 0 0 var(--unhealthy), 24px 0px 0 0 var(--healthy), 36px 0px 0 0 var(--degraded)');
    // Room for the shadows: the last square ends where a row of spans would have.
    expect(style.marginRight).toBe(3 * GPU_PITCH_PX);
    expect(style.marginBottom).toBe(0);
  });

  it('wraps after eight GPUs: a 16-GPU node is two rows', () => {
    const style = gpuStripStyle(gpus(...Array<Health>(16).fill('healthy')));
    const shadows = String(style.boxShadow).split(', ');
    expect(shadows).toHaveLength(15);
    expect(shadows[6]).toBe('84px 0px 0 0 var(--healthy)');
    expect(shadows[7]).toBe('0px 12px 0 0 var(--healthy)');
    expect(shadows[14]).toBe('84px 12px 0 0 var(--healthy)');
    expect(style.marginRight).toBe(7 * GPU_PITCH_PX);
    expect(style.marginBottom).toBe(GPU_PITCH_PX);
  });

  it('is one square with no shadow for one GPU, and nothing for a node that reported none', () => {
    expect(gpuStripStyle(gpus('unknown'))).toEqual({ backgroundColor: 'var(--unknown)', boxShadow: undefined, marginRight: 0, marginBottom: 0 });
    expect(gpuStripStyle([])).toEqual({ display: 'none' });
  });
});
