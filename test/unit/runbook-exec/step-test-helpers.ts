import type { HaproxyRuntime } from '../../../electron/core/haproxy/runtime-client';

/** A runtimeFor for step actions that must not touch a load balancer. */
export const noRuntime = (): HaproxyRuntime => {
  throw new Error('no load balancer in this test');
};

/** The error `p` rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
