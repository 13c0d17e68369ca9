import { FleetError } from '../../../shared/errors';
import type { StatRow } from './parse-stat';
import type { ServerStatus } from './server-status';

/** One server behind a HAProxy backend, as the console shows it. */
export interface LbServerView {
  backend: string;
  server: string;
  /** HAProxy's own words: 'UP', 'DOWN', 'MAINT', 'DRAIN', 'UP 1/2', 'MAINT (via b/s)', … */
  status: string;
  /** `status` parsed: steady word, transition toward up/down, cause. */
  state: ServerStatus;
  /** `check_status` (L7OK, L4CON, L7STS, …), null without health checks. */
  checkStatus: string | null;
  /** `last_chk`: the last check's text, e.g. "Connection refused". */
  lastCheck: string | null;
  /** Effective weight (0 … 256): during slowstart, a share of the user weight. */
  weight: number;
  /** `uweight`: the weight the operator set (what `set weight` changes); null when HAProxy does not report it. */
  userWeight: number | null;
  /** `scur`: current sessions. */
  sessions: number;
  /** `rate`: sessions per second sent to it over the last second (HTTP: requests); null when empty. */
  rate: number | null;
  downtimeSeconds: number | null;
  lastChangeSeconds: number | null;
  address: string | null;
  /** HAProxy sends it new sessions: its state allows them and its weight is not 0. */
  takesNewSessions: boolean;
}

/** The server rows of `show stat`, in HAProxy's order. */
export function lbServerViews(rows: readonly StatRow[]): LbServerView[] {
  return rows
    .filter((row) => row.type === 'server')
    .map((row) => {
      const state = row.serverStatus;
      if (!state || row.weight === null || row.sessions === null) {
        throw new FleetError('PARSE_FAILED', `show stat row ${row.proxy}/${row.name} has no status, weight or scur: not HAProxy's server row.`, {
          detail: { proxy: row.proxy, name: row.name },
        });
      }
      return {
        backend: row.proxy,
        server: row.name,
        status: row.status,
        state,
        checkStatus: row.checkStatus,
        lastCheck: row.lastCheck,
        weight: row.weight,
        userWeight: row.userWeight,
        sessions: row.sessions,
        rate: row.rate,
        downtimeSeconds: row.downtimeSeconds,
        lastChangeSeconds: row.lastChangeSeconds,
        address: row.address,
        takesNewSessions: state.takesNewSessions && row.weight > 0,
      };
    });
}

/** A backend's own row (BACKEND) of `show stat`. */
export interface LbBackendView {
  backend: string;
  /** `rate`: sessions per second into the backend over the last second, served or not (HTTP: requests). */
  rate: number | null;
}

/** The backend rows of `show stat`, in HAProxy's order. */
export function lbBackendViews(rows: readonly StatRow[]): LbBackendView[] {
  return rows.filter((row) => row.type === 'backend').map((row) => ({ backend: row.proxy, rate: row.rate }));
}
