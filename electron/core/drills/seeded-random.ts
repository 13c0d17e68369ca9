/**
 * The drills' target picker draws from a small seeded PRNG so that a seed, recorded in every plan,
 * picks the same targets again: a drill that found something can be re-run on the very same
 * replicas. Not for secrets: it is predictable by design.
 *
 * Generator: mulberry32 (Tommy Ettinger, public domain; 32-bit state, period 2^32, one
 * multiply-xorshift round per draw) — plenty for choosing a handful of targets, and small enough
 * to read. The state is the first 4 bytes (big-endian) of SHA-256 of the seed text, so any seed,
 * "42" or "game-day-2026-03", spreads over the whole state space.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A function returning floats in [0, 1), the same sequence for the same seed. */
export type Random = () => number;

export function seededRandom(seed: string): Random {
  let state = createHash('sha256').update(seed, 'utf8').digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A fresh seed for a drill whose file gives none: 12 hex digits, short enough to type back. */
export function newSeed(): string {
  return randomBytes(6).toString('hex');
}

/**
 * `k` distinct items drawn uniformly from `items` (a partial Fisher–Yates shuffle), in the order
 * drawn. The caller sorts `items` first, so the draw depends on the members and not on the order
 * the inventory lists them in.
 */
export function drawWithoutReplacement<T>(items: readonly T[], k: number, random: Random): T[] {
  const pool = [...items];
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}
