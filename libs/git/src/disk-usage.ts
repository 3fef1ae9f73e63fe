import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Bytes under `root` (apparent file sizes, from a recursive walk that does not follow symlinks;
 * hard-linked files count once). A missing path is 0 bytes.
 */
export async function directorySize(root: string): Promise<number> {
  const seen = new Set<string>();
  const walk = async (file: string): Promise<number> => {
    const stats = await lstat(file).catch(() => undefined);
    if (!stats) return 0;
    if (stats.nlink > 1 && !stats.isDirectory()) {
      const key = `${stats.dev}:${stats.ino}`;
      if (seen.has(key)) return 0;
      seen.add(key);
    }
    if (!stats.isDirectory()) return stats.size;
    const names = await readdir(file).catch(() => [] as string[]);
    let total = stats.size;
    for (const name of names) total += await walk(path.join(file, name));
    return total;
  };
  return walk(root);
}
