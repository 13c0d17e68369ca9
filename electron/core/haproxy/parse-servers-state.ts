import { intOrNull, parseFailed } from './parse-failure';

/** srv_op_state (enum srv_state in HAProxy's server-t.h). `stopping` is what `show stat` calls NOLB. */
export type ServerOpState = 'stopped' | 'starting' | 'running' | 'stopping';

/** srv_admin_state bits (SRV_ADMF_* in server-t.h): why a server is in maintenance or drain. */
export type ServerAdminFlag =
  | 'forced-maint' // 0x01 `set server … state maint`
  | 'inherited-maint' // 0x02 from the tracked server
  | 'config-maint' // 0x04 `disabled` in the configuration
  | 'forced-drain' // 0x08 `set server … state drain`
  | 'inherited-drain' // 0x10 from the tracked server
  | 'resolution-maint' // 0x20 its FQDN did not resolve
  | 'fqdn-set-by-cli'; // 0x40 `set server … fqdn`

const ADMIN_FLAGS: Array<[number, ServerAdminFlag]> = [
  [0x01, 'forced-maint'],
  [0x02, 'inherited-maint'],
  [0x04, 'config-maint'],
  [0x08, 'forced-drain'],
  [0x10, 'inherited-drain'],
  [0x20, 'resolution-maint'],
  [0x40, 'fqdn-set-by-cli'],
];
const OP_STATES: ServerOpState[] = ['stopped', 'starting', 'running', 'stopping'];
/** srv_check_result (enum chk_result in check-t.h). */
const CHECK_RESULTS = ['unknown', 'neutral', 'failed', 'passed', 'conditionally-passed'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];
/** CHK_ST_ENABLED in check-t.h: the check is configured and not administratively disabled. */
const CHK_ST_ENABLED = 0x04;

/** One server line of `show servers state`. */
export interface ServerStateRow {
  backendId: number;
  backend: string;
  serverId: number;
  server: string;
  /** srv_addr; null while it has none ("-", e.g. not resolved yet). */
  address: string | null;
  opState: ServerOpState;
  /** srv_admin_state decoded; empty when the server is in no administrative state. */
  adminFlags: ServerAdminFlag[];
  /** srv_uweight: the weight the operator set. */
  userWeight: number;
  /** srv_iweight: the weight in the configuration. */
  initialWeight: number;
  /** srv_time_since_last_change, seconds. */
  secondsSinceLastChange: number;
  /** srv_check_result decoded. */
  checkResult: CheckResult;
  /** srv_check_health: HAProxy's rise/fall counter (0 … rise+fall-1). */
  checkHealth: number;
  /** CHK_ST_ENABLED in srv_check_state. */
  checkEnabled: boolean;
  /** srv_fqdn, when the server was configured by name. */
  fqdn: string | null;
  port: number | null;
  fields: Readonly<Record<string, string>>;
}

const COMMAND = 'show servers state';
const REQUIRED = [
  'be_id',
  'be_name',
  'srv_id',
  'srv_name',
  'srv_addr',
  'srv_op_state',
  'srv_admin_state',
  'srv_uweight',
  'srv_iweight',
  'srv_time_since_last_change',
  'srv_check_result',
  'srv_check_health',
  'srv_check_state',
];

/**
 * Parses `show servers state`: a format version line ("1"), a "# " header naming the columns,
 * then one space-separated line per server ("-" for an empty value). Columns are read by name,
 * so versions with more columns parse too. Throws PARSE_FAILED on anything else.
 */
export function parseServersState(reply: string): ServerStateRow[] {
  const lines = reply.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[0] !== '1') throw parseFailed(COMMAND, `the first line is ${JSON.stringify(lines[0] ?? '')}, not the format version 1`, reply);
  if (!lines[1]?.startsWith('# ')) throw parseFailed(COMMAND, 'no "# be_id be_name …" header on the second line', reply);
  const header = lines[1].slice(2).trim().split(/ +/);
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) throw parseFailed(COMMAND, `the header has no ${missing.join(', ')} column`, reply);

  const rows: ServerStateRow[] = [];
  for (let i = 2; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    const values = text.trim().split(/ +/);
    const line = i + 1;
    if (values.length !== header.length) throw parseFailed(COMMAND, `line ${line} has ${values.length} fields, the header ${header.length}`, reply);
    // fromEntries, not assignment: a hostile "__proto__" column must stay a plain key.
    const fields: Record<string, string> = Object.fromEntries(header.map((name, j) => [name, values[j]!] as const));
    rows.push(toRow(fields, line, reply));
  }
  return rows;
}

function toRow(f: Record<string, string>, line: number, reply: string): ServerStateRow {
  const bad = (column: string, expected: string) => () =>
    parseFailed(COMMAND, `line ${line} has ${column} ${JSON.stringify(f[column])}, expected ${expected}`, reply);
  const int = (column: string): number => {
    const value = intOrNull(f[column], bad(column, 'an integer'));
    if (value === null || value < 0) throw bad(column, 'a non-negative integer')();
    return value;
  };
  const optional = (column: string): string | null => (f[column] === undefined || f[column] === '-' ? null : f[column]!);

  const opState = OP_STATES[int('srv_op_state')];
  if (!opState) throw bad('srv_op_state', '0-3')();
  const admin = int('srv_admin_state');
  if (admin > 0x7f) throw bad('srv_admin_state', 'SRV_ADMF_* bits (at most 0x7f)')();
  const checkResult = CHECK_RESULTS[int('srv_check_result')];
  if (!checkResult) throw bad('srv_check_result', '0-4')();
  const port = optional('srv_port');
  return {
    backendId: int('be_id'),
    backend: f.be_name!,
    serverId: int('srv_id'),
    server: f.srv_name!,
    address: optional('srv_addr'),
    opState,
    adminFlags: ADMIN_FLAGS.filter(([bit]) => (admin & bit) !== 0).map(([, flag]) => flag),
    userWeight: int('srv_uweight'),
    initialWeight: int('srv_iweight'),
    secondsSinceLastChange: int('srv_time_since_last_change'),
    checkResult,
    checkHealth: int('srv_check_health'),
    checkEnabled: (int('srv_check_state') & CHK_ST_ENABLED) !== 0,
    fqdn: optional('srv_fqdn'),
    port: port === null ? null : int('srv_port'),
    fields: f,
  };
}
