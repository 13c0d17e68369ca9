import { z } from 'zod';
import { FleetErrorData } from './errors';

/**
 * One-step changes through the change gate (electron/core/gate): what the console's load
 * balancer buttons send, what the gate answers before (a preview) and what it records after.
 */

export const LbAdminState = z.enum(['ready', 'drain', 'maint']);
export type LbAdminState = z.infer<typeof LbAdminState>;

/** One server's setting as HAProxy holds it: its forced admin state and the weight the operator set (`uweight`). */
export const LbServerSetting = z.object({ state: LbAdminState, weight: z.number().int() });
export type LbServerSetting = z.infer<typeof LbServerSetting>;

/** What a load balancer button asks for: a new admin state, or a new weight. */
export const LbChange = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('state'), state: LbAdminState }),
  z.strictObject({ kind: z.literal('weight'), weight: z.number().int().min(0).max(256) }),
]);
export type LbChange = z.infer<typeof LbChange>;

/** Where a change came from: the console (desktop or browser), the CLI, a runbook run, a drill, a lab. */
export const ChangeOrigin = z.enum(['console', 'cli', 'runbook', 'drill']);
export type ChangeOrigin = z.infer<typeof ChangeOrigin>;

/**
 * What the gate says about a change before it is made: the exact command, what the operator
 * must type (a protected cluster), the setting now, and what would refuse it now (read-only, a
 * run holding the server). Nothing is sent to make a preview but a read of HAProxy's state.
 */
export const ChangePreview = z.object({
  /** "lb-west/llama/usw2-inf-01-llm" */
  subject: z.string(),
  /** The replica the server is, when it is one (what runs lock). */
  replica: z.string().nullable(),
  cluster: z.string().nullable(),
  /** The HAProxy runtime API command exactly as it will be sent. */
  command: z.string(),
  /** The word to type (the server's name) when its cluster is protected; null: a click is enough. */
  confirmation: z.string().nullable(),
  /** The server's setting now; null when HAProxy could not be read (the change would still be refused). */
  before: LbServerSetting.nullable(),
  /** Each reason it would be refused now (READ_ONLY, RUNBOOK_LOCKED, …); empty: it may go ahead. */
  refusals: z.array(FleetErrorData),
});
export type ChangePreview = z.infer<typeof ChangePreview>;

/**
 * A change as recorded: the `data` of its `lb.change` event and the detail of its audit entry.
 * `before` is what "put it back" restores.
 */
export const ChangeRecord = z.object({
  id: z.string(),
  ts: z.number(),
  action: z.enum(['lb.set-state', 'lb.set-weight']),
  loadBalancer: z.string(),
  backend: z.string(),
  server: z.string(),
  subject: z.string(),
  command: z.string(),
  before: LbServerSetting.nullable(),
  after: LbServerSetting.nullable(),
  origin: ChangeOrigin,
  user: z.string(),
  host: z.string(),
  /** The change this one put back, if it was a "put it back". */
  revertOf: z.string().nullable(),
});
export type ChangeRecord = z.infer<typeof ChangeRecord>;
