/**
 * What a Slurm JWT says about itself, read without verifying it (only slurmctld holds the key):
 * enough to tell an operator "this token expired at 14:02" or "this is not a JWT at all" instead
 * of slurmrestd's bare "Unspecified error". `scontrol token` writes `exp`, `iat` and `sun` (the
 * Slurm user name).
 */
export interface JwtClaims {
  /** Expiry, epoch ms. */
  expiresAt: number | null;
  issuedAt: number | null;
  /** `sun`: the user the token was made for. */
  user: string | null;
}

/** The claims, or null when the token is not a JWT (three base64url parts, a JSON middle). */
export function readJwtClaims(token: string): JwtClaims | null {
  // A Slurm token is a few hundred bytes; anything huge is not one, and is not decoded.
  if (token.length > 8192) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return null;
  const c = claims as Record<string, unknown>;
  const seconds = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1000 : null);
  return { expiresAt: seconds(c.exp), issuedAt: seconds(c.iat), user: typeof c.sun === 'string' ? c.sun : null };
}
