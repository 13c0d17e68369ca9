/**
 * What the runbooks e2e needs beside the page: the lab HAProxy's runtime API (the same one the
 * engine drives), its administrative state, and real sessions held open through its frontend so
 * a drain's "wait for sessions to end" lasts exactly as long as the test wants.
 */
import { connect, type Socket } from 'node:net';
import { HaproxyRuntime } from '../../../electron/core/haproxy';
import { loadInventoryFile } from '../../../electron/core/inventory/load-inventory';
import { LAB_SERVICE } from '../../../electron/core/lab/lab-services';
import { pollUntil } from './services-page';
import type { E2eServe } from './serve';

/** A runtime client for the lab LB, through the TCP socket its inventory names. */
export async function labRuntime(serve: E2eServe): Promise<HaproxyRuntime> {
  const lab = serve.handle.lab;
  if (!lab) throw new Error('serve runs without --lab');
  const inventory = await loadInventoryFile(lab.inventoryPath, { homeDir: lab.dir, defaultUser: 'ops' });
  const rt = inventory.loadBalancers[0]?.runtime;
  if (rt?.kind !== 'tcp') throw new Error(`the lab LB has no TCP runtime: ${JSON.stringify(rt)}`);
  return new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
}

/** The administrative and weight columns of `show servers state` (check counters move on their own). */
export async function adminState(runtime: HaproxyRuntime): Promise<Array<{ server: string; adminFlags: unknown; userWeight: unknown }>> {
  return (await runtime.showServersState(LAB_SERVICE)).map((r) => ({ server: r.server, adminFlags: r.adminFlags, userWeight: r.userWeight }));
}

export const sessionsOn = async (runtime: HaproxyRuntime, server: string): Promise<number> =>
  (await runtime.servers()).find((s) => s.server === server)?.sessions ?? 0;

export interface HeldSession {
  /** Closes every socket opened; safe to call twice. */
  release(): void;
}

/**
 * Holds a session on `server`: the other servers of the backend are put in `drain` (weight 0,
 * no new sessions) so HAProxy has only `server` to pick, then a POST whose body trickles in a
 * byte a second (well inside HAProxy's client timeout) keeps it open; the others are set back
 * to `ready` before returning, whatever happens.
 */
export async function holdSessionOn(runtime: HaproxyRuntime, frontendUrl: string, server: string, timeoutMs: number): Promise<HeldSession> {
  // Servers in maintenance (a spare) take no traffic already: left alone, so their state stays as it was.
  const others = (await runtime.servers()).filter((s) => s.backend === LAB_SERVICE && s.server !== server && s.status !== 'MAINT').map((s) => s.server);
  const url = new URL(frontendUrl);
  const sockets: Socket[] = [];
  const timer = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('x');
  }, 1000);
  const release = () => {
    clearInterval(timer);
    for (const s of sockets) s.destroy();
  };
  try {
    for (const o of others) await runtime.setServerState(LAB_SERVICE, o, 'drain');
    const s = connect(Number(url.port), url.hostname);
    s.on('error', () => undefined);
    sockets.push(s);
    s.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    await pollUntil(() => sessionsOn(runtime, server), (n) => n > 0, timeoutMs, `a session held on ${server}`);
  } catch (err) {
    release();
    throw err;
  } finally {
    for (const o of others) await runtime.setServerState(LAB_SERVICE, o, 'ready');
  }
  return { release };
}
