/**
 * The lab fleet over real SSH: a 3-node lab on loopback, reached with a real ssh2 Client using
 * only what the lab wrote into its directory (key, known_hosts, inventory).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FleetError } from '../../shared/errors';
import { InventoryFile } from '../../shared/inventory';
import type { LabInfo } from '../../shared/status';
import { buildProbeCommand, splitProbeOutput } from '../../electron/core/gpu/probe-command';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { generateEd25519 } from '../../electron/core/lab/lab-keys';

const NONCE = 'labtest01';
type Sections = ReturnType<typeof splitProbeOutput>;
const SLOW_MS = 1500;

let lab: LabFleet;
let dir: string;
let ports: Map<string, number>;
let knownHosts: Map<number, Buffer>;
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
};

beforeAll(async () => {
  dir = join(tempDir('fleetops-lab-it-'), 'lab');
  lab = await startLab({ dir, nodes: 3, slowSshDelayMs: SLOW_MS });
  const inventory = InventoryFile.parse(parse(readFileSync(lab.inventoryPath, 'utf8')));
  ports = new Map(inventory.regions.flatMap((r) => r.clusters.flatMap((c) => c.nodes.map((n) => [n.name, n.port ?? 0] as const))));
  // known_hosts lines: `[127.0.0.1]:PORT ssh-ed25519 BASE64`
  knownHosts = new Map(
    readFileSync(join(dir, 'known_hosts'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const m = /^\[127\.0\.0\.1\]:(\d+) ssh-ed25519 ([A-Za-z0-9+/=]+)$/.exec(line);
        if (!m) throw new Error(`bad known_hosts line: ${line}`);
        return [Number(m[1]), Buffer.from(m[2], 'base64')] as const;
      }),
  );
});

afterAll(async () => {
  await lab?.stop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

interface ConnectOptions {
  port?: number;
  privateKey?: string | Buffer;
  username?: string;
  /** The known_hosts key to accept; defaults to the node's own. */
  expectedHostKey?: Buffer;
}

function connect(node: string, opts: ConnectOptions = {}): Promise<Client> {
  const port = opts.port ?? (ports.get(node) as number);
  const expected = opts.expectedHostKey ?? knownHosts.get(port);
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => resolve(c))
      .on('error', reject)
      .connect({
        host: '127.0.0.1',
        port,
        username: opts.username ?? 'ops',
        privateKey: opts.privateKey ?? readFileSync(join(dir, 'id_ed25519')),
        hostVerifier: (key: Buffer) => expected !== undefined && key.equals(expected),
        readyTimeout: 5000,
      });
  });
}

function exec(c: Client, command: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('close', (code: number) => resolve({ stdout, stderr, code }));
    });
  });
}

async function probe(node: string) {
  const c = await connect(node);
  try {
    const r = await exec(c, buildProbeCommand(NONCE));
    expect(r.code).toBe(0);
    return splitProbeOutput(r.stdout, NONCE);
  } finally {
    c.end();
  }
}

async function connectError(node: string, opts: ConnectOptions = {}): Promise<Error> {
  try {
    const c = await connect(node, opts);
    c.end();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the connection to fail');
}

describe('lab fleet files', () => {
  it('writes a private directory, a 0600 key and a valid inventory of its nodes', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'id_ed25519')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'id_ed25519'), 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect([...ports.keys()]).toEqual(['usw2-inf-01', 'use1-inf-01', 'euc1-inf-01']);
    expect(new Set(ports.values()).size).toBe(3);
    expect([...knownHosts.keys()].sort()).toEqual([...ports.values()].sort());
    expect(new Set([...knownHosts.values()].map((k) => k.toString('hex'))).size).toBe(3);
    expect(lab.info()).toEqual({
      dir,
      inventoryPath: join(dir, 'fleet.yaml'),
      nodes: 3,
      faults: [],
      // Started without `training`: no scheduler, and the lab says so.
      training: { schedulers: [], reason: expect.stringMatching(/without a training side/), jobs: [] },
    });
  });
});

describe('lab nodes over SSH', () => {
  it("answers the console's probe script with every section", async () => {
    const sections = await probe('usw2-inf-01');
    expect(sections.get('uptime')?.output).toMatch(/^\d+\.\d{2} \d+\.\d{2}$/);
    const gpus = sections.get('gpus');
    expect(gpus?.rc).toBe(0);
    expect(gpus?.output.split('\n').map((l) => l.split(', ')[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(gpus?.output).toContain('NVIDIA H100 80GB HBM3, 00000000:1B:00.0, 580.159.04');
    expect(sections.get('apps')?.rc).toBe(0);
    expect(sections.get('kernel')).toEqual({ output: '', rc: 0 });
  });

  it('answers plain commands and refuses others as sh would', async () => {
    const c = await connect('use1-inf-01');
    try {
      expect(await exec(c, 'hostname')).toEqual({ stdout: 'use1-inf-01\n', stderr: '', code: 0 });
      expect(await exec(c, 'nvidia-smi --query-gpu=index,temperature.gpu --format=csv,nounits -i 1')).toMatchObject({
        stdout: expect.stringMatching(/^index, temperature\.gpu\n1, \d+\n$/),
        code: 0,
      });
      expect(await exec(c, 'rm -rf /')).toEqual({ stdout: '', stderr: 'sh: 1: rm: not found\n', code: 127 });
    } finally {
      c.end();
    }
  });

  it("is refused when the host key is another node's", async () => {
    const other = knownHosts.get(ports.get('euc1-inf-01') as number);
    const err = await connectError('usw2-inf-01', { expectedHostKey: other });
    expect(err.message).toMatch(/host.*verification failed/i);
  });

  it('refuses a client key that is not the lab key, and a user that is not ops', async () => {
    const stranger = generateEd25519();
    expect((await connectError('usw2-inf-01', { privateKey: stranger.private })).message).toMatch(/All configured authentication methods failed/);
    expect((await connectError('usw2-inf-01', { username: 'root' })).message).toMatch(/All configured authentication methods failed/);
  });
});

describe('lab faults over SSH', () => {
  const node = 'usw2-inf-01';

  it.each([
    ['gpu-lost', 2, (s: Sections) => {
      expect(s.get('gpus')?.rc).toBe(15);
      expect(s.get('gpus')?.output.split('\n')[2]).toBe('Unable to determine the device handle for GPU0000:52:00.0: GPU is lost.  Reboot the system to recover this GPU');
    }],
    ['gpu-missing', 7, (s: Sections) => {
      expect(s.get('gpus')?.output.split('\n')).toHaveLength(7);
      expect(s.get('gpus')?.output).not.toContain('00000000:DF:00.0');
    }],
    ['ecc-uncorrectable', 0, (s: Sections) => {
      expect(s.get('gpus')?.output.split('\n')[0]).toMatch(/, Enabled, 0, 2, 2, \[N\/A\], Yes, No$/);
    }],
    ['xid-79', 4, (s: Sections) => {
      expect(s.get('kernel')?.output).toMatch(/^\[ *\d+\.\d{6}\] NVRM: Xid \(PCI:0000:9d:00\): 79, pid=0, GPU has fallen off the bus\.$/);
    }],
    ['thermal-slowdown', 1, (s: Sections) => {
      expect(s.get('gpus')?.output.split('\n')[1]).toMatch(/, P0, 94, \d+, .*, 0x00000000000000(64|61), Enabled/);
    }],
  ] as const)('%s on GPU %i shows in the probe output and goes away on clear', async (kind, gpuIndex, check) => {
    const before = await probe(node);
    const info = lab.inject({ node, kind, gpuIndex });
    expect(info.faults).toEqual([{ node, kind, gpuIndex }]);
    check(await probe(node));
    expect(lab.clear(node, kind).faults).toEqual([]);
    const after = await probe(node);
    for (const s of ['gpus', 'apps', 'kernel'] as const) expect(after.get(s)).toEqual(before.get(s));
  });

  it('node-unreachable resets open and new connections, and clear restores service on the same port', async () => {
    const port = ports.get('use1-inf-01') as number;
    const open = await connect('use1-inf-01');
    open.on('error', () => {}); // the reset surfaces as ECONNRESET on the client
    const closed = new Promise<void>((resolve) => open.once('close', () => resolve()));
    lab.inject({ node: 'use1-inf-01', kind: 'node-unreachable' });
    await closed;
    const err = await connectError('use1-inf-01');
    expect((err as NodeJS.ErrnoException).code ?? err.message).toMatch(/ECONNRESET|Connection lost before handshake/);
    lab.clear('use1-inf-01', 'node-unreachable');
    const again = await connect('use1-inf-01', { port });
    expect((await exec(again, 'hostname')).stdout).toBe('use1-inf-01\n');
    again.end();
  });

  it('slow-ssh holds every exec reply back by the configured delay', async () => {
    const c = await connect('euc1-inf-01');
    try {
      lab.inject({ node: 'euc1-inf-01', kind: 'slow-ssh' });
      let t = performance.now();
      expect((await exec(c, 'true')).code).toBe(0);
      expect(performance.now() - t).toBeGreaterThanOrEqual(SLOW_MS - 5);
      lab.clear('euc1-inf-01');
      t = performance.now();
      await exec(c, 'true');
      expect(performance.now() - t).toBeLessThan(SLOW_MS);
    } finally {
      c.end();
    }
  });

  it('refuses unknown nodes and GPUs with NOT_FOUND, and tells listeners about changes', () => {
    const seen: LabInfo[] = [];
    const off = lab.onChange((i) => seen.push(i));
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as FleetError).code;
      }
    };
    expect(code(() => lab.inject({ node: 'nope-01', kind: 'gpu-lost' }))).toBe('NOT_FOUND');
    expect(code(() => lab.inject({ node, kind: 'gpu-lost', gpuIndex: 8 }))).toBe('NOT_FOUND');
    expect(code(() => lab.clear('nope-01'))).toBe('NOT_FOUND');
    expect(seen).toEqual([]);
    lab.inject({ node, kind: 'slow-ssh' });
    lab.inject({ node, kind: 'slow-ssh' }); // no change: no event
    lab.clear(node);
    off();
    lab.inject({ node, kind: 'slow-ssh' });
    lab.clear(node);
    expect(seen.map((i) => i.faults)).toEqual([[{ node, kind: 'slow-ssh' }], []]);
  });
});

describe('lab stop', () => {
  it('closes every node port', async () => {
    const small = await startLab({ dir: tempDir('fleetops-lab-stop-'), nodes: 1 });
    const port = Number(/port: (\d+)/.exec(readFileSync(small.inventoryPath, 'utf8'))?.[1]);
    await small.stop();
    await small.stop(); // idempotent
    const err = await connectError('usw2-inf-01', { port });
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('refuses a directory that holds something other than a lab', async () => {
    const busy = tempDir('fleetops-lab-busy-');
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    await expect(startLab({ dir: busy, nodes: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
