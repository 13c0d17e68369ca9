import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haproxyAvailable } from '../../../electron/core/lab/lab-haproxy';
import { labHaproxyConfig, type LabHaproxyConfigInput, type LabHaproxyServer } from '../../../electron/core/lab/lab-haproxy-config';
import { FleetError } from '../../../shared/errors';

const HEALTH = 'check inter 1s fall 2 rise 2';

function config(...servers: LabHaproxyServer[]): string {
  return labHaproxyConfig({ socketPath: '/tmp/lab/admin.sock', frontendPort: 18080, tcpRuntime: [], backends: { llm: servers } });
}

const server = (extra: Partial<LabHaproxyServer> = {}): LabHaproxyServer => ({ name: 'r1', host: '127.0.0.1', port: 9001, ...extra });

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('server weight and disabled in the lab haproxy.cfg', () => {
  it('writes neither when not asked (HAProxy defaults: weight 1, in rotation)', () => {
    const cfg = config(server(), server({ name: 'r2', disabled: false }));
    expect(cfg).toContain(`  server r1 127.0.0.1:9001 ${HEALTH}\n`);
    expect(cfg).toContain(`  server r2 127.0.0.1:9001 ${HEALTH}\n`);
    expect(cfg).not.toMatch(/weight|disabled/);
  });

  it.each([0, 1, 17, 256])('writes weight %i after the health check', (weight) => {
    expect(config(server({ weight }))).toContain(`  server r1 127.0.0.1:9001 ${HEALTH} weight ${weight}\n`);
  });

  it('writes disabled for a spare, per server', () => {
    const cfg = config(server(), server({ name: 'spare', port: 9002, disabled: true }));
    expect(cfg).toContain(`  server r1 127.0.0.1:9001 ${HEALTH}\n`);
    expect(cfg).toContain(`  server spare 127.0.0.1:9002 ${HEALTH} disabled\n`);
  });

  it('writes both, weight first', () => {
    expect(config(server({ weight: 0, disabled: true }))).toContain(`  server r1 127.0.0.1:9001 ${HEALTH} weight 0 disabled\n`);
  });

  it.each([
    [-1, 'weight -1'],
    [257, 'weight 257'],
    [1.5, 'weight 1.5'],
    [Number.NaN, 'weight NaN'],
    [Number.POSITIVE_INFINITY, 'weight Infinity'],
  ])('refuses weight %s, naming the server and the range', (weight, shown) => {
    const err = thrown(() => config(server(), server({ name: 'r2', port: 9002, weight })));
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('BAD_REQUEST');
    expect((err as FleetError).message).toBe(`lab HAProxy: server llm/r2 has ${shown}: HAProxy takes an integer from 0 to 256.`);
  });
});

// The lab's own HAProxy (Debian's 2.6 here) has the last word on what a server line may say.
describe('HAProxy itself', async () => {
  const haproxy = await haproxyAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-opts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function check(input: LabHaproxyConfigInput): Promise<{ code: number; output: string }> {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, labHaproxyConfig(input));
    return new Promise((resolve) => {
      execFile(haproxy!, ['-c', '-f', file], { timeout: 10_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}` });
      });
    });
  }

  it.skipIf(haproxy === null)('accepts the weights at both ends of the range and a disabled server', async () => {
    const r = await check({
      socketPath: join(dir, 'admin.sock'),
      frontendPort: 18080,
      tcpRuntime: [],
      backends: { llm: [server({ weight: 0 }), server({ name: 'r2', port: 9002, weight: 256, disabled: true })] },
    });
    expect(r.output).not.toMatch(/ALERT|WARNING/);
    expect(r.code).toBe(0);
  });
});
