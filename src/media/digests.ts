/** md5, sha1 and sha256 of a file or buffer, computed together so the bytes are read once. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface Digests {
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
}

/** Accumulates the three digests over chunks fed in order. */
export class DigestAccumulator {
  private readonly hashes: [Hash, Hash, Hash] = [createHash('md5'), createHash('sha1'), createHash('sha256')];
  private size = 0;

  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    for (const h of this.hashes) h.update(chunk);
  }

  digest(): Digests {
    const [md5, sha1, sha256] = this.hashes.map((h) => h.digest('hex')) as [string, string, string];
    return { size: this.size, md5, sha1, sha256 };
  }
}

export function digestBuffer(buf: Uint8Array): Digests {
  const acc = new DigestAccumulator();
  acc.update(buf);
  return acc.digest();
}

/**
 * Streams a file once through the three digests; `onChunk` sees the same chunks (e.g. to keep the head for content
 * sniffing) so nothing else has to read the file again.
 */
export async function digestFile(path: string, onChunk?: (chunk: Buffer) => void): Promise<Digests> {
  const acc = new DigestAccumulator();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer;
    acc.update(b);
    onChunk?.(b);
  }
  return acc.digest();
}
