/**
 * Slurm as a cluster API: slurmrestd read over REST (v0.0.38 and the v0.0.39+ shapes), the
 * answers normalized into shared/slurm.ts, and the changes (drain, resume, requeue) rendered for
 * a runbook plan and run over REST or `scontrol` on the controlVia node.
 */
export { SlurmRestClient, type SlurmRestOptions } from './rest-client';
export { detectSlurmApi } from './openapi-detect';
export { parseJobs, parseNodes, parsePartitions, releaseFromMeta } from './parse-answer';
export type { ParsedItems } from './parse-items';
export { checkAnswer, slurmErrors, DEFAULT_SLOW_CONTROLLER_MS, type AnswerFailure, type SlurmErrorEntry } from './classify-answer';
export { restRequest, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS, type RestAnswer, type RestTarget, type TransportFailure } from './rest-transport';
export { expandHostlist, DEFAULT_MAX_HOSTS } from './hostlist';
export { gpusInGres, gpusInGresDetail, jobGpus } from './gres';
export { checkpointFromComment } from './job-comment';
export { nodeStateV0038, nodeStateV0039, type NodeState } from './node-state';
export { readJwtClaims, type JwtClaims } from './jwt-claims';
export { renderSlurmChange, SLURM_JOB_ID, SLURM_NODE_NAME, MAX_REASON_LENGTH, type ScontrolOptions } from './render-change';
export { executeSlurmChange, type SlurmChangeRunner } from './execute-change';
