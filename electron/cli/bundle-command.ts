/**
 * `fleetops bundle verify FILE` and `fleetops bundle trust FILE`: checks a signed bundle (an
 * incident's or a drill report's, electron/core/bundle/) anywhere, with no fleet configured, and
 * trusts its signer's key for this data directory. Exit status of verify: 0 intact and signed by
 * this console or a key it trusts; 1 intact but signed by a key it does not trust (named, with
 * the command that trusts it); 3 refused (the part and what is wrong) or unreadable.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { READ_ONLY_SETTING } from '../core/runbook-exec/read-only-setting';
import { readBundle, type ReadBundle } from '../core/bundle/read-bundle';
import { loadSigningKey } from '../core/bundle/signing-key';
import { signerTrust, trustSigner, type SignerTrust } from '../core/bundle/trusted-signers';
import { fleetMigrations } from '../core/fleet/builtin-features';
import { openStore } from '../core/store/open-store';
import { chooseDataDir } from './data-dir';
import type { CliIo } from './io';
import { defaultDataDir, secretFromEnv } from './runtime-env';

export const BUNDLE_USAGE = `Usage: fleetops bundle verify FILE [--data-dir DIR] [--json]
       fleetops bundle trust FILE [--label TEXT] [--data-dir DIR]
  verify  checks every part against the signed manifest and says who signed it
  trust   trusts the key that signed FILE (after checking FILE) for this data directory
Default DIR: ${defaultDataDir()}.
Exit status of verify: 0 intact and signed by this console or a trusted key, 1 intact but
signed by a key you do not trust, 3 refused (the part and what is wrong).`;

/** Every option it parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const BUNDLE_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  label: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runBundleCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: BUNDLE_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.out(BUNDLE_USAGE), 0);
  const [action, file, ...extra] = positionals;
  if (action !== 'verify' && action !== 'trust') return usageError(io, action === undefined ? 'verify or trust?' : `unknown action "${action}"`);
  if (file === undefined || extra.length > 0) return usageError(io, 'name one bundle file');
  const { dataDir } = chooseDataDir({ dataDir: values['data-dir'], inventoryPath: null });
  let bundle: ReadBundle;
  try {
    bundle = await readBundle(await readFile(resolve(file)));
  } catch (err) {
    const e = toErrorData(err);
    if (values.json) io.out(JSON.stringify({ ok: false, error: e }));
    io.err(`fleetops bundle ${action}: ${resolve(file)} refused: ${e.code}: ${e.message}`);
    return 3;
  }
  const own = await loadSigningKey(dataDir, secretFromEnv());
  if (action === 'trust') {
    const label = values.label ?? `${bundle.manifest.createdBy} (from ${bundle.manifest.kind} ${bundle.manifest.subject})`;
    // A change of what this console trusts: through the same gate as a host key trusted — refused
    // while read-only is on globally, and in the audit chain.
    const store = openStore(dataDir, { migrations: fleetMigrations() });
    try {
      if (store.settings.get(READ_ONLY_SETTING).value.global) {
        io.err(`fleetops bundle trust: READ_ONLY: read-only mode is on (global switch) in ${dataDir}: trusting a key changes what this console believes; turn read-only off to trust ${bundle.signer.fingerprint}`);
        return 3;
      }
      const t = await trustSigner(dataDir, bundle.signer.publicKeyPem, label);
      store.audit.append({ kind: 'bundle.signer.trusted', subject: t.fingerprint, detail: { label: t.label, bundle: `${bundle.manifest.kind} ${bundle.manifest.subject}` } });
      io.out(`trusted ${t.fingerprint} (${t.label}) for ${dataDir}`);
      return 0;
    } finally {
      store.close();
    }
  }
  const trust = await signerTrust(dataDir, bundle.signer.fingerprint, own.fingerprint);
  const m = bundle.manifest;
  if (values.json) {
    io.out(JSON.stringify({ ok: true, trust, signer: bundle.signer.fingerprint, manifest: m }));
  } else {
    io.out(`${m.kind} ${m.subject}: ${m.title}`);
    io.out(`made ${m.createdAt} by ${m.createdBy}; ${m.parts.length} parts intact (SHA-256 and size as signed):`);
    for (const p of m.parts) io.out(`  ${p.name}  ${p.size} B  ${p.mediaType}  sha256:${p.sha256}`);
    io.out(signerLine(bundle.signer.fingerprint, trust, file));
  }
  return trust === 'unknown' ? 1 : 0;
}

function signerLine(fingerprint: string, trust: SignerTrust, file: string): string {
  if (trust === 'own') return `signed by ${fingerprint} — this console's own key`;
  if (trust === 'trusted') return `signed by ${fingerprint} — a key you trust`;
  return `signed by ${fingerprint} — not a key you trust (to trust it: fleetops bundle trust ${file})`;
}

function usageError(io: CliIo, message: string): number {
  io.err(`fleetops bundle: ${message}\n${BUNDLE_USAGE}`);
  return 3;
}
