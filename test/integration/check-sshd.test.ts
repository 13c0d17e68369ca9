/**
 * `fleetops check` against a real OpenSSH sshd whose PATH has a fake nvidia-smi printing the
 * captured H100 output: the JSON shape, the values, the verdicts and the exit statuses.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/index';
import type { CheckReport } from '../../electron/core/fleet/check';
import { closedPort } from './helpers/free-port';
import { startSshd, type TestSshd } from './helpers/sshd';

let sshd: TestSshd;
let dir: string;
let deadPort: number;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'fleetops-check-'));
  deadPort = await closedPort();
});

afterAll(async () => {
  await sshd?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fixtureValue(field: string): string {
  const line = readFileSync(join(__dirname, '..', 'fixtures', 'nvidia-smi', 'h100-80gb-hbm3', 'fields-idle.tsv'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}\t`));
  return line!.split('\t')[3];
}

function inventory(nodes: string, extraDefaults = ''): string {
  const file = join(dir, `fleet-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `version: 1
defaults:
  user: ${sshd.user}
  identityFile: ${sshd.identityFile}
  knownHostsFile: ${sshd.knownHostsFile}
  agent: false
  probe: { intervalSeconds: 10, timeoutSeconds: 5, fall: 2, rise: 2 }
${extraDefaults}regions:
  - name: lab-west
    clusters:
      - name: train-a
        role: training
        nodes:
${nodes}`,
  );
  return file;
}

const sshdNode = (gpus = 1) => `          - { name: h100-1, host: 127.0.0.1, port: ${sshd.port}, gpus: { count: ${gpus} } }\n`;

async function check(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', ...args], { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`) });
  return { code, out, err };
}

describe('fleetops check against a real sshd', () => {
  it('reports a healthy H100 with the driver’s own values, exit 0', async () => {
    const logFrom = sshd.logText().length;
    const r = await check(['--inventory', inventory(sshdNode()), '--json']);
    // The control for the host-key test below: a trusted host does get an authentication.
    expect(sshd.logText().slice(logFrom)).toMatch(/Accepted publickey/);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as CheckReport;
    expect(report.nodes).toHaveLength(1);
    const [node] = report.nodes;
    expect(node).toMatchObject({ name: 'h100-1', region: 'lab-west', cluster: 'train-a', health: 'healthy', reasons: [] });
    expect(node.gpus).toEqual([
      {
        index: 0,
        uuid: fixtureValue('uuid'),
        name: 'NVIDIA H100 80GB HBM3',
        memoryTotalMiB: Number(fixtureValue('memory.total')),
        memoryUsedMiB: Number(fixtureValue('memory.used')),
        utilizationPct: Number(fixtureValue('utilization.gpu')),
        temperatureC: Number(fixtureValue('temperature.gpu')),
        powerW: Number(fixtureValue('power.draw')),
        health: 'healthy',
        reasons: [],
      },
    ]);
  });

  it('stays healthy under load (SW power cap is normal at 700 W)', async () => {
    sshd.setGpuState('busy');
    try {
      const r = await check(['--inventory', inventory(sshdNode()), '--json']);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.out) as CheckReport).nodes[0].gpus[0].utilizationPct).toBeGreaterThan(90);
    } finally {
      sshd.setGpuState('idle');
    }
  });

  it('flags missing GPUs (exit 2) and an unreachable node with its reason', async () => {
    const r = await check([
      '--inventory',
      inventory(`${sshdNode(8)}          - { name: gone-1, host: 127.0.0.1, port: ${deadPort}, gpus: { count: 8 } }\n`),
      '--json',
    ]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as CheckReport;
    expect(report.nodes[0]).toMatchObject({ health: 'unhealthy' });
    expect(report.nodes[0].reasons.join(' ')).toContain('1 of 8 GPUs visible');
    expect(report.nodes[1]).toMatchObject({ name: 'gone-1', health: 'unreachable', gpus: [] });
    expect(report.nodes[1].reasons[0]).toMatch(/refused|unreachable/i);
  });

  it('exits 1 when something is only degraded (temperature threshold)', async () => {
    const r = await check(['--inventory', inventory(sshdNode(), '  thresholds: { temperatureC: 30 }\n')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/h100-1\s+DEGRADED/);
    expect(r.out).toMatch(/°?C/);
  });

  it('refuses a changed host key: unreachable, exit 2, nothing sent', async () => {
    const otherKnownHosts = join(dir, 'known_hosts_wrong');
    const wrongKey = sshd.hostKeyLine.replace(/ssh-ed25519 \S+/, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBu0+JmqZ6UP9XH3aUrJcZLA0X3bNZbXdR9uk4rhn7mR');
    writeFileSync(otherKnownHosts, `${wrongKey}\n`);
    const text = readFileSync(inventory(sshdNode()), 'utf8');
    expect(text).toContain(sshd.knownHostsFile);
    writeFileSync(join(dir, 'mismatch.yaml'), text.replace(sshd.knownHostsFile, otherKnownHosts));
    const logFrom = sshd.logText().length;
    const r = await check(['--inventory', join(dir, 'mismatch.yaml'), '--json']);
    expect(r.code).toBe(2);
    const node = (JSON.parse(r.out) as CheckReport).nodes[0];
    expect(node.health).toBe('unreachable');
    expect(node.reasons[0]).toContain('changed');
    // sshd saw a key exchange and a disconnect, never an authentication attempt.
    expect(sshd.logText().slice(logFrom)).not.toMatch(/userauth|Accepted|Failed publickey|input_userauth_request/);
  });

  it('exits 3 with file:line:column on a bad inventory, probing nothing', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, `version: 1\nregions:\n  - name: r\n    clusters:\n      - name: c\n        role: inference\n        nodes:\n          - { name: n, host: h, port: abc, gpus: { count: 8 } }\n`);
    const r = await check(['--inventory', file]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/broken\.yaml:8:\d+: regions\[0\]\.clusters\[0\]\.nodes\[0\]\.port: expected a number/);
    expect(r.out).toBe('');
  });

  it('exits 3 on usage errors', async () => {
    expect((await check([])).code).toBe(3);
    expect((await check(['--inventory', 'x', '--bogus'])).code).toBe(3);
  });

  it('gives the same exit status from the real command line', async () => {
    const file = inventory(sshdNode(8));
    const code = await new Promise<number>((resolve) => {
      execFile(process.execPath, [require.resolve('tsx/cli'), 'electron/cli/index.ts', 'check', '--inventory', file], (err) =>
        resolve(err ? Number((err as { code?: number }).code) : 0),
      );
    });
    expect(code).toBe(2);
  });
});
