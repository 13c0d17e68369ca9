/**
 * Replicas, load balancers and SLOs with defaults applied and references resolved (cross-checks
 * have already proved every name lands).
 */
import type { InventoryFile, ResolvedNode } from '../../../shared/inventory';
import { parseDurationMs } from '../../../shared/duration';
import { DEFAULT_BURN_ALERTS, type BurnAlert } from '../incidents/burn-rule';

export interface ResolvedReplica {
  name: string;
  node: string | null;
  region: string | null;
  cluster: string | null;
  url: string;
  model: string;
  api: 'openai' | 'azure-openai';
  apiVersion: string | null;
  auth: { header: string; secretRef: string } | null;
  health: { path: string; intervalSeconds: number; timeoutSeconds: number };
  prompt: { text: string; expect: string; maxTokens: number; intervalSeconds: number } | null;
  /** Requests per second one replica serves (inventory `capacity`); null when not declared. */
  capacity: { requestsPerSecond: number } | null;
  /** Held out of rotation to replace a failed replica; null for an active replica. */
  spare: ResolvedSpare | null;
}

export interface ResolvedSpare {
  mode: 'warm' | 'cold';
  /** Expected seconds from starting its service to its first healthy answer (inventory `startup`); null when not declared. */
  startupSeconds: number | null;
  /** Its inference server's systemd unit (default `vllm`). */
  unit: string;
  /** Backends or clusters it may replace into; empty: the backends it is a server of. */
  replaces: string[];
}

export const DEFAULT_SPARE_UNIT = 'vllm';

export type ResolvedRuntime = { kind: 'ssh-unix'; via: ResolvedNode; path: string } | { kind: 'tcp'; host: string; port: number };

export interface ResolvedLoadBalancer {
  name: string;
  kind: 'haproxy';
  runtime: ResolvedRuntime;
  frontendUrl: string;
  backends: { name: string; servers: string[] }[];
  intervalSeconds: number;
}

export interface ResolvedSlo {
  service: string;
  target: number;
  loadBalancer: string;
  frontendUrl: string;
  /** When its budget burning opens an incident (electron/core/incidents/burn-rule.ts). */
  alerts: BurnAlert[];
}

export const DEFAULT_REPLICA_HEALTH_TIMEOUT_SECONDS = 5;
export const DEFAULT_LB_INTERVAL_SECONDS = 5;

export function resolveServices(
  file: InventoryFile,
  nodes: ResolvedNode[],
): { replicas: ResolvedReplica[]; loadBalancers: ResolvedLoadBalancer[]; slos: ResolvedSlo[] } {
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const replicas: ResolvedReplica[] = (file.replicas ?? []).map((r) => {
    const node = r.node ? nodeByName.get(r.node) ?? null : null;
    return {
      name: r.name,
      node: r.node ?? null,
      region: node?.region ?? null,
      cluster: node?.cluster ?? null,
      url: r.url.replace(/\/+$/, ''),
      model: r.model,
      api: r.api ?? 'openai',
      apiVersion: r.apiVersion ?? null,
      auth: r.auth ?? null,
      health: { path: r.health.path, intervalSeconds: r.health.intervalSeconds, timeoutSeconds: r.health.timeoutSeconds ?? DEFAULT_REPLICA_HEALTH_TIMEOUT_SECONDS },
      prompt: r.prompt ?? null,
      capacity: r.capacity ?? null,
      spare:
        r.role === 'spare'
          ? { mode: r.mode ?? 'cold', startupSeconds: r.startup ? parseDurationMs(r.startup)! / 1000 : null, unit: r.unit ?? DEFAULT_SPARE_UNIT, replaces: r.replaces ?? [] }
          : null,
    };
  });
  const loadBalancers: ResolvedLoadBalancer[] = (file.loadBalancers ?? []).map((lb) => ({
    name: lb.name,
    kind: lb.kind,
    runtime: 'socket' in lb.runtime ? { kind: 'ssh-unix', via: nodeByName.get(lb.runtime.via)!, path: lb.runtime.socket } : parseTcp(lb.runtime.tcp),
    frontendUrl: lb.frontend.url.replace(/\/+$/, ''),
    backends: Object.entries(lb.backends).map(([name, servers]) => ({ name, servers })),
    intervalSeconds: lb.intervalSeconds ?? DEFAULT_LB_INTERVAL_SECONDS,
  }));
  const slos: ResolvedSlo[] = (file.slo ?? []).map((s) => {
    const lb = loadBalancers.find((l) => l.backends.some((b) => b.name === s.service))!;
    const alerts = s.alerts === undefined ? DEFAULT_BURN_ALERTS : s.alerts.map((a) => ({ longMs: parseDurationMs(a.long)!, shortMs: parseDurationMs(a.short)!, burnRate: a.burnRate }));
    return { service: s.service, target: s.target, loadBalancer: lb.name, frontendUrl: lb.frontendUrl, alerts };
  });
  return { replicas, loadBalancers, slos };
}

function parseTcp(spec: string): { kind: 'tcp'; host: string; port: number } {
  const i = spec.lastIndexOf(':');
  return { kind: 'tcp', host: spec.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(spec.slice(i + 1)) };
}
