import { parseCsvRecords } from './csv';
import { intOrNull, parseFailed } from './parse-failure';
import { parseServerStatus, type ServerStatus } from './server-status';

export type StatRowType = 'frontend' | 'backend' | 'server' | 'listener';

/** One row of `show stat`: the columns fleetops reads, typed, and every column as HAProxy wrote it. */
export interface StatRow {
  /** `pxname`: the frontend or backend. */
  proxy: string;
  /** `svname`: FRONTEND, BACKEND, a server or a listener name. */
  name: string;
  type: StatRowType;
  /** HAProxy's own text (`UP 1/2`, `MAINT (via b/s)`, `OPEN`, …). */
  status: string;
  /** `status` parsed, on server rows only. */
  serverStatus: ServerStatus | null;
  /** `weight`: effective weight (server), total effective weight (backend). */
  weight: number | null;
  /** `uweight`: the weight the operator set (`set weight`), before slowstart and agents. */
  userWeight: number | null;
  /** `scur`: current sessions. */
  sessions: number | null;
  /**
   * `rate`: sessions per second over the last elapsed second (frontend, backend, server). A
   * backend counts every stream given to it, each HTTP request one; `req_rate` is frontend-only.
   */
  rate: number | null;
  /** `check_status` without HAProxy's "* " in-progress mark (L7OK, L4CON, L7STS, …). */
  checkStatus: string | null;
  checkInProgress: boolean;
  /** `check_code`: HTTP status of the last L7 check. */
  checkCode: number | null;
  /** `last_chk`: the last check's text (e.g. "Connection refused"). */
  lastCheck: string | null;
  /** `check_desc`: the check status in words ("Layer7 check passed"). */
  checkDescription: string | null;
  /** `downtime`: total seconds this server or backend was down. */
  downtimeSeconds: number | null;
  /** `lastchg`: seconds since the last UP↔DOWN transition. */
  lastChangeSeconds: number | null;
  /** `tracked`: "backend/server" this server's state follows. */
  tracked: string | null;
  /** `addr`: "ip:port" of the server. */
  address: string | null;
  fields: Readonly<Record<string, string>>;
}

const COMMAND = 'show stat';
const TYPES = new Map<string, StatRowType>([
  ['0', 'frontend'],
  ['1', 'backend'],
  ['2', 'server'],
  ['3', 'listener'],
]);
const REQUIRED = ['pxname', 'svname', 'type', 'status'];

/** Parses `show stat` (CSV with a "# " header). Throws PARSE_FAILED on anything else. */
export function parseShowStat(reply: string): StatRow[] {
  const records = parseCsvRecords(reply);
  if (!records) throw parseFailed(COMMAND, 'a quoted CSV field is not closed properly', reply);
  const [headerRecord, ...rest] = records;
  if (!headerRecord || !headerRecord[0]?.startsWith('# ')) throw parseFailed(COMMAND, 'no "# pxname,svname,…" header line', reply);
  const header = [headerRecord[0].slice(2), ...headerRecord.slice(1)];
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) throw parseFailed(COMMAND, `the header has no ${missing.join(', ')} column`, reply);

  const rows: StatRow[] = [];
  for (const [index, record] of rest.entries()) {
    if (record.length === 1 && record[0] === '') continue; // the empty line that ends the reply
    const line = index + 2;
    if (record.length !== header.length) throw parseFailed(COMMAND, `line ${line} has ${record.length} fields, the header ${header.length}`, reply);
    // No prototype: a hostile "__proto__" column stays a plain key.
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (let i = 0; i < header.length; i++) if (header[i] !== '') fields[header[i]!] = record[i]!;
    rows.push(toRow(fields, line, reply));
  }
  return rows;
}

function toRow(f: Record<string, string>, line: number, reply: string): StatRow {
  const type = TYPES.get(f.type!);
  if (!type) throw parseFailed(COMMAND, `line ${line} has type ${JSON.stringify(f.type)} (expected 0-3)`, reply);
  if (!f.pxname || !f.svname) throw parseFailed(COMMAND, `line ${line} has no pxname or svname`, reply);
  const int = (column: string): number | null =>
    intOrNull(f[column], () => parseFailed(COMMAND, `line ${line} has ${column} ${JSON.stringify(f[column])}, not an integer`, reply));
  const text = (column: string): string | null => (f[column] ? f[column]! : null);

  let serverStatus: ServerStatus | null = null;
  if (type === 'server') {
    serverStatus = parseServerStatus(f.status!);
    if (!serverStatus) throw parseFailed(COMMAND, `line ${line} (${f.pxname}/${f.svname}) has status ${JSON.stringify(f.status)}, which HAProxy never prints`, reply);
  }
  const rawCheck = f.check_status ?? '';
  const checkInProgress = rawCheck.startsWith('* ');
  return {
    proxy: f.pxname!,
    name: f.svname!,
    type,
    status: f.status!,
    serverStatus,
    weight: int('weight'),
    userWeight: int('uweight'),
    sessions: int('scur'),
    rate: int('rate'),
    checkStatus: (checkInProgress ? rawCheck.slice(2) : rawCheck) || null,
    checkInProgress,
    checkCode: int('check_code'),
    lastCheck: text('last_chk'),
    checkDescription: text('check_desc'),
    downtimeSeconds: int('downtime'),
    lastChangeSeconds: int('lastchg'),
    tracked: text('tracked'),
    address: text('addr'),
    fields: f,
  };
}
