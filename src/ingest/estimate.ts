/**
 * A quick count of what an ingest will meet, for the progress bar's ETA: folder files and their bytes (archives count as
 * one file of their compressed size — what they hold is only known once walked). Links are not followed; the count
 * gives up past a bound rather than delay the start.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export async function estimateInputs(inputs: string[], bound = 2_000_000): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const stack = inputs.map((p) => path.resolve(p));
  while (stack.length && files < bound) {
    const p = stack.pop()!;
    let s;
    try {
      s = await lstat(p);
    } catch {
      continue;
    }
    if (s.isDirectory()) {
      try {
        for (const name of await readdir(p)) stack.push(path.join(p, name));
      } catch {
        // unreadable folders are reported by the ingest itself
      }
    } else if (s.isFile()) {
      files++;
      bytes += s.size;
    }
  }
  return { files, bytes };
}
