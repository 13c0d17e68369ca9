import { chmod, rename, writeFile } from 'node:fs/promises';

/** Writes through a temporary name, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}
