export { SshPool } from './pool';
export type { ExecResult, HostKeyUnknownEvent, PassphraseProvider, SshPoolOptions, SshTarget } from './types';
