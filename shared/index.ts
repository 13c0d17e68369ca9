export * from './errors';
export * from './health';
export * from './inventory';
export * from './status';
export * from './services';
export * from './runbook';
export * from './change';
export * from './contract';
