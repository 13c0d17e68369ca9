import { z } from 'zod';
import { FleetErrorData } from './errors';
import { Topology } from './inventory';
import { ChangePreview, LbChange } from './change';
import { RunbookPlan, RunbookSummary, RunView } from './runbook';
import { AvailabilitySeries, LabReplicaFaultKind, LabServicesInfo, LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from './services';
import { FleetEvent, GpuStatus, HostKeyPrompt, LabFaultKind, LabInfo, LabJobFaultKind, NodeStatus, NodeSummary } from './status';
import { HistoryQuery, HistorySeries } from './history';
import { drillMethods, drillPushEvents } from './drill-run';
import { drillReportMethods } from './drill-report';
import { incidentMethods, incidentPushEvents } from './incident';
import { timelineMethods } from './timeline';
import { trainingMethods, trainingPushEvents } from './training';
import { capacityMethods, capacityPushEvents } from './capacity';

/**
 * The one contract between the engine and every client (Electron IPC, WebSocket, CLI).
 * Every method's input is parsed with its schema before the engine sees it; every pushed
 * event is described here too. Types are `z.infer` of the schemas, never written twice.
 */

export const FleetSnapshot = z.object({
  topology: Topology.nullable(),
  inventoryError: FleetErrorData.nullable(),
  /** Each node with its GPUs' faces (NodeSummary); a node's whole status is `node.get`. */
  nodes: z.array(NodeSummary),
  pendingHostKeys: z.array(HostKeyPrompt),
  lab: LabInfo.nullable(),
  replicas: z.array(ReplicaStatus),
  loadBalancers: z.array(LoadBalancerStatus),
  services: z.array(ServiceAvailability),
  labServices: LabServicesInfo.nullable(),
  runs: z.array(RunView),
  readOnly: z.object({ global: z.boolean(), clusters: z.array(z.string()) }),
  /**
   * The `seq` of the last `nodes.updated` push that `nodes` includes (0: none yet). The next
   * push that applies to this snapshot is the one numbered one more.
   */
  nodesSeq: z.number().int().min(0),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshot>;

const nodeName = z.string().min(1).max(200);
/** HAProxy identifiers: letters, digits, '-', '_', '.', ':' — nothing that could end a runtime API command. */
const haproxyName = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'expected an HAProxy name (letters, digits, - _ . :)');
const lbServer = { loadBalancer: nodeName, backend: haproxyName, server: haproxyName };
/** What every one-step change carries through the change gate. */
const gated = {
  /** What the operator typed: must equal the preview's confirmation on a protected cluster. */
  confirm: z.string().max(200).optional(),
  /** The id of the change this one puts back ("put it back" on its event). */
  revertOf: z.string().min(1).max(100).optional(),
};
/** Same rule as inventory names: a replica's `auth.secretRef` is one. */
const secretRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected a secret name of letters, digits, ".", "_" or "-"');
/** The value goes into an HTTP header: a line break would end it (undici refuses it anyway). */
const secretValue = z
  .string()
  .min(1)
  .max(8192)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'a secret is sent in an HTTP header: no line breaks or control characters');

export const methods = {
  /** Everything the console needs to draw itself once; later changes arrive as events. */
  'fleet.snapshot': { input: z.strictObject({}), output: FleetSnapshot },
  'node.get': { input: z.strictObject({ name: nodeName }), output: NodeStatus },
  'events.list': {
    input: z.strictObject({
      subject: nodeName.optional(),
      beforeId: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    output: z.array(FleetEvent),
  },
  /** Trust an unknown host's key. The fingerprint must be the one shown, so a key that changed meanwhile is not trusted. */
  'hostKeys.trust': {
    input: z.strictObject({ node: nodeName, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }),
    output: z.object({ trusted: z.literal(true) }),
  },
  /**
   * The operator enters the passphrase of an encrypted identity file the inventory names. It is
   * checked against the file before it is kept; the reply names the nodes that will be re-probed
   * and never carries the passphrase back.
   */
  'ssh.providePassphrase': {
    input: z.strictObject({ identityFile: z.string().min(1).max(4096), passphrase: z.string().min(1).max(1024) }),
    output: z.object({ accepted: z.literal(true), nodes: z.array(nodeName) }),
  },
  /**
   * The operator enters the value of a secret a replica's `auth.secretRef` names (only such
   * refs). The replicas using it are re-probed now and named in the reply, which never carries
   * the value back; `persisted` says whether it outlives the process (desktop: OS keychain).
   */
  'secrets.set': {
    input: z.strictObject({ ref: secretRef, value: secretValue }),
    output: z.object({ stored: z.literal(true), persisted: z.boolean(), replicas: z.array(nodeName) }),
  },
  /**
   * What the change gate says of a load balancer change before it is made: the exact HAProxy
   * command, the word to type on a protected cluster, the setting now, what would refuse it.
   */
  'lb.previewChange': {
    input: z.strictObject({ ...lbServer, change: LbChange }),
    output: ChangePreview,
  },
  /**
   * HAProxy `set server B/S state …`, through the change gate: refused while read-only
   * (READ_ONLY), without the typed confirmation on a protected cluster (CONFIRMATION_REQUIRED),
   * while a run holds the server (RUNBOOK_LOCKED); audited with the setting before and after.
   */
  'lb.setServerState': {
    input: z.strictObject({ ...lbServer, state: z.enum(['ready', 'drain', 'maint']), ...gated }),
    output: LoadBalancerStatus,
  },
  /** HAProxy `set weight B/S N`, through the change gate like lb.setServerState. */
  'lb.setWeight': {
    input: z.strictObject({ ...lbServer, weight: z.number().int().min(0).max(256), ...gated }),
    output: LoadBalancerStatus,
  },
  'runbooks.list': { input: z.strictObject({}), output: z.array(RunbookSummary) },
  /** Resolves a runbook against the fleet as it is now; nothing is sent. A dry run is this plan. */
  'runbooks.plan': {
    input: z.strictObject({
      runbook: nodeName,
      target: nodeName,
      params: z.record(z.string().min(1).max(64), z.string().max(1024)).optional(),
      /** Lets a failed overridable precondition (capacity) pass; recorded in the audit log. */
      overrideReason: z.string().min(3).max(500).optional(),
    }),
    output: RunbookPlan,
  },
  /** Plans again (the fleet may have moved since the preview) and starts the run. */
  'runbooks.run': {
    input: z.strictObject({
      runbook: nodeName,
      target: nodeName,
      params: z.record(z.string().min(1).max(64), z.string().max(1024)).optional(),
      overrideReason: z.string().min(3).max(500).optional(),
      /** What the operator typed: must equal the plan's confirmation for a protected target. */
      confirm: z.string().max(200).optional(),
    }),
    output: RunView,
  },
  'runs.list': { input: z.strictObject({}), output: z.array(RunView) },
  'runs.abort': { input: z.strictObject({ runId: z.string().min(1).max(100) }), output: RunView },
  /** For a stopped or interrupted run. */
  'runs.rollback': { input: z.strictObject({ runId: z.string().min(1).max(100) }), output: RunView },
  'runs.continue': { input: z.strictObject({ runId: z.string().min(1).max(100) }), output: RunView },
  /** The console's read-only switch: refuses every changing step while on. */
  'settings.setReadOnly': { input: z.strictObject({ global: z.boolean(), clusters: z.array(nodeName).max(1000) }), output: z.object({ global: z.boolean(), clusters: z.array(z.string()) }) },
  /**
   * One subject's history over the last hour (every probe), day (1-minute rollups) or 30 days
   * (30-minute rollups), as columns for a plot; at most 1,500 points. NOT_FOUND for a subject
   * neither the inventory nor the history knows. Live points come from the usual pushes
   * (shared/history.ts says which field is which metric).
   */
  'history.series': { input: HistoryQuery, output: HistorySeries },
  /** A service's per-minute requests (30 d: per 30 minutes) through its frontend, for the availability and burn plots. */
  'availability.series': {
    input: z.strictObject({ service: nodeName, range: z.enum(['1h', '24h', '30d']) }),
    output: AvailabilitySeries,
  },
  'lab.status': { input: z.strictObject({}), output: LabInfo.nullable() },
  'lab.replicaFault': {
    input: z.strictObject({
      replica: nodeName,
      /** null clears the replica's fault. */
      kind: LabReplicaFaultKind.nullable(),
      retryAfterSeconds: z.number().int().min(1).max(3600).optional(),
      slowMs: z.number().int().min(1).max(120_000).optional(),
    }),
    output: LabServicesInfo,
  },
  /** Steady requests through the lab's frontend; 0 stops. */
  'lab.traffic': { input: z.strictObject({ ratePerSecond: z.number().min(0).max(200) }), output: LabServicesInfo },
  'lab.injectFault': {
    input: z.strictObject({ node: nodeName, kind: LabFaultKind, gpuIndex: z.number().int().min(0).max(63).optional() }),
    output: LabInfo,
  },
  'lab.clearFault': {
    input: z.strictObject({ node: nodeName, kind: LabFaultKind.optional() }),
    output: LabInfo,
  },
  /** A lab training job's checkpoint writer: turn one fault on or off (NOT_FOUND when the lab runs no such job). */
  'lab.jobFault': {
    input: z.strictObject({ job: nodeName, kind: LabJobFaultKind, active: z.boolean() }),
    output: LabInfo,
  },
  /** Failover drills (shared/drill-run.ts): list, dry run, start, abort, history, stop-all, pause/resume, game-day link. */
  ...drillMethods,
  /** Drill reports (md/json/html) and a drill's history across runs: shared/drill-report.ts. */
  ...drillReportMethods,
  /** Incidents: opened by rule or by hand, milestones, notes (shared/incident.ts). */
  ...incidentMethods,
  /** The timeline: every event filtered, searched and paged in the store (shared/timeline.ts). */
  ...timelineMethods,
  /** Training clusters: schedulers, their nodes beside the console's verdict, jobs and checkpoints (shared/training.ts). */
  ...trainingMethods,
  /** Spare capacity: per failure domain, per service, the largest-domain loss (shared/capacity.ts). */
  ...capacityMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.infer<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>;

export const methodNames = Object.keys(methods) as MethodName[];
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/**
 * What changed in one node's status since the last push (shared/node-delta.ts makes and applies
 * it): `set` holds the changed fields with their new values (`gpus` whole when their number
 * changed); `gpus` the GPUs that changed, by position, with their changed fields.
 */
export const NodeStatusChange = z.object({
  name: z.string(),
  set: NodeStatus.omit({ name: true }).partial(),
  gpus: z.array(z.object({ at: z.number().int().min(0), set: GpuStatus.partial() })).optional(),
});
export type NodeStatusChange = z.infer<typeof NodeStatusChange>;

export const pushEvents = {
  /**
   * Node statuses that changed since the last push, batched: `nodes` whole (a node pushed for
   * the first time), `changes` as deltas against the statuses the previous push left. `seq`
   * numbers the pushes one by one (the snapshot says which one it includes, `nodesSeq`): a
   * receiver whose last one is not `seq - 1` missed one, and fetches the snapshot again.
   */
  'nodes.updated': z.object({ seq: z.number().int().min(1), nodes: z.array(NodeStatus), changes: z.array(NodeStatusChange) }),
  /** A row appended to the event store. */
  'event.appended': FleetEvent,
  'inventory.changed': z.object({ topology: Topology.nullable(), error: FleetErrorData.nullable() }),
  'hostKeys.changed': z.object({ pending: z.array(HostKeyPrompt) }),
  'lab.changed': LabInfo.nullable(),
  'replicas.updated': z.object({ replicas: z.array(ReplicaStatus) }),
  'loadBalancers.updated': z.object({ loadBalancers: z.array(LoadBalancerStatus) }),
  'services.updated': z.object({ services: z.array(ServiceAvailability) }),
  'labServices.changed': LabServicesInfo.nullable(),
  /** Live progress of a runbook run: every step's status, output and duration. */
  'run.updated': RunView,
  /** A drill run changed (phase, milestone, per-second sample): shared/drill-run.ts. */
  ...drillPushEvents,
  /** An incident changed: shared/incident.ts. */
  ...incidentPushEvents,
  /** The training overview changed: shared/training.ts. */
  ...trainingPushEvents,
  /** The capacity overview changed: shared/capacity.ts. */
  ...capacityPushEvents,
} as const;

export type PushEvents = typeof pushEvents;
export type PushEventName = keyof PushEvents;
export type PushEventPayload<E extends PushEventName> = z.infer<PushEvents[E]>;
export type PushEvent = { [E in PushEventName]: { event: E; payload: PushEventPayload<E> } }[PushEventName];

/** Result of a call as it crosses a transport: errors are data, never thrown across. */
export const CallResult = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: FleetErrorData }),
]);
export type CallResult<T = unknown> = { ok: true; result: T } | { ok: false; error: FleetErrorData };

/** Request envelope on every transport. */
export const RequestEnvelope = z.strictObject({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  params: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

/** WebSocket frames from the server: a reply to a request, or a pushed event. */
export type ServerFrame =
  /** id is null when the request was too malformed to carry one. */
  | ({ type: 'reply'; id: number | null } & CallResult)
  | { type: 'event'; event: PushEventName; payload: unknown };

/** Electron IPC channel names (one for calls, one for pushed events). */
export const IPC_INVOKE_CHANNEL = 'fleet:invoke';
export const IPC_EVENT_CHANNEL = 'fleet:event';
