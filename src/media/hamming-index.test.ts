import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HammingIndex } from './hamming-index.js';
import { hammingWords, wordsToHex } from './hash256.js';
import { rng } from './testing/images.js';

const dir = mkdtempSync(join(tmpdir(), 'hidx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomHash(r: () => number): Uint32Array {
  return Uint32Array.from({ length: 8 }, () => Math.floor(r() * 4294967296));
}

/** Flips `bits` distinct random bits of `h`. */
function flip(h: Uint32Array, bits: number, r: () => number): Uint32Array {
  const out = h.slice();
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(r() * 256));
  for (const b of chosen) out[b >>> 5]! ^= 1 << (b & 31);
  return out;
}

function clustered(n: number, seed: number): Uint32Array[] {
  const r = rng(seed);
  const centres = Array.from({ length: 20 }, () => randomHash(r));
  return Array.from({ length: n }, () => flip(centres[Math.floor(r() * centres.length)]!, Math.floor(r() * 70), r));
}

function expectSameAsBrute(idx: HammingIndex, queries: Uint32Array[], radii: number[]): number {
  let hits = 0;
  for (const radius of radii) {
    const many = idx.searchMany(queries, radius, 7);
    queries.forEach((q, i) => {
      const brute = idx.searchBrute(q, radius);
      const got = idx.search(q, radius);
      expect(got).toEqual(brute);
      expect(many[i]).toEqual(brute);
      hits += got.length;
    });
  }
  return hits;
}

describe('HammingIndex equals brute force', () => {
  const radii = [0, 1, 7, 15, 16, 17, 30, 31, 32, 40, 47, 48, 63];

  it('on random data with near queries', () => {
    const r = rng(1);
    const idx = new HammingIndex();
    const hashes = Array.from({ length: 3000 }, () => randomHash(r));
    hashes.forEach((h, i) => idx.add(i, h));
    const queries = Array.from({ length: 40 }, (_, i) => flip(hashes[i * 7]!, Math.floor(r() * 64), r));
    queries.push(...Array.from({ length: 10 }, () => randomHash(r)));
    const hits = expectSameAsBrute(idx, queries, radii);
    expect(hits).toBeGreaterThan(100);
  });

  it('on clustered data, through merges, removals and replacements', () => {
    const r = rng(2);
    const hashes = clustered(6000, 3);
    const idx = new HammingIndex();
    const ids = Uint32Array.from(hashes, (_, i) => i * 3 + 70000); // sparse ids across two pages
    const words = new Uint32Array(hashes.length * 8);
    hashes.forEach((h, i) => words.set(h, i * 8));
    idx.addMany(ids, words);
    expect(idx.size).toBe(6000);
    const queries = Array.from({ length: 25 }, () => flip(hashes[Math.floor(r() * hashes.length)]!, Math.floor(r() * 40), r));
    expect(expectSameAsBrute(idx, queries, [0, 10, 31, 45, 63])).toBeGreaterThan(1000);
    // Pending inserts, replacements of merged ids, and removals must stay exact before the next merge.
    for (let i = 0; i < 500; i++) idx.add(i, flip(hashes[i]!, 3, r));
    for (let i = 0; i < 300; i++) idx.add(ids[i]!, flip(hashes[i + 1]!, 5, r));
    for (let i = 300; i < 600; i++) expect(idx.remove(ids[i]!)).toBe(true);
    expect(idx.remove(ids[300]!)).toBe(false);
    expect(idx.size).toBe(6000 + 500 - 300);
    expectSameAsBrute(idx, queries, [0, 10, 31, 45, 63]);
    idx.merge();
    expectSameAsBrute(idx, queries, [0, 10, 31, 45, 63]);
  });

  it('finds hashes added in deferred batches', () => {
    const r = rng(9);
    const idx = new HammingIndex();
    const hashes = Array.from({ length: 2000 }, () => randomHash(r));
    for (let b = 0; b < 2; b++) {
      const words = new Uint32Array(1000 * 8);
      for (let i = 0; i < 1000; i++) words.set(hashes[b * 1000 + i]!, i * 8);
      idx.addMany(Uint32Array.from({ length: 1000 }, (_, i) => b * 1000 + i), words, { deferMerge: true });
    }
    expectSameAsBrute(idx, hashes.slice(0, 20).concat(hashes.slice(1990)), [0, 31]);
    expect(idx.search(hashes[1500]!, 0)).toEqual([{ id: 1500, distance: 0 }]);
  });

  it('returns each hit once with its true distance, nearest first', () => {
    const r = rng(4);
    const base = randomHash(r);
    const idx = new HammingIndex();
    for (let i = 0; i < 50; i++) idx.add(i, flip(base, i, r));
    const hits = idx.search(wordsToHex(base), 31);
    expect(hits.map((h) => h.id)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    for (const h of hits) expect(h.distance).toBe(hammingWords(idx.get(h.id)!, base));
  });

  it('rejects bad radii and ids', () => {
    const idx = new HammingIndex();
    expect(() => idx.search('0'.repeat(64), 64)).toThrow(/radius/);
    expect(() => idx.searchMany(['0'.repeat(64)], 31, 70000)).toThrow(/batchSize/);
    expect(() => idx.add(-1, '0'.repeat(64))).toThrow(/ids/);
    expect(() => idx.add(1, 'xyz')).toThrow(/64 hex/);
  });
});

describe('HammingIndex persistence', () => {
  it('saves and loads to the same answers', () => {
    const r = rng(5);
    const hashes = clustered(4000, 6);
    const idx = new HammingIndex();
    hashes.forEach((h, i) => idx.add(i * 5, h));
    idx.remove(5);
    const file = join(dir, 'idx.bin');
    idx.save(file);
    const loaded = HammingIndex.load(file);
    expect(loaded.size).toBe(idx.size);
    expect(loaded.has(5)).toBe(false);
    const queries = Array.from({ length: 20 }, () => flip(hashes[Math.floor(r() * hashes.length)]!, 20, r));
    for (const q of queries) expect(loaded.search(q, 31)).toEqual(idx.search(q, 31));
    loaded.add(1, queries[0]!);
    expect(loaded.search(queries[0]!, 0)[0]).toEqual({ id: 1, distance: 0 });
  });
});
