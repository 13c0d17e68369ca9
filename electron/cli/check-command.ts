import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { toErrorData } from '../../shared/errors';
import { checkExitCode, checkFleet, type CheckReport } from '../core/fleet/check';
import { loadInventoryFile } from '../core/inventory/load-inventory';
import { SshPool } from '../core/ssh/pool';
import type { CliIo } from './io';
import { cliPassphrases, inventoryEnvFromProcess, secretFromEnv } from './runtime-env';

export const CHECK_USAGE = `Usage: fleetops check --inventory FILE [--json] [--concurrency N]
Probes every node once, reads every replica, load balancer and Slurm scheduler once, lists
every followed training job's checkpoints once, and prints the fleet's health.
Exit status: 0 all healthy, 1 something degraded (a stale checkpoint too), 2 something unhealthy
or unreachable (a scheduler too),
3 the check could not run (bad inventory, …) or a node could not be judged.`;

/** Every option `check` parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const CHECK_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  json: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCheckCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: CHECK_OPTIONS, strict: true }));
  } catch (err) {
    io.err(`fleetops check: ${(err as Error).message}\n${CHECK_USAGE}`);
    return 3;
  }
  if (values.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  if (!values.inventory) {
    io.err(`fleetops check: --inventory FILE is required\n${CHECK_USAGE}`);
    return 3;
  }
  const concurrency = values.concurrency === undefined ? 32 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
    io.err('fleetops check: --concurrency must be an integer from 1 to 1024');
    return 3;
  }
  let inventory;
  try {
    inventory = await loadInventoryFile(resolve(values.inventory), inventoryEnvFromProcess());
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops check: ${e.code}: ${e.message}`);
    for (const d of (e.detail as { errors?: { file: string; line: number; column: number; path: string; message: string }[] } | undefined)?.errors ?? []) {
      io.err(`  ${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.message}`);
    }
    return 3;
  }
  const pool = new SshPool({ passphrases: cliPassphrases(), connectTimeoutMs: 10_000 });
  let report: CheckReport;
  try {
    report = await checkFleet(pool, inventory, { concurrency, getSecret: secretFromEnv() });
  } finally {
    await pool.closeAll();
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else io.out(formatReport(report));
  const unknown = [...report.nodes, ...report.replicas, ...report.loadBalancers, ...report.schedulers, ...report.jobs].filter((n) => n.health === 'unknown');
  if (unknown.length) io.err(`could not judge ${unknown.map((n) => `${n.name} (${n.reasons[0] ?? 'no reason'})`).join(', ')}`);
  return checkExitCode(report);
}

export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  const width = Math.max(4, ...[...report.nodes, ...report.replicas, ...report.loadBalancers, ...report.schedulers, ...report.jobs].map((n) => n.name.length));
  for (const n of report.nodes) {
    const gpus = n.gpus.length ? `${n.gpus.filter((g) => g.health === 'healthy').length}/${n.gpus.length} GPUs ok` : 'no GPU data';
    lines.push(`${n.name.padEnd(width)}  ${n.health.toUpperCase().padEnd(11)}  ${n.region}/${n.cluster}  ${gpus}`);
    for (const r of n.reasons) lines.push(`${' '.repeat(width)}    - ${r}`);
  }
  for (const r of report.replicas) {
    lines.push(`${r.name.padEnd(width)}  ${r.health.toUpperCase().padEnd(11)}  replica${r.latencyMs !== null ? `  ${r.latencyMs} ms` : ''}${r.retryAfterSeconds !== null ? `  retry after ${r.retryAfterSeconds} s` : ''}`);
    for (const reason of r.reasons) lines.push(`${' '.repeat(width)}    - ${reason}`);
  }
  for (const lb of report.loadBalancers) {
    lines.push(`${lb.name.padEnd(width)}  ${lb.health.toUpperCase().padEnd(11)}  load balancer  ${lb.servers.map((s) => `${s.backend}/${s.server} ${s.status}`).join(', ')}`);
    for (const reason of lb.reasons) lines.push(`${' '.repeat(width)}    - ${reason}`);
  }
  for (const sch of report.schedulers) {
    lines.push(`${sch.name.padEnd(width)}  ${sch.health.toUpperCase().padEnd(11)}  slurm  ${sch.url}${sch.apiVersion ? ` (${sch.apiVersion})` : ''}  ${sch.nodes} nodes, ${sch.runningJobs} jobs running`);
    for (const reason of sch.reasons) lines.push(`${' '.repeat(width)}    - ${reason}`);
  }
  for (const j of report.jobs) {
    const c = j.checkpoint;
    lines.push(`${j.name.padEnd(width)}  ${j.health.toUpperCase().padEnd(11)}  job ${j.id ?? '-'} ${j.state} on ${j.cluster}  checkpoint ${c.level}${c.newestComplete ? ` (${c.newestComplete}, ${c.newestCompleteAgeSeconds} s old, policy ${c.policySeconds} s)` : ''}`);
    for (const reason of j.reasons) lines.push(`${' '.repeat(width)}    - ${reason}`);
  }
  const counts = new Map<string, number>();
  for (const n of report.nodes) counts.set(n.health, (counts.get(n.health) ?? 0) + 1);
  lines.push('');
  lines.push(`${report.nodes.length} nodes: ${[...counts].map(([h, c]) => `${c} ${h}`).join(', ') || 'none'}`);
  if (report.replicas.length) lines.push(`${report.replicas.length} replicas: ${summarize(report.replicas)}`);
  if (report.loadBalancers.length) lines.push(`${report.loadBalancers.length} load balancers: ${summarize(report.loadBalancers)}`);
  if (report.schedulers.length) lines.push(`${report.schedulers.length} schedulers: ${summarize(report.schedulers)}`);
  if (report.jobs.length) lines.push(`${report.jobs.length} training jobs: ${summarize(report.jobs)}`);
  return lines.join('\n');
}

function summarize(list: { health: string }[]): string {
  const counts = new Map<string, number>();
  for (const x of list) counts.set(x.health, (counts.get(x.health) ?? 0) + 1);
  return [...counts].map(([h, c]) => `${c} ${h}`).join(', ');
}
