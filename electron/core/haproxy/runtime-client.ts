import { FleetError } from '../../../shared/errors';
import type { SshPool } from '../ssh/pool';
import { assertHaproxyName, assertSingleCommand } from './identifiers';
import { parseShowInfo } from './parse-info';
import { parseServersState, type ServerStateRow } from './parse-servers-state';
import { parseShowStat, type StatRow } from './parse-stat';
import { describeEndpoint, endpointSubject, type RuntimeEndpoint } from './runtime-endpoint';
import { exchange } from './runtime-exchange';
import { lbBackendViews, lbServerViews, type LbBackendView, type LbServerView } from './server-view';

export const DEFAULT_RUNTIME_TIMEOUT_MS = 5000;
/** `show stat` of a large config is a few hundred KiB; 8 MiB is far past any real reply. */
export const DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024;

export type ServerAdminState = 'ready' | 'drain' | 'maint';
const ADMIN_STATES: readonly ServerAdminState[] = ['ready', 'drain', 'maint'];

export interface HaproxyRuntimeDeps {
  /** Required for `ssh-unix` endpoints: the node's pooled SSH connection carries the stream. */
  pool?: SshPool;
  /** Per command: connecting (SSH channel included) plus the whole reply. Default 5000. */
  timeoutMs?: number;
  /** Default 8 MiB. */
  maxReplyBytes?: number;
}

/**
 * HAProxy's runtime API (the `stats socket`), one command per connection. Reads parse into typed
 * rows; writes are typed methods whose success is HAProxy's empty reply, and whose arguments are
 * checked before anything is sent, so no caller can smuggle a second command in.
 */
export class HaproxyRuntime {
  private readonly timeoutMs: number;
  private readonly maxReplyBytes: number;
  private readonly where: string;
  private readonly subject: string;

  constructor(
    readonly endpoint: RuntimeEndpoint,
    private readonly deps: HaproxyRuntimeDeps = {},
  ) {
    if (endpoint.kind === 'ssh-unix' && !deps.pool) {
      throw new FleetError('BAD_REQUEST', `reaching HAProxy at ${describeEndpoint(endpoint)} needs an SSH pool.`, { subject: endpointSubject(endpoint) });
    }
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_RUNTIME_TIMEOUT_MS;
    this.maxReplyBytes = deps.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    this.where = describeEndpoint(endpoint);
    this.subject = endpointSubject(endpoint);
  }

  /**
   * Sends one command and returns HAProxy's reply as it wrote it. Refuses (BAD_REQUEST, nothing
   * sent) a command holding a line break or ';'. A connection closed without a single byte is
   * HOST_UNREACHABLE: HAProxy always answers something, even "\n" for a successful change.
   */
  async command(cmd: string): Promise<string> {
    assertSingleCommand(cmd);
    const reply = await exchange(this.endpoint, cmd, { timeoutMs: this.timeoutMs, maxReplyBytes: this.maxReplyBytes, pool: this.deps.pool });
    if (reply === '') {
      throw new FleetError(
        'HOST_UNREACHABLE',
        `HAProxy's runtime API at ${this.where} closed the connection without replying to "${cmd}". HAProxy may be restarting, or the socket is not its runtime API.`,
        { subject: this.subject, detail: { command: cmd } },
      );
    }
    return reply;
  }

  async showStat(): Promise<StatRow[]> {
    return this.parsed('show stat', parseShowStat);
  }

  /** The server rows of `show stat`, as the console shows them. */
  async servers(): Promise<LbServerView[]> {
    return (await this.stat()).servers;
  }

  /** One `show stat`: its server rows and its backend rows (what each backend takes in). */
  async stat(): Promise<{ servers: LbServerView[]; backends: LbBackendView[] }> {
    const rows = await this.showStat();
    return this.withSubject(() => ({ servers: lbServerViews(rows), backends: lbBackendViews(rows) }));
  }

  /** `show servers state [backend]`: administrative flags, check result and health counter per server. */
  async showServersState(backend?: string): Promise<ServerStateRow[]> {
    if (backend !== undefined) assertHaproxyName('backend', backend);
    return this.parsed(backend === undefined ? 'show servers state' : `show servers state ${backend}`, parseServersState);
  }

  async showInfo(): Promise<Record<string, string>> {
    return this.parsed('show info', parseShowInfo);
  }

  /** `set server B/S state ready|drain|maint`. Anything but an empty reply is LB_COMMAND_REJECTED. */
  async setServerState(backend: string, server: string, state: ServerAdminState): Promise<void> {
    assertHaproxyName('backend', backend);
    assertHaproxyName('server', server);
    if (!ADMIN_STATES.includes(state)) {
      throw new FleetError('BAD_REQUEST', `server state ${JSON.stringify(state)} is not one of ${ADMIN_STATES.join(', ')}: nothing was sent to HAProxy.`, {
        subject: this.subject,
        detail: { state },
      });
    }
    await this.change(`set server ${backend}/${server} state ${state}`);
  }

  /** `set weight B/S N`, N an integer 0 … 256 (HAProxy's bounds). 0 stops new sessions to it. */
  async setWeight(backend: string, server: string, weight: number): Promise<void> {
    assertHaproxyName('backend', backend);
    assertHaproxyName('server', server);
    if (!Number.isInteger(weight) || weight < 0 || weight > 256) {
      throw new FleetError('BAD_REQUEST', `weight ${weight} is not an integer from 0 to 256: nothing was sent to HAProxy.`, {
        subject: this.subject,
        detail: { weight },
      });
    }
    await this.change(`set weight ${backend}/${server} ${weight}`);
  }

  /**
   * Any state-changing command (`set server B/S health down`, `disable health B/S`, …): HAProxy
   * answers an empty line when it did it, and words when it did not, which become
   * LB_COMMAND_REJECTED with those words. Prefer the typed methods: they check their arguments.
   */
  async change(cmd: string): Promise<void> {
    const reply = await this.command(cmd);
    const said = reply.trim();
    if (said === '') return;
    throw new FleetError('LB_COMMAND_REJECTED', `HAProxy at ${this.where} rejected "${cmd}": ${said}`, {
      subject: this.subject,
      detail: { command: cmd, reply: said },
    });
  }

  private async parsed<T>(cmd: string, parse: (reply: string) => T): Promise<T> {
    const reply = await this.command(cmd);
    return this.withSubject(() => parse(reply));
  }

  /** Parse failures come without a subject (parsers are pure): name the endpoint. */
  private withSubject<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof FleetError && err.subject === undefined) {
        throw new FleetError(err.code, `${err.message} (from ${this.where})`, { subject: this.subject, detail: err.detail, cause: err });
      }
      throw err;
    }
  }
}
