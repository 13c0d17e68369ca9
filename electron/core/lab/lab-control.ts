/**
 * Lets another process (the `fleetops lab fault|clear|status` commands) steer a running lab: an
 * HTTP server on 127.0.0.1 with a per-launch random token, advertised in DIR/lab.json (0600, so
 * only the lab's user can read the token).
 *
 *   GET    /status          → LabInfo
 *   POST   /faults          LabFault                                 → LabInfo
 *   DELETE /faults          {node, kind?}                            → LabInfo
 *   POST   /job-faults      {job, kind}                              → LabInfo
 *   DELETE /job-faults      {job, kind}                              → LabInfo
 *   POST   /replica-faults  {replica, kind, retryAfterSeconds?, slowMs?} → LabServicesInfo
 *   DELETE /replica-faults  {replica}                                → LabServicesInfo
 *
 * The replica routes are what a console in another process (`fleetops drill run`, a second
 * `serve`) needs for the drills' replica and region faults (drills/lab-fault-port.ts).
 *
 * Errors are `{ error: FleetErrorData }` with 400 (bad body), 401 (token), 404 (node/GPU/route),
 * 405 (method), 413 (body too large).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { FleetError, toErrorData, type ErrorCode } from '../../../shared/errors';
import { LabReplicaFaultKind } from '../../../shared/services';
import { LabFault, LabFaultKind, LabJobFaultKind } from '../../../shared/status';
import { labPaths, writeFileAtomic, type LabControlFile } from './lab-files';
import type { LabFleet } from './lab-fleet';
import type { LabServices } from './lab-services';

export { labControlClient, type LabControlClient } from './lab-control-client';

export const ClearFaultsBody = z.strictObject({ node: z.string(), kind: LabFaultKind.optional() });
/** A training job's checkpoint writer fault (lab-training.ts), injected with POST and cleared with DELETE. */
export const JobFaultBody = z.strictObject({ job: z.string(), kind: LabJobFaultKind });
export const ReplicaFaultBody = z.strictObject({
  replica: z.string(),
  kind: LabReplicaFaultKind,
  retryAfterSeconds: z.number().int().min(1).max(3600).optional(),
  slowMs: z.number().int().min(1).max(120_000).optional(),
});
export type ReplicaFaultBody = z.infer<typeof ReplicaFaultBody>;
export const ClearReplicaFaultBody = z.strictObject({ replica: z.string() });

/** A fault is a few dozen bytes; anything much larger is not a fault. */
const MAX_BODY_BYTES = 16 * 1024;

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, NOT_FOUND: 404 };

export interface LabControl {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  send(res, status, { error: { code, message } });
}

function authorized(req: IncomingMessage, token: Buffer): boolean {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  return given.length === token.length && timingSafeEqual(given, token);
}

/** A refusal that carries its own HTTP status (one the error code alone does not say). */
class HttpRefusal extends FleetError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is read to its end but not kept, so the 413 answer reaches the client
  // instead of a reset connection.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new HttpRefusal(413, 'BAD_REQUEST', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new FleetError('BAD_REQUEST', `request body is not JSON: ${text.slice(0, 80)}`);
  }
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new FleetError('BAD_REQUEST', `invalid ${what}: ${issues}`);
}

/** `services`: the lab's replicas, if it runs any (the replica routes answer 404 otherwise). */
export async function startLabControl(lab: LabFleet, services: Pick<LabServices, 'setReplicaFault'> | null = null): Promise<LabControl> {
  const token = randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      const data = toErrorData(err);
      send(res, err instanceof HttpRefusal ? err.status : (STATUS_BY_CODE[data.code] ?? 500), { error: data });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req, tokenBytes)) return sendError(res, 401, 'UNAUTHORIZED', 'missing or wrong lab control token (see lab.json)');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/status') {
      if (req.method !== 'GET') return sendError(res, 405, 'BAD_REQUEST', `${req.method} is not allowed on /status (use GET)`);
      return send(res, 200, lab.info());
    }
    if (path === '/faults') {
      if (req.method === 'POST') return send(res, 200, lab.inject(parseBody(LabFault, await readJson(req), 'lab fault')));
      if (req.method === 'DELETE') {
        const { node, kind } = parseBody(ClearFaultsBody, await readJson(req), 'fault clearing request');
        return send(res, 200, lab.clear(node, kind));
      }
      return sendError(res, 405, 'BAD_REQUEST', `${req.method} is not allowed on /faults (use POST or DELETE)`);
    }
    if (path === '/job-faults') {
      if (req.method !== 'POST' && req.method !== 'DELETE') return sendError(res, 405, 'BAD_REQUEST', `${req.method} is not allowed on /job-faults (use POST or DELETE)`);
      const { job, kind } = parseBody(JobFaultBody, await readJson(req), 'job fault');
      return send(res, 200, await lab.setJobFault(job, kind, req.method === 'POST'));
    }
    if (path === '/replica-faults') {
      if (req.method !== 'POST' && req.method !== 'DELETE') return sendError(res, 405, 'BAD_REQUEST', `${req.method} is not allowed on /replica-faults (use POST or DELETE)`);
      if (!services) return sendError(res, 404, 'NOT_FOUND', `the lab in ${lab.dir} runs no replicas`);
      if (req.method === 'POST') {
        const f = parseBody(ReplicaFaultBody, await readJson(req), 'replica fault');
        return send(res, 200, await services.setReplicaFault(f.replica, f.kind, { retryAfterSeconds: f.retryAfterSeconds, slowMs: f.slowMs }));
      }
      const { replica } = parseBody(ClearReplicaFaultBody, await readJson(req), 'replica fault clearing request');
      return send(res, 200, await services.setReplicaFault(replica, null));
    }
    return sendError(res, 404, 'NOT_FOUND', `no route ${path} (routes: GET /status, POST /faults, DELETE /faults, POST /job-faults, DELETE /job-faults, POST /replica-faults, DELETE /replica-faults)`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const controlFile = labPaths(lab.dir).controlFile;
  const advertised: LabControlFile = { url, token, pid: process.pid };
  await writeFileAtomic(controlFile, `${JSON.stringify(advertised)}\n`, 0o600);

  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Remove lab.json only if it is still ours: a newer lab in the same dir may have replaced it.
        const current = await readFile(controlFile, 'utf8').catch(() => null);
        if (current !== null && current.includes(token)) await unlink(controlFile).catch(() => {});
      })();
      return closing;
    },
  };
}
