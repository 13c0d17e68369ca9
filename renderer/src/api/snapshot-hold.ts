import type { PushEvent } from '../../../shared/contract';

/**
 * Pushes that change the fleet snapshot, kept from the moment a snapshot reply arrives until the
 * query cache holds it, then applied in the order they came.
 *
 * A reply resolves its call at once, but the cache stores it some microtasks later (several
 * when replies and pushes waited together for zod: in-order.ts), and the reply to the page's
 * early socket waits, unclaimed, until the page's query takes it (early-socket.ts). A push that
 * came after the reply — so the reply does not include it — and was applied in between met no
 * snapshot (left out, as a push before any reply rightly is) or the previous one (then replaced
 * by the reply): either way it was lost until that part of the fleet changed again. Seen as a
 * node whose unknown host key was never listed (`hostKeys.changed` carries the whole list, and
 * only when it changes); `nodes.updated` got away with it by its `seq`, at the price of fetching
 * the whole snapshot again.
 */
export class SnapshotHold {
  private held: PushEvent[] | null = null;
  private overflowed = false;

  constructor(
    private readonly apply: (push: PushEvent) => void,
    /** More came than are kept: the cache cannot be patched into what the server has, so everything is asked again. */
    private readonly refetchAll: () => void,
    private readonly cap = SNAPSHOT_HOLD_CAP,
  ) {}

  /** A snapshot reply arrived: what came before it is in it, what comes next waits for it to be stored. */
  replyArrived(): void {
    this.held = [];
    this.overflowed = false;
  }

  /** Applies `push` now, or keeps it while a snapshot reply is on its way to the cache. */
  offer(push: PushEvent): void {
    if (this.held === null) return this.apply(push);
    if (this.overflowed) return;
    if (this.held.length >= this.cap) {
      this.held = [];
      this.overflowed = true;
      return;
    }
    this.held.push(push);
  }

  /** The reply is in the cache (or its fetch failed, and what is cached stays): what was kept goes in now. */
  release(): void {
    const held = this.held;
    const overflowed = this.overflowed;
    this.held = null;
    this.overflowed = false;
    if (overflowed) this.refetchAll();
    else for (const push of held ?? []) this.apply(push);
  }
}

/**
 * Pushes kept at most while one reply is on its way: a page takes its early reply within a
 * second of starting, when a 1,000-node fleet pushes a few times a second.
 */
export const SNAPSHOT_HOLD_CAP = 1000;
