/**
 * A fingerprint of a directory tree: every entry's relative path, type, mode, and a file's bytes
 * or a link's target. Two equal fingerprints mean nothing was created, removed or changed below
 * the root; a missing root has its own fingerprint, so "still absent" is checked the same way.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeFingerprint(root: string): string[] {
  const lines: string[] = [];
  const walk = (rel: string) => {
    const path = rel === '' ? root : join(root, rel);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      lines.push(`${rel || '.'} absent`);
      return;
    }
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) {
      lines.push(`${rel || '.'} dir ${mode}`);
      for (const name of readdirSync(path).sort()) walk(rel === '' ? name : join(rel, name));
    } else if (st.isSymbolicLink()) {
      lines.push(`${rel} link -> ${readlinkSync(path)}`);
    } else if (st.isFile()) {
      lines.push(`${rel} file ${mode} ${st.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    } else {
      lines.push(`${rel} other ${mode}`);
    }
  };
  walk('');
  return lines;
}
