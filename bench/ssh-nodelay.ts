/**
 * Does setNoDelay on the SSH socket matter? Times 200 sequential small execs on one connection,
 * with Nagle's algorithm off (noDelay: true, the pool's default) and on, against the real test
 * sshd. Run as root: `npx tsx bench/ssh-nodelay.ts`.
 *
 * Why it can matter: after each exec the client answers sshd's CHANNEL_CLOSE and at once sends
 * the next CHANNEL_OPEN. With Nagle on, that second small packet waits for the ACK of the
 * first, and the peer may hold the ACK back (delayed ACK) hoping to piggyback it.
 */
import { SshPool } from '../electron/core/ssh/pool';
import { startSshd } from '../test/integration/helpers/sshd';

const RUNS = 200;
const WARMUP = 10;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[i];
}

async function main(): Promise<void> {
  const sshd = await startSshd();
  const pools = { noDelay: new SshPool({ noDelay: true }), nagle: new SshPool({ noDelay: false }) };
  const samples: Record<keyof typeof pools, number[]> = { noDelay: [], nagle: [] };
  try {
    const targets = { noDelay: sshd.target('bench-nodelay'), nagle: sshd.target('bench-nagle') };
    for (const name of ['noDelay', 'nagle'] as const) {
      for (let i = 0; i < WARMUP; i++) await pools[name].exec(targets[name], 'true', { timeoutMs: 5000 });
    }
    // Interleaved so both settings see the same machine load (2 shared cores).
    for (let i = 0; i < RUNS; i++) {
      for (const name of ['noDelay', 'nagle'] as const) {
        const started = process.hrtime.bigint();
        const result = await pools[name].exec(targets[name], 'echo ok', { timeoutMs: 5000 });
        if (result.stdout !== 'ok\n') throw new Error(`unexpected output: ${JSON.stringify(result)}`);
        samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  } finally {
    await pools.noDelay.closeAll();
    await pools.nagle.closeAll();
    await sshd.dispose();
  }
  console.log(`${RUNS} sequential execs of 'echo ok' on one connection (OpenSSH sshd on 127.0.0.1):`);
  for (const name of ['noDelay', 'nagle'] as const) {
    const sorted = [...samples[name]].sort((a, b) => a - b);
    const label = name === 'noDelay' ? 'setNoDelay(true)  (Nagle off)' : 'setNoDelay(false) (Nagle on) ';
    console.log(`  ${label}  p50 ${percentile(sorted, 50).toFixed(2)} ms   p95 ${percentile(sorted, 95).toFixed(2)} ms   max ${sorted[sorted.length - 1].toFixed(2)} ms`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
