/**
 * The other side of lab-control.ts: finds a running lab through DIR/lab.json and talks to it.
 * A lab that is not running (no lab.json, or nobody listening at its URL any more) is reported
 * as LAB_NOT_RUNNING, so the CLI can say "start it with `fleetops lab`" instead of a socket error.
 */
import { readFile } from 'node:fs/promises';
import { FleetError, FleetErrorData } from '../../../shared/errors';
import { LabServicesInfo, type LabReplicaFaultKind } from '../../../shared/services';
import { LabInfo, type LabFault, type LabFaultKind, type LabJobFaultKind } from '../../../shared/status';
import { LabControlFile, labPaths } from './lab-files';

export interface LabControlClient {
  status(): Promise<LabInfo>;
  inject(fault: LabFault): Promise<LabInfo>;
  clear(node: string, kind?: LabFaultKind): Promise<LabInfo>;
  /** A training job's checkpoint writer fault on (inject) or off (clear). */
  injectJob(job: string, kind: LabJobFaultKind): Promise<LabInfo>;
  clearJob(job: string, kind: LabJobFaultKind): Promise<LabInfo>;
  injectReplica(fault: { replica: string; kind: LabReplicaFaultKind; retryAfterSeconds?: number; slowMs?: number }): Promise<LabServicesInfo>;
  clearReplica(replica: string): Promise<LabServicesInfo>;
}

function notRunning(dir: string, why: string): FleetError {
  return new FleetError('LAB_NOT_RUNNING', `no lab is running in ${dir} (${why}): start one with \`fleetops lab --dir ${dir}\``, { subject: dir });
}

async function readControlFile(dir: string): Promise<LabControlFile> {
  const file = labPaths(dir).controlFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notRunning(dir, `${file} does not exist`);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notRunning(dir, `${file} is not JSON`);
  }
  const parsed = LabControlFile.safeParse(json);
  if (!parsed.success) throw notRunning(dir, `${file} is not a lab control file`);
  return parsed.data;
}

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

export function labControlClient(dir: string): LabControlClient {
  async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, answer: { parse(v: unknown): T }): Promise<T> {
    const control = await readControlFile(dir);
    let res: Response;
    try {
      res = await fetch(`${control.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${control.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      if (isConnectionRefused(err)) throw notRunning(dir, `nothing listens at ${control.url}; the lab (pid ${control.pid}) has stopped`);
      throw err;
    }
    const json: unknown = await res.json().catch(() => null);
    if (res.ok) return answer.parse(json);
    const error = FleetErrorData.safeParse((json as { error?: unknown } | null)?.error);
    if (error.success) throw new FleetError(error.data.code, error.data.message, { subject: error.data.subject });
    throw new FleetError('INTERNAL', `lab control answered HTTP ${res.status} without an error body`);
  }
  return {
    status: () => call('GET', '/status', undefined, LabInfo),
    inject: (fault) => call('POST', '/faults', fault, LabInfo),
    clear: (node, kind) => call('DELETE', '/faults', kind === undefined ? { node } : { node, kind }, LabInfo),
    injectJob: (job, kind) => call('POST', '/job-faults', { job, kind }, LabInfo),
    clearJob: (job, kind) => call('DELETE', '/job-faults', { job, kind }, LabInfo),
    injectReplica: (fault) => call('POST', '/replica-faults', fault, LabServicesInfo),
    clearReplica: (replica) => call('DELETE', '/replica-faults', { replica }, LabServicesInfo),
  };
}
