/**
 * Unknown host keys waiting for the operator, by node: the SSH pool reports a key it does not
 * know, the console shows it (fleet.snapshot, `hostKeys.changed`), and the trust feature takes
 * it away once the operator trusted it.
 */
import type { HostKeyPrompt } from '../../../shared/status';
import type { Push } from '../feature';
import type { AppendEventInput } from '../store/event-log';

/** What the SSH pool says when a host presents a key known_hosts does not have. */
export interface UnknownHostKey {
  targetKey: string;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  knownHostsFile: string;
}

export interface HostKeyPromptsDeps {
  record: (e: AppendEventInput) => void;
  push: Push;
  now: () => number;
}

export class HostKeyPrompts {
  private readonly pending = new Map<string, HostKeyPrompt>();

  constructor(private readonly deps: HostKeyPromptsDeps) {}

  /** A host presented an unknown key: on the record and shown, once per key. */
  unknown(p: UnknownHostKey): void {
    const prev = this.pending.get(p.targetKey);
    if (prev && prev.fingerprint === p.fingerprint) return;
    this.pending.set(p.targetKey, { node: p.targetKey, host: p.host, port: p.port, keyType: p.keyType, fingerprint: p.fingerprint, knownHostsFile: p.knownHostsFile });
    this.deps.record({
      ts: this.deps.now(),
      kind: 'hostkey.unknown',
      subject: p.targetKey,
      severity: 'warning',
      message: `${p.targetKey}: unknown host key ${p.keyType} ${p.fingerprint} for ${p.host}:${p.port}; waiting for the operator to trust it`,
    });
    this.publish();
  }

  get(node: string): HostKeyPrompt | undefined {
    return this.pending.get(node);
  }

  delete(node: string): void {
    this.pending.delete(node);
  }

  list(): HostKeyPrompt[] {
    return [...this.pending.values()];
  }

  /** Tells every client the prompts as they are now. */
  publish(): void {
    this.deps.push('hostKeys.changed', { pending: this.list() });
  }

  /** After an inventory reload: forget the prompts of nodes it no longer has (no push of its own: the reload is pushed). */
  retain(hasNode: (node: string) => boolean): void {
    for (const node of [...this.pending.keys()]) if (!hasNode(node)) this.pending.delete(node);
  }
}
