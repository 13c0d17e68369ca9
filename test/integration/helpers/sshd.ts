/**
 * A real OpenSSH sshd for integration tests: foreground (`-D -e`), on a free loopback port, with
 * its own config, a fresh host key and client keys in a temp dir, and a fake `nvidia-smi` first
 * on the session PATH that prints real captured H100 output (see fake-nvidia-smi.sh).
 *
 * Needs root (it runs sshd and creates the `fleetops-test` user on first use; root's own shell
 * start-up is slow here, and a dedicated user keeps tests off root's account).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../../../electron/core/ssh/types';
import { descendantsOf, signalQuietly } from './process-tree';

export const TEST_USER = 'fleetops-test';
const SSHD = '/usr/sbin/sshd';
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'nvidia-smi', 'h100-80gb-hbm3');
const FIXTURE_FILES = [
  'fields-idle.tsv',
  'fields-busy.tsv',
  'err-bogus-field.txt',
  'err-bad-index.txt',
  'help-query-gpu.txt',
  'idle-compute-apps.csv',
  'busy-compute-apps.csv',
  'idle-nvidia-smi.txt',
  'busy-nvidia-smi.txt',
  'idle-q.txt',
  'busy-q.txt',
  'idle-q.xml',
  'busy-q.xml',
];

export interface SshdOptions {
  /** sshd MaxSessions (channels per connection); sshd's default is 10. */
  maxSessions?: number;
  /** AllowTcpForwarding (needed to be a ProxyJump bastion). Default true. */
  allowTcpForwarding?: boolean;
}

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** Unencrypted ed25519 client key, authorized. */
  identityFile: string;
  /** The same kind of key, encrypted with `passphrase`, authorized. */
  encryptedIdentityFile: string;
  passphrase: string;
  /** A valid key that is NOT authorized. */
  unauthorizedIdentityFile: string;
  /** known_hosts holding exactly `hostKeyLine`. */
  knownHostsFile: string;
  /** "[127.0.0.1]:<port> ssh-ed25519 AAAA…" */
  hostKeyLine: string;
  /** The server also has an ECDSA host key: "[127.0.0.1]:<port> ecdsa-sha2-nistp256 AAAA…" */
  ecdsaHostKeyLine: string;
  /** The host's public key file, for `ssh-keygen -lf`. */
  hostPublicKeyFile: string;
  dir: string;
  /** A target for this sshd with the unencrypted key and known_hosts; override anything. */
  target(key?: string, overrides?: Partial<SshTarget>): SshTarget;
  /** Everything sshd logged (LogLevel DEBUG1) since start, across restarts. */
  logText(): string;
  /** Waits until the log, from character `from` on, matches `re`; returns that part of the log. */
  waitForLog(re: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  /** Which fixture set the fake nvidia-smi answers from. */
  setGpuState(state: 'idle' | 'busy'): void;
  /** SIGSTOPs sshd and its sessions: TCP still connects, but nothing answers (a hung host). */
  freeze(): void;
  thaw(): void;
  /** Kills sshd AND every session process it forked, so live connections drop like on a crash. */
  stop(): Promise<void>;
  /** Starts sshd again on the same port with the same keys. */
  restart(): Promise<void>;
  /** stop() and remove the temp dir. */
  dispose(): Promise<void>;
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  ensureRoot();
  ensureTestUser();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation chroot

  const dir = mkdtempSync(join(tmpdir(), 'fleetops-sshd-'));
  // sshd reads authorized_keys as the user, and the user's shell runs bin/nvidia-smi.
  chmodSync(dir, 0o755);
  const keygen = (file: string, passphrase = '', type = 'ed25519') =>
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'fleetops-test', '-f', file], { stdio: 'ignore' });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  keygen(hostKey);
  const ecdsaHostKey = join(dir, 'ssh_host_ecdsa_key');
  keygen(ecdsaHostKey, '', 'ecdsa');
  const identityFile = join(dir, 'id_ed25519');
  keygen(identityFile);
  const passphrase = 'correct horse battery staple';
  const encryptedIdentityFile = join(dir, 'id_ed25519_encrypted');
  keygen(encryptedIdentityFile, passphrase);
  const unauthorizedIdentityFile = join(dir, 'id_ed25519_unauthorized');
  keygen(unauthorizedIdentityFile);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${identityFile}.pub`, 'utf8') + readFileSync(`${encryptedIdentityFile}.pub`, 'utf8'), { mode: 0o644 });

  installFakeNvidiaSmi(dir);

  const configFile = join(dir, 'sshd_config');
  const log: string[] = [];
  const logWatchers = new Set<() => void>();
  let proc: ChildProcess | undefined;
  let port = 0;

  const writeConfig = (p: number): void => {
    writeFileSync(
      configFile,
      [
        `Port ${p}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `HostKey ${ecdsaHostKey}`,
        'PidFile none',
        `AuthorizedKeysFile ${authorizedKeys}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        `AllowUsers ${TEST_USER}`,
        `AllowTcpForwarding ${options.allowTcpForwarding === false ? 'no' : 'yes'}`,
        `MaxSessions ${options.maxSessions ?? 10}`,
        `SetEnv PATH=${join(dir, 'bin')}:/usr/bin:/bin`,
        // DEBUG1 logs every userauth-request: tests read it to prove what reached sshd.
        'LogLevel DEBUG1',
        '',
      ].join('\n'),
    );
  };

  const launch = async (): Promise<void> => {
    const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc = child;
    let ownLog = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log.push(chunk);
      ownLog += chunk;
      for (const watcher of logWatchers) watcher();
    });
    const listening = `Server listening on 127.0.0.1 port ${port}.`;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => fail(new Error(`sshd did not start listening within 10 s:\n${ownLog}`)), 10_000);
      const onData = (): void => {
        if (ownLog.includes(listening)) done();
      };
      const onExit = (code: number | null): void => fail(new Error(`sshd exited (${code}) before listening:\n${ownLog}`));
      const cleanup = (): void => {
        clearTimeout(deadline);
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
      };
      const done = (): void => {
        cleanup();
        resolve();
      };
      const fail = (err: Error): void => {
        cleanup();
        child.kill('SIGKILL');
        reject(err);
      };
      child.stderr!.on('data', onData);
      child.once('exit', onExit);
    });
  };

  // The free port comes from the OS; another process could take it before sshd binds, so retry.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    writeConfig(port);
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 5 || !/Address already in use/.test(String(err))) throw err;
    }
  }

  const lineFor = (key: string): string => `[127.0.0.1]:${port} ${readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')}`;
  const hostKeyLine = lineFor(hostKey);
  const ecdsaHostKeyLine = lineFor(ecdsaHostKey);
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `${hostKeyLine}\n`);

  const signalTree = (signal: NodeJS.Signals): void => {
    if (!proc?.pid) return;
    for (const pid of [proc.pid, ...descendantsOf(proc.pid)]) signalQuietly(pid, signal);
  };

  const stop = async (): Promise<void> => {
    const child = proc;
    proc = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // Freeze the listener so it forks nothing new, then kill its whole tree: sshd's per-connection
    // children call setsid(), so killing the listener alone would leave live sessions running.
    child.kill('SIGSTOP');
    const tree = descendantsOf(child.pid!);
    for (const pid of tree) signalQuietly(pid, 'SIGKILL');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };

  const waitForLog = (re: RegExp, from = 0, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = log.join('').slice(from);
        if (!re.test(text)) return false;
        clearTimeout(deadline);
        logWatchers.delete(watcher);
        resolve(text);
        return true;
      };
      const watcher = (): void => void check();
      const deadline = setTimeout(() => {
        logWatchers.delete(watcher);
        reject(new Error(`sshd log never matched ${re} within ${timeoutMs} ms:\n${log.join('').slice(from)}`));
      }, timeoutMs);
      if (!check()) logWatchers.add(watcher);
    });

  return {
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    identityFile,
    encryptedIdentityFile,
    passphrase,
    unauthorizedIdentityFile,
    knownHostsFile,
    hostKeyLine,
    ecdsaHostKeyLine,
    hostPublicKeyFile: `${hostKey}.pub`,
    dir,
    target: (key = 'node-1', overrides = {}) => ({
      key,
      host: '127.0.0.1',
      port,
      user: TEST_USER,
      identityFile,
      agent: false,
      knownHostsFile,
      ...overrides,
    }),
    logText: () => log.join(''),
    waitForLog,
    setGpuState: (state) => writeFileSync(join(dir, 'nvidia-smi', 'state'), `${state}\n`),
    freeze: () => signalTree('SIGSTOP'),
    thaw: () => signalTree('SIGCONT'),
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function installFakeNvidiaSmi(dir: string): void {
  const bin = join(dir, 'bin');
  const data = join(dir, 'nvidia-smi');
  mkdirSync(bin, { mode: 0o755 });
  mkdirSync(data, { mode: 0o755 });
  for (const file of FIXTURE_FILES) copyFileSync(join(FIXTURES, file), join(data, file));
  writeFileSync(join(data, 'state'), 'idle\n');
  const script = join(bin, 'nvidia-smi');
  copyFileSync(join(__dirname, 'fake-nvidia-smi.sh'), script);
  chmodSync(script, 0o755);
}

function ensureRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('the sshd integration helper must run as root (it starts sshd and owns a test user)');
}

function ensureTestUser(): void {
  try {
    execFileSync('getent', ['passwd', TEST_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER], { stdio: 'pipe' });
    } catch (err) {
      // Exit 9: another test worker created it meanwhile.
      if ((err as { status?: number }).status !== 9) throw err;
    }
  }
  // useradd leaves the password locked ("!"), and sshd without PAM refuses locked accounts even
  // for key auth; "*" means "no password login" without the lock.
  const shadow = execFileSync('getent', ['shadow', TEST_USER], { encoding: 'utf8' });
  if (shadow.split(':')[1]?.startsWith('!')) execFileSync('usermod', ['-p', '*', TEST_USER]);
}

/** A loopback port nobody listens on right now (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
