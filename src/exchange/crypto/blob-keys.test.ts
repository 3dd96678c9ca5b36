import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobHeaderLength, BlobIntegrityError, createBlobSealer, issueBlobKey, openBlobHeader } from './blob-keys.js';
import { ephemeralMasterKey } from './master-key.js';

const SEG = 1024;

function seal(plain: Buffer, chunkSizes: number[], segmentBytes = SEG) {
  const master = ephemeralMasterKey();
  const grant = issueBlobKey(master, segmentBytes);
  const sealer = createBlobSealer(grant);
  const parts: Buffer[] = [sealer.header];
  let at = 0;
  let i = 0;
  while (at < plain.length) {
    const n = Math.min(chunkSizes[i++ % chunkSizes.length]!, plain.length - at);
    parts.push(...sealer.push(plain.subarray(at, at + n)));
    at += n;
  }
  parts.push(...sealer.final());
  return { master, file: Buffer.concat(parts) };
}

function openAll(master: ReturnType<typeof ephemeralMasterKey>, file: Buffer): Buffer {
  const opener = openBlobHeader(master, file.subarray(0, blobHeaderLength(file)));
  const n = opener.segmentCount(file.length);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const { offset, length } = opener.segmentRange(i, file.length);
    out.push(opener.openSegment(i, file.subarray(offset, offset + length), i === n - 1));
  }
  expect(opener.plainSize(file.length)).toBe(Buffer.concat(out).length);
  return Buffer.concat(out);
}

describe('blob encryption (segmented AES-256-GCM)', () => {
  it.each([0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 17])('round-trips %i bytes whatever the write chunking', (size) => {
    const plain = randomBytes(size);
    for (const chunks of [[size || 1], [1], [7, 1000, 3], [SEG]]) {
      const { master, file } = seal(plain, chunks);
      expect(openAll(master, file).equals(plain)).toBe(true);
    }
  });

  it('does not contain the plaintext and differs for the same content (a fresh key per blob)', () => {
    const plain = Buffer.from('a recognisable plaintext marker '.repeat(100));
    const a = seal(plain, [4096]).file;
    const b = seal(plain, [4096]).file;
    expect(a.includes(Buffer.from('recognisable'))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a flipped bit, a dropped final segment, swapped segments and another master key', () => {
    const plain = randomBytes(3 * SEG + 5);
    const { master, file } = seal(plain, [500]);
    const flipped = Buffer.from(file);
    flipped[file.length - 40]! ^= 1;
    expect(() => openAll(master, flipped)).toThrow(BlobIntegrityError);

    const opener = openBlobHeader(master, file.subarray(0, blobHeaderLength(file)));
    const s1 = opener.segmentRange(1, file.length);
    // Truncated after a whole segment: the new last segment was not sealed as final.
    expect(() => openAll(master, file.subarray(0, s1.offset + s1.length))).toThrow(BlobIntegrityError);

    const s0 = opener.segmentRange(0, file.length);
    const swapped = Buffer.concat([file.subarray(0, s0.offset), file.subarray(s1.offset, s1.offset + s1.length), file.subarray(s0.offset, s0.offset + s0.length), file.subarray(s1.offset + s1.length)]);
    expect(() => openAll(master, swapped)).toThrow(BlobIntegrityError);

    expect(() => openAll(ephemeralMasterKey(), file)).toThrow(/master key/);
    expect(() => blobHeaderLength(Buffer.from('nope-not-a-blob'))).toThrow(/magic/);
  });
});
