/**
 * ed25519 key pairs for the lab, generated with ssh2's fast synchronous keygen (1,000 host keys
 * in about half a second).
 *
 * ssh2 1.17's keygen strips every leading zero byte of the public key, so about 1 key in 256 comes
 * out malformed and ssh2 itself then refuses to parse it (mscdex/ssh2#1390, #1513). We check each
 * pair by parsing both halves and draw again when one does not parse.
 */
import { utils, type ParsedKey } from 'ssh2';

/** What ssh2's keygen returns. */
export interface GeneratedKeyPair {
  private: string;
  public: string;
}

export interface LabKeyPair {
  /** OpenSSH private key text. */
  private: string;
  /** `ssh-ed25519 AAAA…` */
  public: string;
  parsedPublic: ParsedKey;
}

/** With a 1/256 failure rate, 16 draws all failing means something else is wrong. */
const MAX_DRAWS = 16;

export function generateEd25519(generate: () => GeneratedKeyPair = () => utils.generateKeyPairSync('ed25519')): LabKeyPair {
  let lastError: Error | undefined;
  for (let i = 0; i < MAX_DRAWS; i++) {
    const pair = generate();
    const priv = utils.parseKey(pair.private);
    const pub = utils.parseKey(pair.public);
    if (!(priv instanceof Error) && !(pub instanceof Error)) return { private: pair.private, public: pair.public, parsedPublic: pub };
    lastError = priv instanceof Error ? priv : (pub as Error);
  }
  throw new Error(`could not generate a parseable ed25519 key in ${MAX_DRAWS} draws: ${lastError?.message}`);
}
