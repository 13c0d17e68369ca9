/**
 * The contract's shapes the page checks against without zod (renderer/src/api/contract-shapes.json,
 * written by scripts/gen-contract-shapes.ts) are the contract's: the file in the tree is what the
 * schemas give now, and what the first render receives — the snapshot and every pushed event —
 * is described all the way down, so none of it has to wait for zod.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Shape, ShapeTable } from '../../../shared/contract-shapes/shape';
import { contractShapesJson, CONTRACT_SHAPES_FILE } from '../../../shared/contract-shapes/generate';
import { methods, pushEvents } from '../../../shared/contract';

const ROOT = join(__dirname, '..', '..', '..');
const table = JSON.parse(readFileSync(join(ROOT, CONTRACT_SHAPES_FILE), 'utf8')) as ShapeTable;

/** The shapes only zod can judge below `id`, with why. */
function zodOnly(id: number, seen = new Set<number>()): string[] {
  if (seen.has(id)) return [];
  seen.add(id);
  const s: Shape = table.shapes[id];
  if (s.t === 'zod') return [s.why];
  const below: number[] = [];
  if ('of' in s && s.of !== undefined) below.push(s.of);
  if (s.t === 'object') below.push(...s.fields.map((f) => f[1]), ...(typeof s.rest === 'number' ? [s.rest] : []));
  if (s.t === 'union') below.push(...s.options);
  return below.flatMap((b) => zodOnly(b, seen));
}

describe('contract shapes', () => {
  it('the file in the tree is what the contract gives now (tsx scripts/gen-contract-shapes.ts writes it)', () => {
    expect(readFileSync(join(ROOT, CONTRACT_SHAPES_FILE), 'utf8')).toBe(contractShapesJson());
  });

  it('names every method and pushed event of the contract', () => {
    expect(Object.keys(table.methods).sort()).toEqual(Object.keys(methods).sort());
    expect(Object.keys(table.pushes).sort()).toEqual(Object.keys(pushEvents).sort());
  });

  it('describes the snapshot, a node, and every pushed event without leaving any part to zod', () => {
    expect(zodOnly(table.methods['fleet.snapshot'])).toEqual([]);
    expect(zodOnly(table.methods['node.get'])).toEqual([]);
    expect(zodOnly(table.error)).toEqual([]);
    // A drill's fault timeout is duration text ("90s") that a refinement reads: a drill run's
    // pushes carrying one are zod's (they come while a drill runs, not for a first render).
    const left: Record<string, string[]> = { 'drill.updated': ['string check'] };
    for (const [event, id] of Object.entries(table.pushes)) expect([event, zodOnly(id)]).toEqual([event, left[event] ?? []]);
  });
});
