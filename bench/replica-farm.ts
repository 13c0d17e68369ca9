/**
 * Child process of `npm run bench:probe`: N lab replicas (OpenAI-compatible HTTP servers) on
 * loopback, so their CPU is not counted against the console's. Prints one JSON line with their
 * URLs when ready; stops on SIGTERM.
 */
import { startLabReplicas } from '../electron/core/lab/lab-replica';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? '500');
  const replicas = await startLabReplicas(n, { prefix: 'bench-replica' });
  process.stdout.write(`${JSON.stringify(replicas.map((r) => ({ name: r.name, url: r.url })))}\n`);
  const stop = async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
