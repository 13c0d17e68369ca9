import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { parseServersState, type ServerStateRow } from '../../../electron/core/haproxy/parse-servers-state';
import { fixture } from './fixtures';

function parseError(reply: string): FleetError {
  try {
    parseServersState(reply);
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected PARSE_FAILED');
}

const steady = parseServersState(fixture('show-servers-state-steady.txt'));
const byName = (rows: ServerStateRow[], name: string): ServerStateRow => rows.find((r) => r.server === name)!;
const [version, header, firstRow] = fixture('show-servers-state-steady.txt').split('\n');

describe('parseServersState on real HAProxy 2.6 output', () => {
  it('reads one row per server of every backend', () => {
    expect(steady.map((r) => `${r.backendId}:${r.backend}/${r.serverId}:${r.server}`)).toEqual([
      ...['up', 'down', 'nolb', 'drain', 'maint', 'nocheck', 'weight0', 'tracker', 'resolution', 'agentdown', 'agentdrain'].map((s, i) => `3:web/${i + 1}:${s}`),
      '4:flap/1:flap-up',
      '4:flap/2:flap-drain',
      '4:flap/3:flap-nolb',
    ]);
  });

  it('decodes operational state, administrative flags and checks', () => {
    expect(byName(steady, 'up')).toMatchObject({ opState: 'running', adminFlags: [], checkResult: 'passed', checkHealth: 3, checkEnabled: true, userWeight: 1, initialWeight: 1 });
    expect(byName(steady, 'down')).toMatchObject({ opState: 'stopped', adminFlags: [], checkResult: 'failed', checkHealth: 0 });
    expect(byName(steady, 'nolb')).toMatchObject({ opState: 'stopping', checkResult: 'conditionally-passed' });
    expect(byName(steady, 'drain')).toMatchObject({ opState: 'running', adminFlags: ['forced-drain'] });
    expect(byName(steady, 'maint')).toMatchObject({ opState: 'stopped', adminFlags: ['forced-maint'] });
    expect(byName(steady, 'nocheck')).toMatchObject({ opState: 'running', checkEnabled: false });
    expect(byName(steady, 'weight0')).toMatchObject({ userWeight: 0, initialWeight: 0 });
    expect(byName(steady, 'tracker')).toMatchObject({ adminFlags: ['inherited-maint'] });
    expect(byName(steady, 'resolution')).toMatchObject({ address: null, adminFlags: ['resolution-maint'], fqdn: 'unresolvable.invalid', port: 80 });
    expect(byName(steady, 'agentdrain')).toMatchObject({ adminFlags: ['forced-drain'] });
    expect(byName(steady, 'up').address).toBe('127.0.0.1');
    expect(byName(steady, 'up').fields.srv_agent_port).toBe('0');
  });

  it('shows the health counter falling while checks fail', () => {
    const going = parseServersState(fixture('show-servers-state-going-down.txt'));
    expect(going.map((r) => [r.server, r.checkHealth, r.checkResult])).toEqual([
      ['flap-up', 2, 'failed'],
      ['flap-drain', 2, 'failed'],
      ['flap-nolb', 2, 'failed'],
    ]);
  });
});

describe('parseServersState on replies that are not its format', () => {
  it.each([
    ['an empty reply', '', /first line is "", not the format version 1/],
    ['HAProxy refusing the command', fixture('reply-unknown-command.txt'), /not the format version 1/],
    ['a backend HAProxy does not know', "Can't find backend.\n\n", /not the format version 1/],
    ['a version without header', '1\n3 web 1 up\n', /no "# be_id be_name …" header/],
    ['a header missing columns', '1\n# be_id be_name srv_id srv_name\n', /header has no srv_addr/],
  ])('%s → PARSE_FAILED', (_what, reply, message) => {
    const err = parseError(reply);
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toMatch(message);
  });

  it('fails on a truncated row', () => {
    expect(parseError(`${version}\n${header}\n${firstRow!.split(' ').slice(0, 8).join(' ')}\n`).message).toMatch(/line 3 has 8 fields, the header 25/);
  });

  it.each([
    [5, 'x', /srv_op_state "x", expected an integer/],
    [5, '7', /srv_op_state "7", expected 0-3/],
    [6, '255', /srv_admin_state "255", expected SRV_ADMF_\* bits/],
    [11, '9', /srv_check_result "9", expected 0-4/],
    [7, '-1', /srv_uweight "-1", expected a non-negative integer/],
  ])('fails on column %i = %j', (index, value, message) => {
    const fields = firstRow!.split(' ');
    fields[index] = value;
    expect(parseError(`${version}\n${header}\n${fields.join(' ')}\n`).message).toMatch(message);
  });
});
