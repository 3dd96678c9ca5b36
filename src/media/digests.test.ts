import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestBuffer, digestFile } from './digests.js';

const dir = mkdtempSync(join(tmpdir(), 'digests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('digests', () => {
  it('gives the known md5/sha1/sha256 of "abc"', () => {
    expect(digestBuffer(Buffer.from('abc'))).toEqual({
      size: 3,
      md5: '900150983cd24fb0d6963f7d28e17f72',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
  });

  it('streams a multi-chunk file once and agrees with one-shot hashing', async () => {
    const data = Buffer.alloc(3 * (1 << 20) + 12345).map((_, i) => (i * 31 + (i >> 11)) & 255);
    const file = join(dir, 'f.bin');
    writeFileSync(file, data);
    let chunks = 0;
    let seen = 0;
    const d = await digestFile(file, (c) => {
      chunks++;
      seen += c.length;
    });
    expect(chunks).toBeGreaterThan(1);
    expect(seen).toBe(data.length);
    expect(d).toEqual({
      size: data.length,
      md5: createHash('md5').update(data).digest('hex'),
      sha1: createHash('sha1').update(data).digest('hex'),
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });
});
