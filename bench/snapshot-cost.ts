/**
 * The server's side of a first render (bench/ui.ts --breakdown): building the `fleet.snapshot`
 * reply in the serving process (which also runs the lab and its probes) and encoding it as the
 * server encodes every frame (electron/serve/frame-encoding.ts), measured in that process; with
 * its size, and how many characters outside ASCII the plain JSON would have.
 */
import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../electron/serve/frame-encoding';
import type { ServeHandle } from '../electron/cli/serve-command';

export interface SnapshotCost {
  buildMs: number;
  encodeMs: number;
  bytes: number;
  nodes: number;
  /** Non-ASCII characters in JSON.stringify's output (each one escaped on the wire). */
  nonAscii: number;
}

/** Median over `runs` builds and encodings of the snapshot, as the WebSocket server does them. */
export async function snapshotCost(handle: ServeHandle, runs = 5): Promise<SnapshotCost> {
  const build: number[] = [];
  const encode: number[] = [];
  let bytes = 0;
  let nodes = 0;
  let nonAscii = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const snapshot = await handle.core.handlers['fleet.snapshot']({});
    const t1 = performance.now();
    const text = encodeFrame({ type: 'reply', id: 1, ok: true, result: snapshot });
    encode.push(performance.now() - t1);
    build.push(t1 - t0);
    bytes = Buffer.byteLength(text);
    nodes = snapshot.nodes.length;
    nonAscii = (JSON.stringify(snapshot).match(/[^\x00-\x7f]/g) ?? []).length;
  }
  const median = (l: number[]) => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)];
  return { buildMs: median(build), encodeMs: median(encode), bytes, nodes, nonAscii };
}
