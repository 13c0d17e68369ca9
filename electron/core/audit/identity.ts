import { hostname, userInfo } from 'node:os';

/** Who is acting and where: recorded on every audit entry. */
export interface AuditIdentity {
  user: string;
  host: string;
}

/**
 * The identity of this process from the operating system (not from $USER, which any caller can
 * set). In a container without a passwd entry userInfo() throws; the numeric uid is then the most
 * truthful name there is.
 */
export function osAuditIdentity(): AuditIdentity {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = typeof process.getuid === 'function' ? `uid:${process.getuid()}` : 'unknown';
  }
  return { user, host: hostname() };
}
