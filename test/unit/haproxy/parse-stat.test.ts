import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { parseShowStat, type StatRow } from '../../../electron/core/haproxy/parse-stat';
import { lbBackendViews, lbServerViews } from '../../../electron/core/haproxy/server-view';
import { fixture } from './fixtures';

function parseError(reply: string): FleetError {
  try {
    parseShowStat(reply);
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected PARSE_FAILED');
}

const row = (rows: StatRow[], proxy: string, name: string): StatRow => {
  const found = rows.find((r) => r.proxy === proxy && r.name === name);
  if (!found) throw new Error(`no row ${proxy}/${name}`);
  return found;
};

const steady = parseShowStat(fixture('show-stat-steady.csv'));
const header = fixture('show-stat-steady.csv').split('\n')[0]!;
const serverLine = fixture('show-stat-steady.csv').split('\n').find((l) => l.startsWith('web,up,'))!;

describe('parseShowStat on real HAProxy 2.6 output', () => {
  it('reads every row with its type, in HAProxy order', () => {
    expect(steady.map((r) => `${r.type}:${r.proxy}/${r.name}`)).toEqual([
      'frontend:fe/FRONTEND',
      ...['up', 'down', 'nolb', 'drain', 'maint', 'nocheck', 'weight0', 'tracker', 'resolution', 'agentdown', 'agentdrain'].map((s) => `server:web/${s}`),
      'backend:web/BACKEND',
      'server:flap/flap-up',
      'server:flap/flap-drain',
      'server:flap/flap-nolb',
      'backend:flap/BACKEND',
    ]);
    expect(row(steady, 'fe', 'FRONTEND')).toMatchObject({ status: 'OPEN', serverStatus: null, weight: null });
  });

  it('keeps every steady status word as HAProxy wrote it, parsed', () => {
    const statuses = Object.fromEntries(steady.filter((r) => r.proxy === 'web' && r.type === 'server').map((r) => [r.name, [r.status, r.serverStatus!.word]]));
    expect(statuses).toEqual({
      up: ['UP', 'UP'],
      down: ['DOWN', 'DOWN'],
      nolb: ['NOLB', 'NOLB'],
      drain: ['DRAIN', 'DRAIN'],
      maint: ['MAINT', 'MAINT'],
      nocheck: ['no check', 'no check'],
      weight0: ['UP', 'UP'],
      tracker: ['MAINT (via web/maint)', 'MAINT'],
      resolution: ['MAINT (resolution)', 'MAINT'],
      agentdown: ['DOWN (agent)', 'DOWN'],
      agentdrain: ['DRAIN (agent)', 'DRAIN'],
    });
  });

  it('reads check status, last check text, weight, sessions, downtime and last change', () => {
    expect(row(steady, 'web', 'down')).toMatchObject({
      checkStatus: 'L4CON',
      checkInProgress: false,
      lastCheck: 'Connection refused',
      checkDescription: 'Layer4 connection problem',
      weight: 1,
      sessions: 0,
      downtimeSeconds: 1,
      lastChangeSeconds: 1,
    });
    expect(row(steady, 'web', 'nolb')).toMatchObject({ checkStatus: 'L7OKC', checkCode: 404, lastCheck: null });
    expect(row(steady, 'web', 'up')).toMatchObject({ checkStatus: 'L7OK', checkCode: 200, downtimeSeconds: 0 });
    expect(row(steady, 'web', 'nocheck')).toMatchObject({ checkStatus: null, downtimeSeconds: null });
    expect(row(steady, 'web', 'weight0')).toMatchObject({ weight: 0, userWeight: 0 });
    expect(row(steady, 'web', 'tracker').tracked).toBe('web/maint');
    expect(row(steady, 'web', 'resolution').address).toBeNull();
    expect(row(steady, 'web', 'up').address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(row(steady, 'web', 'BACKEND')).toMatchObject({ status: 'UP', weight: 2 });
    // Every column stays reachable by HAProxy's name.
    expect(row(steady, 'web', 'up').fields.algo).toBe('');
    expect(row(steady, 'web', 'BACKEND').fields.algo).toBe('roundrobin');
  });

  it('reads the transitional statuses caught while checks failed and recovered', () => {
    const down = parseShowStat(fixture('show-stat-going-down.csv'));
    expect(row(down, 'flap', 'flap-up').serverStatus).toMatchObject({ text: 'UP 1/2', word: 'UP', transition: { toward: 'down', step: 1, of: 2 } });
    expect(row(down, 'flap', 'flap-drain').serverStatus).toMatchObject({ text: 'DRAIN 1/2', transition: { toward: 'down' } });
    expect(row(down, 'flap', 'flap-nolb').serverStatus).toMatchObject({ text: 'NOLB 1/2', transition: { toward: 'down' } });
    expect(row(down, 'flap', 'flap-up')).toMatchObject({ checkStatus: 'L4CON', lastCheck: 'Connection refused' });
    const up = parseShowStat(fixture('show-stat-going-up.csv'));
    expect(row(up, 'flap', 'flap-up').serverStatus).toMatchObject({ text: 'DOWN 1/2', word: 'DOWN', transition: { toward: 'up', step: 1, of: 2 } });
    expect(row(up, 'flap', 'BACKEND').status).toBe('DOWN');
  });

  it('strips the "* " HAProxy puts before a check status while that check runs', () => {
    const line = serverLine.split(',');
    line[36] = '* L7OK';
    const [r] = parseShowStat(`${header}\n${line.join(',')}\n`);
    expect(r).toMatchObject({ checkStatus: 'L7OK', checkInProgress: true });
  });

  it('reads the session rate of frontends, servers and backends (what a plan checks capacity against)', () => {
    // The capture ran without traffic: HAProxy writes 0, not an empty column.
    expect([row(steady, 'fe', 'FRONTEND').rate, row(steady, 'web', 'up').rate, row(steady, 'web', 'BACKEND').rate]).toEqual([0, 0, 0]);
    const rate = header.slice(2).split(',').indexOf('rate');
    const server = serverLine.split(',');
    server[rate] = '42';
    const backend = fixture('show-stat-steady.csv').split('\n').find((l) => l.startsWith('web,BACKEND,'))!.split(',');
    backend[rate] = '57';
    const rows = parseShowStat(`${header}\n${server.join(',')}\n${backend.join(',')}\n`);
    expect(rows.map((r) => [r.name, r.rate])).toEqual([['up', 42], ['BACKEND', 57]]);
    expect(lbServerViews(rows).map((v) => v.rate)).toEqual([42]);
    expect(lbBackendViews(rows)).toEqual([{ backend: 'web', rate: 57 }]);
    server[rate] = '4.5';
    expect(parseError(`${header}\n${server.join(',')}\n`).message).toMatch(/line 2 has rate "4\.5", not an integer/);
  });

  it('reads quoted fields (a last check text with a comma) as HAProxy quotes them', () => {
    const line = serverLine.split(',');
    line[56] = '"refused, then ""reset"""';
    const [r] = parseShowStat(`${header}\n${line.join(',')}\n`);
    expect(r!.lastCheck).toBe('refused, then "reset"');
  });
});

describe('lbServerViews', () => {
  it('keeps server rows only, with HAProxy words and whether each takes new sessions', () => {
    const views = lbServerViews(steady);
    expect(views).toHaveLength(14);
    const byName = Object.fromEntries(views.map((v) => [`${v.backend}/${v.server}`, v]));
    expect(byName['web/up']).toMatchObject({ status: 'UP', checkStatus: 'L7OK', lastCheck: null, weight: 1, sessions: 0, takesNewSessions: true });
    expect(byName['web/down']).toMatchObject({ status: 'DOWN', lastCheck: 'Connection refused', downtimeSeconds: 1, lastChangeSeconds: 1, takesNewSessions: false });
    expect(byName['web/nocheck']).toMatchObject({ status: 'no check', takesNewSessions: true });
    // UP, but weight 0: HAProxy sends it nothing new.
    expect(byName['web/weight0']).toMatchObject({ status: 'UP', weight: 0, takesNewSessions: false });
    for (const name of ['drain', 'nolb', 'maint', 'tracker', 'resolution', 'agentdown', 'agentdrain']) expect(byName[`web/${name}`]!.takesNewSessions).toBe(false);
  });
});

describe('lbBackendViews', () => {
  it('keeps the BACKEND rows only, one per backend, with its rate', () => {
    expect(lbBackendViews(steady)).toEqual([
      { backend: 'web', rate: 0 },
      { backend: 'flap', rate: 0 },
    ]);
  });
});

describe('parseShowStat on replies that are not show stat', () => {
  it.each([
    ['an empty reply', ''],
    ['HAProxy refusing the command', fixture('reply-unknown-command.txt')],
    ['Permission denied', fixture('reply-permission-denied.txt')],
    ['binary garbage', '\u0000\u0001\u00ff\ufffd,,,\n'],
  ])('%s → PARSE_FAILED quoting the reply', (_what, reply) => {
    const err = parseError(reply);
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toMatch(/the reply to "show stat" is not HAProxy's format: no "# pxname,svname,…" header line/);
  });

  it('fails on a header without the columns it needs', () => {
    expect(parseError('# pxname,svname,scur\nfe,FRONTEND,0\n').message).toMatch(/no type, status column/);
  });

  it('fails on a truncated row (fewer fields than the header)', () => {
    const reply = `${header}\n${serverLine.split(',').slice(0, 20).join(',')}\n`;
    expect(parseError(reply).message).toMatch(/line 2 has 20 fields, the header \d+/);
  });

  it('fails on a row with a field too many (an unquoted comma)', () => {
    expect(parseError(`${header}\n${serverLine},extra\n`).message).toMatch(/line 2 has \d+ fields/);
  });

  it('fails on a number column holding text', () => {
    const line = serverLine.split(',');
    line[4] = 'lots';
    expect(parseError(`${header}\n${line.join(',')}\n`).message).toMatch(/line 2 has scur "lots", not an integer/);
  });

  it('fails on a server status HAProxy never prints, naming the server', () => {
    const line = serverLine.split(',');
    line[17] = 'MOSTLY UP';
    expect(parseError(`${header}\n${line.join(',')}\n`).message).toMatch(/web\/up\) has status "MOSTLY UP"/);
  });

  it('fails on an unknown row type, including prototype names', () => {
    for (const type of ['7', 'constructor', '__proto__']) {
      const line = serverLine.split(',');
      line[32] = type;
      expect(parseError(`${header}\n${line.join(',')}\n`).message).toMatch(/has type .* \(expected 0-3\)/);
    }
  });

  it('fails on an unclosed quote instead of swallowing the rest of the reply', () => {
    const line = serverLine.split(',');
    line[56] = '"never closed';
    expect(parseError(`${header}\n${line.join(',')}\n`).message).toMatch(/quoted CSV field is not closed/);
  });

  it('keeps a hostile __proto__ column as a plain field', () => {
    const [r] = parseShowStat(`# pxname,svname,type,status,__proto__,\nfe,FRONTEND,0,OPEN,{"polluted":1},\n`);
    expect(r!.fields['__proto__']).toBe('{"polluted":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses a large reply quickly (10,000 server rows)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => serverLine.replace(/^web,up,/, `web,s${i},`));
    const started = performance.now();
    expect(parseShowStat(`${header}\n${many.join('\n')}\n\n`)).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
