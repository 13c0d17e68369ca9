import type { NodeSummary } from '../../../shared/status';

/** One encrypted identity file the console cannot use yet, and the nodes waiting on it. */
export interface PassphraseRequest {
  identityFile: string;
  /** Names of the waiting nodes, sorted. */
  nodes: string[];
  /** A passphrase was tried (environment, keychain) and did not decrypt the key. */
  wrongPassphrase: boolean;
  /**
   * Changes whenever one of the waiting nodes is probed again ("name@lastProbeAt", joined): a
   * request still here after a re-probe that followed an accepted passphrase is a new one.
   */
  probeKey: string;
}

/**
 * Derived from node statuses alone, no extra push: a node needs a passphrase when its last probe
 * failed with SSH_PASSPHRASE_REQUIRED, or with SSH_AUTH_FAILED flagged `wrongPassphrase`; the
 * error's detail names the identity file. Sorted by file, so a request keeps its place (and its
 * index) while others come and go only when files sort before it.
 */
export function passphraseRequests(nodes: readonly NodeSummary[]): PassphraseRequest[] {
  const byFile = new Map<string, { nodes: NodeSummary[]; wrongPassphrase: boolean }>();
  for (const node of nodes) {
    const need = passphraseNeed(node);
    if (!need) continue;
    let entry = byFile.get(need.identityFile);
    if (!entry) byFile.set(need.identityFile, (entry = { nodes: [], wrongPassphrase: false }));
    entry.nodes.push(node);
    entry.wrongPassphrase ||= need.wrongPassphrase;
  }
  return [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([identityFile, entry]) => {
      const waiting = [...entry.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return {
        identityFile,
        nodes: waiting.map((n) => n.name),
        wrongPassphrase: entry.wrongPassphrase,
        probeKey: waiting.map((n) => `${n.name}@${n.lastProbeAt ?? ''}`).join(','),
      };
    });
}

function passphraseNeed(node: NodeSummary): { identityFile: string; wrongPassphrase: boolean } | null {
  const error = node.lastError;
  if (!error) return null;
  const detail = error.detail;
  if (typeof detail !== 'object' || detail === null) return null;
  const { identityFile, wrongPassphrase } = detail as { identityFile?: unknown; wrongPassphrase?: unknown };
  if (typeof identityFile !== 'string' || identityFile === '') return null;
  if (error.code === 'SSH_PASSPHRASE_REQUIRED') return { identityFile, wrongPassphrase: false };
  if (error.code === 'SSH_AUTH_FAILED' && wrongPassphrase === true) return { identityFile, wrongPassphrase: true };
  return null;
}
