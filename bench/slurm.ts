/**
 * `npm run bench:slurm`: what one Slurm poll costs the console at 2,048 nodes. The answers are the
 * v0.0.38 `/nodes` and `/jobs` recorded from a real slurmrestd 22.05.8
 * (test/fixtures/slurm/v0.0.38/), scaled up: every node and job is a recorded one with its name,
 * state, GRES and hostlist rewritten, pretty-printed as slurmrestd prints them. Each poll is
 * parsed and joined with a fleet of 2,048 inventory node names (Slurm name → inventory node,
 * its state, the jobs on it and their GPUs), as the scheduler view needs it.
 *
 * Prints CPU ms per poll (process.cpuUsage: user + system) p50/p95/max, twice:
 *  - parse + join, from the answers' text (JSON.parse, shape checks, hostlists, GRES, join);
 *  - the same over loopback HTTP from a server in a child process (the transport's reads too).
 * Target: < 50 ms per poll. The last line is one JSON object.
 *
 *   npm run bench:slurm -- [--nodes 2048] [--jobs 300] [--polls 40]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SlurmJob, SlurmNode } from '../shared/slurm';
import type { TrainingJob, TrainingNode } from '../shared/training';
import { joinJob, joinNodes } from '../electron/core/training/join-training';
import type { TrainingCluster } from '../electron/core/training/training-inventory';
import { checkAnswer } from '../electron/core/slurm/classify-answer';
import { parseJobs, parseNodes } from '../electron/core/slurm/parse-answer';
import { restRequest } from '../electron/core/slurm/rest-transport';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '2048' },
    jobs: { type: 'string', default: '300' },
    polls: { type: 'string', default: '40' },
  },
});
const NODES = Number(values.nodes);
const JOBS = Number(values.jobs);
const POLLS = Number(values.polls);
const WARMUP = 5;
const TARGET_MS = 50;
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'slurm', 'v0.0.38');

type Json = Record<string, unknown>;
const recorded = (name: string): Json => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Json;
const nodeName = (i: number) => `gpu-${String(i + 1).padStart(4, '0')}`;

/** 2,048 recorded nodes: most busy, some draining or drained, a few down, 8 GPUs each. */
function scaledNodes(): string {
  const answer = recorded('nodes');
  const templates = answer.nodes as Json[];
  const busy = templates.find((n) => n.state === 'mixed' && (n.state_flags as string[]).length === 0)!;
  const draining = templates.find((n) => n.state === 'mixed' && (n.state_flags as string[]).includes('DRAIN'))!;
  const drained = templates.find((n) => n.state === 'idle')!;
  const nodes = Array.from({ length: NODES }, (_, i) => {
    const t = i % 97 === 0 ? drained : i % 53 === 0 ? draining : busy;
    const down = i % 211 === 0;
    return {
      ...t,
      name: nodeName(i),
      hostname: nodeName(i),
      state: down ? 'down' : i % 5 === 0 ? 'allocated' : t.state,
      state_flags: down ? ['NOT_RESPONDING'] : t.state_flags,
      gres: 'gpu:h100:8(S:0-1)',
      gres_used: t === drained ? 'gpu:h100:0(IDX:N/A)' : 'gpu:h100:8(IDX:0-7)',
      partitions: ['train'],
    };
  });
  return JSON.stringify({ ...answer, nodes }, null, 2);
}

/** Jobs over the nodes in blocks (a hostlist each), plus a tail of pending ones. */
function scaledJobs(): string {
  const answer = recorded('jobs');
  const templates = answer.jobs as Json[];
  const running = templates.find((j) => j.job_state === 'RUNNING')!;
  const pending = templates.find((j) => j.job_state === 'PENDING')!;
  const runningCount = Math.floor(JOBS * 0.8);
  const per = Math.max(1, Math.floor(NODES / runningCount));
  const jobs = Array.from({ length: JOBS }, (_, i) => {
    if (i >= runningCount) return { ...pending, job_id: 10_000 + i, name: `queued-${i}`, nodes: '', gres_detail: [], node_count: per };
    const first = i * per;
    const nodes = per === 1 ? nodeName(first) : `gpu-[${String(first + 1).padStart(4, '0')}-${String(first + per).padStart(4, '0')}]`;
    return {
      ...running,
      job_id: 10_000 + i,
      name: `train-${i}`,
      nodes,
      node_count: per,
      gres_detail: Array.from({ length: per }, () => 'gpu:h100:8(IDX:0-7)'),
      comment: `fleetops:ckpt=/lustre/run-${i}/ckpt`,
    };
  });
  return JSON.stringify({ ...answer, jobs }, null, 2);
}

/** Inventory names: the same as Slurm's, except every 50th node, mapped through `slurmName`. */
const fleet = Array.from({ length: NODES }, (_, i) => ({ node: i % 50 === 0 ? `inv-${i}` : nodeName(i), slurmName: nodeName(i) }));

/** The cluster as the training feature holds it (training-inventory.ts): Slurm's names ↔ the inventory's. */
const cluster: TrainingCluster = {
  region: 'bench',
  cluster: 'bench-train',
  protected: false,
  scheduler: { kind: 'slurm', restd: { url: 'http://127.0.0.1:1', user: 'ops', tokenRef: 'bench' }, controlVia: fleet[0].node },
  toInventory: new Map(fleet.map((f) => [f.slurmName, f.node])),
  toSlurm: new Map(fleet.map((f) => [f.node, f.slurmName])),
};
/** Every tenth node judged unhealthy by the console, so the join writes its disagreements. */
const verdict = (node: string) => (node.endsWith('0') ? { health: 'unhealthy' as const, reasons: ['XID 79 on GPU 3'] } : { health: 'healthy' as const, reasons: [] });

interface Joined {
  nodes: TrainingNode[];
  jobs: TrainingJob[];
}

/** The product's join (training/join-training.ts): every node beside its verdict, every job with its risk. */
function joinFleet(nodes: SlurmNode[], jobs: SlurmJob[]): Joined {
  const read = { state: 'ok' as const, at: Date.now(), apiVersion: 'v0.0.38', nodes, jobs, partitions: [] };
  const joined = joinNodes(cluster, read, verdict);
  const byName = new Map(joined.map((n) => [n.node, n]));
  return { nodes: joined, jobs: jobs.map((j) => joinJob(cluster, j, byName, { checkpoint: null, interruptions: 0, now: read.at })) };
}

const ctx = { what: 'GET', where: 'bench', user: 'ops', token: 't', now: Date.now() };

function parseAndJoin(nodesText: string, jobsText: string): Joined {
  const nodes = parseNodes(checkAnswer({ status: 200, body: nodesText, elapsedMs: 1 }, ctx), 'v0.0.38');
  const jobs = parseJobs(checkAnswer({ status: 200, body: jobsText, elapsedMs: 1 }, ctx), 'v0.0.38');
  if (nodes.skipped.length + jobs.skipped.length > 0) throw new Error(`skipped: ${JSON.stringify([...nodes.skipped, ...jobs.skipped].slice(0, 3))}`);
  return joinFleet(nodes.items, jobs.items);
}

async function measure(label: string, poll: () => Promise<Joined>): Promise<{ label: string; p50: number; p95: number; max: number }> {
  const samples: number[] = [];
  let check: Joined = { nodes: [], jobs: [] };
  for (let i = 0; i < WARMUP + POLLS; i++) {
    const before = process.cpuUsage();
    check = await poll();
    const used = process.cpuUsage(before);
    if (i >= WARMUP) samples.push((used.user + used.system) / 1000);
  }
  if (check.nodes.length !== NODES || !check.nodes.some((n) => n.jobs.length > 0) || !check.nodes.some((n) => n.disagreement !== null)) throw new Error('the join lost nodes, jobs or disagreements');
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)];
  return { label, p50: at(0.5), p95: at(0.95), max: samples[samples.length - 1] };
}

/** A server in its own process (its CPU is not ours): answers /nodes and /jobs with the payloads. */
async function startServer(nodesText: string, jobsText: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const code = `
    let input = '';
    process.stdin.on('data', (c) => (input += c));
    process.stdin.on('end', () => {
      const { nodes, jobs } = JSON.parse(input);
      const body = { '/slurm/v0.0.38/nodes': Buffer.from(nodes), '/slurm/v0.0.38/jobs': Buffer.from(jobs) };
      const srv = require('node:http').createServer((req, res) => {
        const b = body[req.url];
        res.writeHead(b ? 200 : 404, { 'content-type': 'application/json', 'content-length': b ? b.length : 0 });
        res.end(b);
      });
      srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
    });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify({ nodes: nodesText, jobs: jobsText }));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (c) => reject(new Error(`bench server exited (${c})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

async function main(): Promise<void> {
  const nodesText = scaledNodes();
  const jobsText = scaledJobs();
  const kb = (s: string) => Math.round(Buffer.byteLength(s) / 1024);
  console.log(`Slurm poll at ${NODES} nodes, ${JOBS} jobs (v0.0.38 answers: /nodes ${kb(nodesText)} KiB, /jobs ${kb(jobsText)} KiB), ${POLLS} polls after ${WARMUP} warm-up`);

  const parsed = await measure('parse + join', async () => parseAndJoin(nodesText, jobsText));
  const server = await startServer(nodesText, jobsText);
  let http;
  try {
    const target = { url: server.url, user: 'ops', token: 't' };
    http = await measure('HTTP + parse + join', async () => {
      const [n, j] = await Promise.all([restRequest(target, 'GET', '/slurm/v0.0.38/nodes'), restRequest(target, 'GET', '/slurm/v0.0.38/jobs')]);
      return parseAndJoin(n.body, j.body);
    });
  } finally {
    await server.stop();
  }
  for (const r of [parsed, http]) {
    const verdict = r.p95 < TARGET_MS ? 'ok' : 'OVER TARGET';
    console.log(`  ${r.label.padEnd(20)} CPU per poll: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms  (target < ${TARGET_MS} ms: ${verdict})`);
  }
  console.log(JSON.stringify({ nodes: NODES, jobs: JOBS, nodesKiB: kb(nodesText), jobsKiB: kb(jobsText), targetMs: TARGET_MS, parseJoin: parsed, http }));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
