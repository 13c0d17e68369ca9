export { HaproxyRuntime, DEFAULT_MAX_REPLY_BYTES, DEFAULT_RUNTIME_TIMEOUT_MS, type HaproxyRuntimeDeps, type ServerAdminState } from './runtime-client';
export { describeEndpoint, type RuntimeEndpoint } from './runtime-endpoint';
export { parseShowStat, type StatRow, type StatRowType } from './parse-stat';
export { parseServersState, type ServerStateRow, type ServerOpState, type ServerAdminFlag, type CheckResult } from './parse-servers-state';
export { parseShowInfo } from './parse-info';
export { parseServerStatus, type ServerStatus, type ServerStatusWord } from './server-status';
export { lbBackendViews, lbServerViews, type LbBackendView, type LbServerView } from './server-view';
export { assertHaproxyName, assertSingleCommand } from './identifiers';
