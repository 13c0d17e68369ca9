/** What the SSH connector needs to reach one node. Built by the inventory loader from a ResolvedNode. */
export interface SshTarget {
  /** Unique id (the node name): the pool keeps one connection per key. */
  key: string;
  host: string;
  port: number;
  user: string;
  /** Private key path, already ~-expanded by the inventory loader. */
  identityFile?: string;
  /** ssh-agent socket path, or false to not use an agent. */
  agent?: string | false;
  knownHostsFile: string;
  /** ProxyJump bastion; reached with the same identity, agent and known_hosts as the target. */
  jump?: { host: string; port: number; user: string };
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the command ended on a signal (see `signal`). */
  code: number | null;
  signal: string | null;
  durationMs: number;
}

/** Supplies the passphrase of an encrypted identity file (an OS keychain, a prompt). */
export interface PassphraseProvider {
  get(identityFile: string): Promise<string | undefined>;
}

/** Everything an operator needs to decide whether to trust a host key seen for the first time. */
export interface HostKeyUnknownEvent {
  targetKey: string;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  knownHostsFile: string;
}

export interface SshPoolOptions {
  /** TCP connect + SSH handshake + authentication, per attempt. Default 10000. */
  connectTimeoutMs?: number;
  /** Keepalive request interval; the connection is dropped after 3 unanswered. Default 15000. */
  keepaliveIntervalMs?: number;
  /** Default 8: sshd's default MaxStartups 10:30:100 starts dropping unauthenticated connections past 10. */
  maxConcurrentHandshakes?: number;
  /**
   * Exec channels open at once on one connection. Default 10 = sshd's default MaxSessions:
   * past it sshd refuses the channel, so extra execs wait for a free one instead of failing.
   */
  maxChannelsPerConnection?: number;
  /** Reconnect backoff: exponential with full jitter. Default 500 / 30000. */
  backoff?: { baseMs: number; maxMs: number };
  /** stdout + stderr of one exec; past it the channel is closed with PARSE_FAILED. Default 1 MiB. */
  maxOutputBytes?: number;
  /** setNoDelay on the TCP socket (disables Nagle). Default true. */
  noDelay?: boolean;
  passphrases?: PassphraseProvider;
  onHostKeyUnknown?: (p: HostKeyUnknownEvent) => void;
  /** Injected for deterministic backoff tests. */
  random?: () => number;
  now?: () => number;
}
