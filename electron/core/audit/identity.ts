import { hostname, userInfo } from 'node:os';

/** Who is acting and where: recorded on every audit entry. */
export interface AuditIdentity {
  user: string;
  host: string;
  /**
   * Where the actions come from when that is not the real fleet: `lab:<dir>` for a lab. Recorded
   * in every entry's detail (key `origin`), so a lab's entries can never pass for real changes.
   */
  origin?: string;
}

/** The origin of everything done to the lab in `dir`. */
export function labOrigin(dir: string): string {
  return `lab:${dir}`;
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
