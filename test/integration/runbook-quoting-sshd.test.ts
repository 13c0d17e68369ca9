/**
 * Hostile runbook parameters against a real OpenSSH sshd: each is either refused by its pattern
 * before anything is sent, or arrives on the node as exactly one argument, byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCommand, shellQuote } from '../../electron/core/runbooks/shell-quote';
import { SshPool } from '../../electron/core/ssh/pool';
import { startSshd, type TestSshd } from './helpers/sshd';

let sshd: TestSshd;
const pool = new SshPool();

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await pool.closeAll();
  await sshd?.dispose();
});

const HOSTILE = ['; rm -rf /', '$(id)', '`id`', 'a\nrm -rf /', "it's", '"quoted"', '$HOME', '-rf', '\\', '*', "'; echo pwned; '"];

describe('hostile parameters over real SSH', () => {
  it.each(HOSTILE)('arrives as one argument, unchanged: %j', async (value) => {
    // The node's own shell sets its arguments from the quoted value: $# proves it was not split,
    // "$1" that nothing was expanded or executed.
    const r = await pool.exec(sshd.target('quote'), `set -- ${shellQuote(value)}; printf '%s|%s' "$#" "$1"`, { timeoutMs: 10_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`1|${value}`);
  });

  it.each(HOSTILE)('is refused by a declared pattern before anything is sent: %j', (value) => {
    expect(() => renderCommand('systemctl stop {service}', { service: value }, { service: '[a-z0-9][a-z0-9@._-]{0,63}' })).toThrow(/service/);
  });
});
