/**
 * Deadlines for the inference side, derived from what `serve --lab` really runs: the replica
 * probe and LB poll cadence come from the lab's inventory as the console loaded it, HAProxy's
 * check cadence from the haproxy.cfg the lab wrote, the breaker cooldown from the engine.
 * Nothing here is a guessed number except the margin shared with the node tests.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadInventoryFile } from '../../../electron/core/inventory/load-inventory';
import { DEFAULT_BREAKER } from '../../../electron/core/replica/circuit-breaker';
import { MARGIN_MS } from './cadence';
import type { E2eServe } from './serve';

export interface ServicesCadence {
  replicaHealthSeconds: number;
  replicaHealthTimeoutSeconds: number;
  /** The completion probe's interval. */
  completionSeconds: number;
  lbPollSeconds: number;
  /** HAProxy's `check inter Xs fall N rise N` on every lab server. */
  haproxyInterSeconds: number;
  haproxyFall: number;
  haproxyRise: number;
}

/** What every replica, the load balancer and HAProxy of the running lab share (throws if they differ). */
export async function labServicesCadence(serve: E2eServe): Promise<ServicesCadence> {
  const lab = serve.handle.lab;
  if (!lab) throw new Error('serve runs without --lab');
  const inventory = await loadInventoryFile(lab.inventoryPath, { homeDir: lab.dir, defaultUser: 'ops' });
  const replicaCadences = new Set(inventory.replicas.map((r) => JSON.stringify([r.health.intervalSeconds, r.health.timeoutSeconds, r.prompt?.intervalSeconds])));
  if (replicaCadences.size !== 1 || inventory.loadBalancers.length !== 1) {
    throw new Error(`the lab's replicas do not share one cadence, or it has not exactly one LB: ${[...replicaCadences].join(' ')}`);
  }
  const [first] = inventory.replicas;
  if (!first.prompt) throw new Error(`lab replica ${first.name} has no completion probe`);

  const cfg = await readFile(join(lab.dir, 'haproxy', 'haproxy.cfg'), 'utf8');
  const checks = new Set([...cfg.matchAll(/^\s*server \S+ \S+ check inter (\d+)s fall (\d+) rise (\d+)(?: weight \d+)?(?: disabled)?\s*$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`));
  if (checks.size !== 1) throw new Error(`haproxy.cfg has no single "check inter Xs fall N rise N" for its servers:\n${cfg}`);
  const [inter, fall, rise] = [...checks][0].split(' ').map(Number);

  return {
    replicaHealthSeconds: first.health.intervalSeconds,
    replicaHealthTimeoutSeconds: first.health.timeoutSeconds,
    completionSeconds: first.prompt.intervalSeconds,
    lbPollSeconds: inventory.loadBalancers[0].intervalSeconds,
    haproxyInterSeconds: inter,
    haproxyFall: fall,
    haproxyRise: rise,
  };
}

/** The next health probe of a replica runs within one interval, may take its timeout, and is pushed. */
export const replicaProbeDeadlineMs = (c: ServicesCadence, probes = 1): number =>
  (probes * c.replicaHealthSeconds + c.replicaHealthTimeoutSeconds) * 1000 + MARGIN_MS;

/**
 * HAProxy changes a server's state after `checks` checks `inter` apart (the first up to one
 * `inter` after the change); the console reads it at its next poll.
 */
function haproxyDeadlineMs(c: ServicesCadence, checks: number): number {
  return ((checks + 1) * c.haproxyInterSeconds + c.lbPollSeconds) * 1000 + MARGIN_MS;
}
export const haproxyFallDeadlineMs = (c: ServicesCadence): number => haproxyDeadlineMs(c, c.haproxyFall);
export const haproxyRiseDeadlineMs = (c: ServicesCadence): number => haproxyDeadlineMs(c, c.haproxyRise);

/**
 * A replica that was refused long enough may have opened its probe circuit (no probe until the
 * cooldown ends), and a refused completion keeps it unreachable until the next completion
 * probe: cooldown + one completion interval + one health probe.
 */
export const replicaRecoverDeadlineMs = (c: ServicesCadence): number =>
  DEFAULT_BREAKER.baseCooldownMs + c.completionSeconds * 1000 + replicaProbeDeadlineMs(c);
