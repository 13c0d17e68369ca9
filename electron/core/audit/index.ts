/** The audit log: who did what, where and when, hash-chained so tampering shows. */
export { createAuditLog, DEFAULT_AUDIT_LIST_LIMIT, MAX_AUDIT_LIST_LIMIT } from './audit-log';
export type { AppendAuditInput, AuditEntry, AuditLog, AuditLogOptions, ListAuditQuery } from './audit-log';
export { canonicalJson, isCanonicalJson } from './canonical-json';
export { AUDIT_HASH_FORMAT, entryHash, GENESIS_HASH } from './entry-hash';
export { labOrigin, osAuditIdentity, type AuditIdentity } from './identity';
export { verifyChain, type BrokenEntry, type BrokenReason, type VerifyResult } from './verify-chain';
