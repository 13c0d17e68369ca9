import { z } from 'zod';
import { InventoryName } from './inventory-name';
import { CheckpointDirectory, CheckpointLayout } from './checkpoints';
import { Duration, parseDurationMs } from './duration';

/**
 * The inventory file's shape. Every object is strict: an unknown key is an error, because a
 * typo (`node:` for `nodes:`) must not silently drop a node from monitoring.
 */
const name = InventoryName;

export const ProbeSettings = z.strictObject({
  intervalSeconds: z.number().min(1).max(3600),
  timeoutSeconds: z.number().min(0.1).max(600),
  fall: z.number().int().min(1).max(100),
  rise: z.number().int().min(1).max(100),
});
export type ProbeSettings = z.infer<typeof ProbeSettings>;
export const DEFAULT_PROBE: ProbeSettings = { intervalSeconds: 10, timeoutSeconds: 5, fall: 2, rise: 2 };

/** Health thresholds; each may be set in `defaults`, per cluster or per node. */
export const Thresholds = z.strictObject({
  /** GPU core temperature at or above which the GPU is degraded. */
  temperatureC: z.number().min(20).max(150),
  /** HBM temperature at or above which the GPU is degraded. */
  memoryTemperatureC: z.number().min(20).max(150),
  /** An XID younger than this counts against the node. */
  xidWindowMinutes: z.number().min(1).max(100000),
  /** Corrected volatile ECC errors at or above which the GPU is degraded (uncorrected ones always count). */
  correctedEccErrors: z.number().int().min(1),
});
export type Thresholds = z.infer<typeof Thresholds>;
export const DEFAULT_THRESHOLDS: Thresholds = {
  temperatureC: 87,
  memoryTemperatureC: 95,
  xidWindowMinutes: 60,
  correctedEccErrors: 1000,
};

const connectionFields = {
  user: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identityFile: z.string().min(1).optional(),
  knownHostsFile: z.string().min(1).optional(),
  /** ssh-agent socket path, or false to not use the agent. Defaults to $SSH_AUTH_SOCK. */
  agent: z.union([z.string().min(1), z.literal(false)]).optional(),
};

export const InventoryDefaults = z.strictObject({
  ...connectionFields,
  probe: ProbeSettings.partial().optional(),
  thresholds: Thresholds.partial().optional(),
});

export const InventoryNode = z.strictObject({
  name,
  host: z.string().min(1),
  ...connectionFields,
  gpus: z.strictObject({ count: z.number().int().min(0).max(64), model: z.string().min(1).optional() }),
  /** Another node's name, or user@host:port of a bastion. */
  jump: z.string().min(1).optional(),
  /** Its name in the cluster's scheduler (Slurm's NodeName), when not the same as `name`. */
  slurmName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected a Slurm node name').optional(),
  probe: ProbeSettings.partial().optional(),
  thresholds: Thresholds.partial().optional(),
  /**
   * A spare node: held out of work, ready to take a failed node's place. `warm`: powered, healthy,
   * idle — verified by its GPU probe, never assumed; `cold`: powered down or not set up (a Slurm
   * node in the scheduler's spare partition or with its spare feature is one without this).
   */
  spare: z.strictObject({ mode: z.enum(['warm', 'cold']) }).optional(),
});
export type InventoryNode = z.infer<typeof InventoryNode>;

export const ClusterRole = z.enum(['inference', 'training']);

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, 'expected an http:// or https:// URL without query or fragment');

/**
 * A training cluster's scheduler: Slurm, read through slurmrestd (its OpenAPI plugin, found from
 * `/openapi/v3`), changed through the REST API where the server has the endpoint and `scontrol`
 * over SSH on `controlVia` otherwise. The token is a secret like a replica's (keychain, memory or
 * FLEETOPS_SECRET_<REF>), sent as X-SLURM-USER-NAME / X-SLURM-USER-TOKEN.
 */
export const InventoryScheduler = z.strictObject({
  kind: z.literal('slurm'),
  restd: z.strictObject({ url: httpUrl, user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'expected a user name'), tokenRef: name }),
  /** The node `scontrol` runs on (a login or controller node with the Slurm client and munge). */
  controlVia: name,
  /** Where scontrol is not on the login PATH or Slurm's config not in /etc/slurm: its path and environment (e.g. SLURM_CONF). */
  scontrol: z
    .strictObject({
      path: z.string().regex(/^[A-Za-z0-9_./-]{1,256}$/, 'expected a command path of letters, digits, ".", "_", "/" or "-"').optional(),
      env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'expected an environment variable name'), z.string().max(1024)).optional(),
    })
    .optional(),
  /** How often slurmrestd is read. Default 15 s. */
  intervalSeconds: z.number().min(1).max(3600).optional(),
  /** What marks a spare node in Slurm: a partition and/or a node feature (default both `spare`). */
  spares: z.strictObject({ partition: z.string().min(1).max(64).optional(), feature: z.string().min(1).max(64).optional() }).optional(),
});
export type InventoryScheduler = z.infer<typeof InventoryScheduler>;

export const InventoryCluster = z.strictObject({
  name,
  role: ClusterRole,
  protected: z.boolean().optional(),
  thresholds: Thresholds.partial().optional(),
  scheduler: InventoryScheduler.optional(),
  nodes: z.array(InventoryNode),
});

export const InventoryRegion = z.strictObject({
  name,
  clusters: z.array(InventoryCluster),
});


/** One inference server endpoint (OpenAI-compatible HTTP). */
export const InventoryReplica = z.strictObject({
  name,
  /** The node it runs on; absent for external providers. */
  node: name.optional(),
  url: httpUrl,
  model: z.string().min(1).max(300),
  api: z.enum(['openai', 'azure-openai']).optional(),
  /** azure-openai only: the `api-version` query parameter. */
  apiVersion: z.string().min(1).max(50).optional(),
  /** The secret itself lives in the keychain / environment, never in this file. */
  auth: z.strictObject({ header: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'expected an HTTP header name'), secretRef: name }).optional(),
  health: z.strictObject({
    path: z.string().regex(/^\/[^\s]*$/, 'expected a path starting with /'),
    intervalSeconds: z.number().min(1).max(3600),
    timeoutSeconds: z.number().min(0.1).max(600).optional(),
  }),
  prompt: z
    .strictObject({
      text: z.string().min(1).max(2000),
      expect: z.string().min(1).max(500),
      maxTokens: z.number().int().min(1).max(4096),
      intervalSeconds: z.number().min(5).max(86400),
    })
    .optional(),
  /**
   * Optional: the request rate one replica serves within its latency objective, as a load test
   * of this model on this hardware measured it. When every server of a backend declares one, a
   * runbook's plan checks that the servers still serving after each step can take the backend's
   * current request rate (HAProxy's `rate`); without it the plan says the load was not checked.
   */
  capacity: z.strictObject({ requestsPerSecond: z.number().positive() }).optional(),
  /**
   * `spare`: held out of rotation, ready to replace a failed replica (default `active`). A spare
   * needs `mode`: `warm` (service running, model loaded, held in HAProxy `maint`/`disabled` or at
   * weight 0 — verified by its own health and completion probes, never assumed) or `cold` (service
   * stopped; only its node and its unit are checked, and `startup` says how long it takes to
   * start and load the weights).
   */
  role: z.enum(['active', 'spare']).optional(),
  mode: z.enum(['warm', 'cold']).optional(),
  startup: Duration.optional(),
  /** The systemd unit of the inference server on its node (default `vllm`): a cold spare's is checked to be stopped, not failed. */
  unit: z.string().regex(/^[A-Za-z0-9@._-]{1,64}$/, 'expected a systemd unit name').optional(),
  /** The backends or clusters it may replace into (default: the backends it is a server of). */
  replaces: z.array(name).min(1).optional(),
});
export type InventoryReplica = z.infer<typeof InventoryReplica>;

export const InventoryLoadBalancer = z.strictObject({
  name,
  kind: z.literal('haproxy'),
  /** The runtime API: a unix socket on a node (reached over SSH), or TCP. */
  runtime: z.union([
    z.strictObject({ socket: z.string().regex(/^\/\S+$/, 'expected an absolute socket path'), via: name }),
    z.strictObject({ tcp: z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port') }),
  ]),
  frontend: z.strictObject({ url: httpUrl }),
  /** HAProxy backend name → its servers, which are replica names. */
  backends: z.record(name, z.array(name).min(1)),
  /** How often `show stat` is read. */
  intervalSeconds: z.number().min(1).max(3600).optional(),
});
export type InventoryLoadBalancer = z.infer<typeof InventoryLoadBalancer>;

/**
 * When a service's error budget burns fast enough to open an incident: both windows at or above
 * the burn rate (the Google SRE workbook's multi-window alert — the long window says it matters,
 * the short one that it is still happening). Default: 14.4× over 1 h and 5 m (2 % of a 30-day
 * budget in an hour), and 6× over 6 h and 30 m (5 % in six hours).
 */
export const InventoryBurnAlert = z
  .strictObject({
    long: Duration,
    short: Duration,
    burnRate: z.number().gt(1).max(1000),
  })
  .refine((a) => (parseDurationMs(a.short) ?? 0) < (parseDurationMs(a.long) ?? 0), { message: 'the short window must be shorter than the long one', path: ['short'] })
  .refine((a) => (parseDurationMs(a.long) ?? 0) <= 30 * 86_400_000, { message: 'the long window is at most the 30-day SLO window', path: ['long'] });
export type InventoryBurnAlert = z.infer<typeof InventoryBurnAlert>;

export const InventorySlo = z.strictObject({
  /** A backend name of one of the load balancers. */
  service: name,
  /** Percent of successful requests over 30 days. */
  target: z.number().gt(0).lt(100),
  probe: z.literal('frontend'),
  /** Opens an incident when any of these fires; [] opens none for the budget (defaults above). */
  alerts: z.array(InventoryBurnAlert).max(8).optional(),
});
export type InventorySlo = z.infer<typeof InventorySlo>;

/**
 * A training job the console follows: its checkpoints (where, in which layout, how often they
 * should come). Matched to a Slurm job of its cluster by `slurmJob` (the job name; default its
 * own name). A Slurm job whose comment holds `fleetops:ckpt=PATH` is followed without an entry.
 */
export const InventoryJob = z.strictObject({
  name,
  cluster: name,
  slurmJob: z.string().min(1).max(200).optional(),
  checkpoint: z.strictObject({
    directory: CheckpointDirectory,
    layout: CheckpointLayout,
    every: Duration,
    /** A node that mounts the storage; default the job's first node. */
    node: name.optional(),
  }),
});
export type InventoryJob = z.infer<typeof InventoryJob>;

export const InventoryFile = z.strictObject({
  version: z.literal(1),
  defaults: InventoryDefaults.optional(),
  regions: z.array(InventoryRegion).min(1),
  replicas: z.array(InventoryReplica).optional(),
  loadBalancers: z.array(InventoryLoadBalancer).optional(),
  slo: z.array(InventorySlo).optional(),
  jobs: z.array(InventoryJob).optional(),
});
export type InventoryFile = z.infer<typeof InventoryFile>;

/** A jump host as the SSH connector needs it. */
export const JumpTarget = z.object({ host: z.string(), port: z.number().int(), user: z.string(), node: z.string().optional() });
export type JumpTarget = z.infer<typeof JumpTarget>;

/** A node with every default applied: what the engine works with. */
export const ResolvedNode = z.object({
  name: z.string(),
  region: z.string(),
  cluster: z.string(),
  role: ClusterRole,
  protected: z.boolean(),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  identityFile: z.string().optional(),
  knownHostsFile: z.string(),
  agent: z.union([z.string(), z.literal(false)]).optional(),
  jump: JumpTarget.optional(),
  gpus: z.object({ count: z.number().int(), model: z.string().optional() }),
  probe: ProbeSettings,
  thresholds: Thresholds,
  /** The inventory lists it as a spare node (a Slurm spare partition or feature marks others at run time). */
  spare: z.object({ mode: z.enum(['warm', 'cold']) }).optional(),
});
export type ResolvedNode = z.infer<typeof ResolvedNode>;

/** What the console shows of the inventory: the topology without connection secrets. */
export const Topology = z.object({
  path: z.string(),
  regions: z.array(
    z.object({
      name: z.string(),
      clusters: z.array(
        z.object({ name: z.string(), role: ClusterRole, protected: z.boolean(), nodes: z.array(z.string()) }),
      ),
    }),
  ),
});
export type Topology = z.infer<typeof Topology>;
