/**
 * The secret store replicas' `auth.secretRef` names resolve against. Values the operator sets in
 * the console sit in memory in front of whatever the process already had (the environment in
 * serve and the CLI; the OS keychain, then the environment, on the desktop), and may be kept
 * beyond this process through a persist hook (desktop: the keychain). A value is never logged,
 * echoed or put in an error message: errors from the hook are redacted before they leave.
 */
import { FleetError } from '../../../shared/errors';
import { redact } from '../replica/replica-text';

/** Resolves a secretRef; undefined when this source has no value for it. */
export type SecretSource = (ref: string) => Promise<string | undefined>;

export interface SetSecretOutcome {
  /** True when the persist hook kept the value; false when there is none or it failed. */
  persisted: boolean;
  /** Why the persist hook failed (the value redacted): the value is then kept in memory only. */
  persistError?: string;
}

export interface SecretStore {
  get(ref: string): Promise<string | undefined>;
  set(ref: string, value: string): Promise<SetSecretOutcome>;
  has(ref: string): Promise<boolean>;
}

export interface LayeredSecretStoreOptions {
  /** Asked for refs the operator has not set in this process: environment, keychain. */
  inner?: SecretSource;
  /** Keeps a value beyond this process (desktop: the OS keychain). Absent: memory only. */
  persist?: (ref: string, value: string) => void | Promise<void>;
}

export class LayeredSecretStore implements SecretStore {
  private readonly known = new Map<string, string>();

  constructor(private readonly opts: LayeredSecretStoreOptions = {}) {}

  async get(ref: string): Promise<string | undefined> {
    const known = this.known.get(ref);
    if (known !== undefined) return known;
    const inner = this.opts.inner ? await this.opts.inner(ref) : undefined;
    // A value set while the inner source was being read is the newer one.
    return this.known.get(ref) ?? (inner || undefined);
  }

  async has(ref: string): Promise<boolean> {
    return (await this.get(ref)) !== undefined;
  }

  /**
   * Keeps `value` for `ref` in memory at once (every later get answers it), then hands it to the
   * persist hook. A failing hook does not undo the set: the value works until the process ends,
   * and the outcome says why it was not kept longer.
   */
  async set(ref: string, value: string): Promise<SetSecretOutcome> {
    // The prober treats an empty value as "no secret": storing one would hide the inner source.
    if (value === '') throw new FleetError('BAD_REQUEST', `an empty value for secret "${ref}" was not stored`, { detail: { ref } });
    this.known.set(ref, value);
    if (!this.opts.persist) return { persisted: false };
    try {
      await this.opts.persist(ref, value);
      return { persisted: true };
    } catch (err) {
      return { persisted: false, persistError: redact(err instanceof Error ? err.message : String(err), [value]) };
    }
  }
}
