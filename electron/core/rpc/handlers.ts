import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';

/** One implementation per contract method: what the engine offers every transport. */
export type Handlers = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>> };
