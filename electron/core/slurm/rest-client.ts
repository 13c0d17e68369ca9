import { FleetError } from '../../../shared/errors';
import type { SlurmApi, SlurmJob, SlurmNode, SlurmPartition, SlurmSnapshot } from '../../../shared/slurm';
import { hostPort } from '../replica/probe-classify';
import { checkAnswer } from './classify-answer';
import { detectSlurmApi } from './openapi-detect';
import { parseJobs, parseNodes, parsePartitions, releaseFromMeta } from './parse-answer';
import type { ParsedItems } from './parse-items';
import { restRequest, type RestTarget } from './rest-transport';

export interface SlurmRestOptions {
  /** slurmrestd's base URL. */
  url: string;
  /** Sent as X-SLURM-USER-NAME. */
  user: string;
  /** The JWT (X-SLURM-USER-TOKEN), or how to read the current one (a secret store) per request. */
  token: string | (() => string | Promise<string>);
  /** Per request, connect to last byte. Default 10 s. */
  timeoutMs?: number;
  /** Per answer. Default 64 MiB. */
  maxBodyBytes?: number;
  /** Extra CA (PEM) for https. */
  ca?: string;
  /** A 22.05 "HTTP 500 Unspecified error" that took this long is the controller, not the token. Default 4000. */
  slowControllerMs?: number;
  now?: () => number;
}

/**
 * slurmrestd, read as the console needs it. The OpenAPI plugin is detected once from
 * `/openapi/v3` and kept; an answer of 404 (the server was upgraded under us) forgets it, so the
 * next read detects again. Every failure is a FleetError (see classify-answer.ts and
 * rest-transport.ts for the codes and `detail.reason`); nothing is thrown raw.
 */
export class SlurmRestClient {
  private api: SlurmApi | undefined;
  private readonly now: () => number;
  readonly where: string;

  constructor(private readonly opts: SlurmRestOptions) {
    this.now = opts.now ?? Date.now;
    this.where = hostPort(opts.url);
  }

  /** Reads `/openapi/v3` and picks the plugin (always asks the server). */
  async detect(): Promise<SlurmApi> {
    const json = await this.request('GET', '/openapi/v3');
    this.api = detectSlurmApi(json);
    return this.api;
  }

  /** The plugin in use, detected on first need. */
  async currentApi(): Promise<SlurmApi> {
    return this.api ?? (await this.detect());
  }

  forgetApi(): void {
    this.api = undefined;
  }

  async nodes(): Promise<ParsedItems<SlurmNode>> {
    return this.read('nodes', parseNodes);
  }

  async jobs(): Promise<ParsedItems<SlurmJob>> {
    return this.read('jobs', parseJobs);
  }

  async partitions(): Promise<ParsedItems<SlurmPartition>> {
    return this.read('partitions', parsePartitions);
  }

  /** One poll: nodes, partitions and jobs (asked at once), with what had to be skipped. */
  async snapshot(): Promise<SlurmSnapshot> {
    const api = await this.currentApi();
    const [nodes, partitions, jobs] = await Promise.all([this.nodes(), this.partitions(), this.jobs()]);
    return {
      api: this.api ?? api,
      nodes: nodes.items,
      partitions: partitions.items,
      jobs: jobs.items,
      skipped: [...nodes.skipped, ...partitions.skipped, ...jobs.skipped],
      polledAt: this.now(),
    };
  }

  /** POST a JSON body below the base URL; the checked answer object (see execute-change.ts). */
  async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    return this.request('POST', path, body);
  }

  private async read<T>(what: 'nodes' | 'jobs' | 'partitions', parse: (json: Record<string, unknown>, family: SlurmApi['family'], what: string) => ParsedItems<T>): Promise<ParsedItems<T>> {
    const api = await this.currentApi();
    const path = `${api.basePath}/${what}`;
    const json = await this.request('GET', path);
    if (api.release === null) {
      const release = releaseFromMeta(json);
      if (release && this.api) this.api = { ...this.api, release };
    }
    return parse(json, api.family, `GET ${path}`);
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const token = await this.token();
    const target: RestTarget = { url: this.opts.url, user: this.opts.user, token, timeoutMs: this.opts.timeoutMs, maxBodyBytes: this.opts.maxBodyBytes, ca: this.opts.ca };
    const answer = await restRequest(target, method, path, body, this.now);
    try {
      return checkAnswer(answer, { what: `${method} ${path}`, where: this.where, user: this.opts.user, token, now: this.now(), slowControllerMs: this.opts.slowControllerMs });
    } catch (err) {
      if (err instanceof FleetError && err.code === 'NOT_FOUND') this.forgetApi();
      throw err;
    }
  }

  private async token(): Promise<string> {
    const { token } = this.opts;
    let value: string;
    try {
      value = typeof token === 'function' ? await token() : token;
    } catch (err) {
      throw new FleetError('UNAUTHORIZED', `no token for slurmrestd at ${this.where}: ${err instanceof Error ? err.message : String(err)}`, { subject: this.where, detail: { reason: 'no-token' }, cause: err });
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new FleetError('UNAUTHORIZED', `no token for slurmrestd at ${this.where}: the secret is empty.`, { subject: this.where, detail: { reason: 'no-token' } });
    }
    return value.trim();
  }
}
