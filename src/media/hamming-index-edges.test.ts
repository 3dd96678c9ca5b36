/**
 * The index against the cases multi-index hashing gets wrong when a detail is off: differences spread evenly over the
 * chunks (the tightest case of the pigeonhole bound, at radius r found by one chunk only), at the chunks' edge bits
 * and across 32-bit word boundaries, for both layouts (merged tables and pending entries); key prefixes and full-width
 * keys; 4-byte postings (ids past 2^24); version 1 files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitsAt, CHUNK_WIDTHS, HammingIndex, PENDING_CHUNK_WIDTHS } from './hamming-index.js';
import { hammingWords } from './hash256.js';
import { rng } from './testing/images.js';

const dir = mkdtempSync(join(tmpdir(), 'hidx-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomHash(r: () => number): Uint32Array {
  return Uint32Array.from({ length: 8 }, () => Math.floor(r() * 4294967296));
}

function flipBit(h: Uint32Array, b: number): void {
  h[b >>> 5]! ^= 1 << (31 - (b & 31));
}

/**
 * `q` with `d` bits flipped, spread as evenly as possible over the chunks of `widths` (the remainder on randomly
 * chosen chunks); within a chunk the edge bits go first when `edges`, so that a bit off at either end of a chunk shows.
 */
function spread(q: Uint32Array, widths: readonly number[], d: number, r: () => number, edges: boolean): Uint32Array {
  const m = widths.length;
  const order = Array.from({ length: m }, (_, t) => t).sort(() => r() - 0.5);
  const counts = new Array<number>(m).fill(0);
  for (let i = 0; i < d; i++) counts[order[i % m]!]!++;
  const out = q.slice();
  let start = 0;
  widths.forEach((w, t) => {
    const bits = new Set<number>();
    if (edges) for (const b of [start, start + w - 1, start + 1, start + w - 2]) if (bits.size < counts[t]!) bits.add(b);
    while (bits.size < counts[t]!) bits.add(start + Math.floor(r() * w));
    for (const b of bits) flipBit(out, b);
    start += w;
  });
  return out;
}

/**
 * Around each query, one stored hash at distance exactly r and one at r + 1 for every r in 0..63, spread over the
 * chunks of each layout; search(q, r) must return exactly the planted hashes within r (the background is random and
 * farther than 63 with overwhelming odds, which the brute-force comparison confirms).
 */
function plantAndCheck(idx: HammingIndex, queries: Uint32Array[], firstId: number, r: () => number, how: 'merged' | 'pending'): void {
  const planted = new Map<number, Uint32Array>();
  let id = firstId;
  queries.forEach((q, qi) => {
    for (const widths of [CHUNK_WIDTHS, PENDING_CHUNK_WIDTHS]) {
      for (let d = 0; d <= 64; d++) planted.set(id++, spread(q, widths, d, r, qi % 2 === 0));
    }
  });
  if (how === 'merged') {
    const words = new Uint32Array(planted.size * 8);
    [...planted.values()].forEach((h, i) => words.set(h, i * 8));
    idx.addMany([...planted.keys()], words);
    idx.merge(); // a small batch on built tables goes pending: fold it into the tables
  } else {
    for (const [k, h] of planted) idx.add(k, h);
  }
  queries.forEach((q, qi) => {
    for (let radius = 0; radius <= 63; radius++) {
      const expected = [...planted]
        .map(([k, h]) => ({ id: k, distance: hammingWords(h, q) }))
        .filter((h) => h.distance <= radius)
        .sort((a, b) => a.distance - b.distance || a.id - b.id);
      expect(idx.search(q, radius), `${how}, query ${qi}, radius ${radius}`).toEqual(expected);
    }
    for (const radius of [0, 31, 63]) expect(idx.searchBrute(q, radius)).toEqual(idx.search(q, radius));
  });
}

describe('bitsAt (chunk keys)', () => {
  it('reads any run of up to 24 bits in hex order, across word boundaries', () => {
    const r = rng(7);
    for (let k = 0; k < 20; k++) {
      const h = randomHash(r);
      const bit = (b: number) => (h[b >>> 5]! >>> (31 - (b & 31))) & 1;
      for (let bits = 1; bits <= 24; bits++) {
        for (let start = 0; start + bits <= 256; start++) {
          let naive = 0;
          for (let b = start; b < start + bits; b++) naive = naive * 2 + bit(b);
          if (bitsAt(h, 0, start, bits) !== naive) expect(bitsAt(h, 0, start, bits), `start ${start}, ${bits} bits`).toBe(naive);
        }
      }
    }
  });

  it('the layouts cover the 256 bits', () => {
    expect(CHUNK_WIDTHS.reduce((a, b) => a + b, 0)).toBe(256);
    expect(PENDING_CHUNK_WIDTHS.reduce((a, b) => a + b, 0)).toBe(256);
    expect(new Set(CHUNK_WIDTHS).size).toBeGreaterThan(1); // unequal widths are part of what is tested here
  });
});

describe('HammingIndex at the pigeonhole bound', () => {
  it('finds r and not r + 1 with differences spread over the chunks (merged tables, key prefixes)', () => {
    const r = rng(11);
    const idx = new HammingIndex({ tablesOnly: true });
    const words = new Uint32Array(3000 * 8);
    for (let i = 0; i < words.length; i++) words[i] = Math.floor(r() * 4294967296);
    idx.addMany(
      Array.from({ length: 3000 }, (_, i) => i),
      words,
    );
    plantAndCheck(
      idx,
      Array.from({ length: 4 }, () => randomHash(r)),
      10_000,
      r,
      'merged',
    );
  });

  it('finds r and not r + 1 with differences spread over the chunks (pending entries)', () => {
    const r = rng(12);
    const idx = new HammingIndex({ tablesOnly: true });
    for (let i = 0; i < 3000; i++) idx.add(i, randomHash(r));
    idx.merge();
    plantAndCheck(
      idx,
      Array.from({ length: 4 }, () => randomHash(r)),
      10_000,
      r,
      'pending',
    );
  });

  it('finds r and not r + 1 with full-width chunk keys (2.2 M hashes)', () => {
    const r = rng(13);
    const n = 2_200_000;
    const idx = new HammingIndex({ tablesOnly: true });
    const words = new Uint32Array(n * 8);
    let x = 0x9e3779b9;
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    idx.addMany(
      Array.from({ length: n }, (_, i) => i),
      words,
    );
    plantAndCheck(
      idx,
      Array.from({ length: 2 }, () => randomHash(r)),
      n,
      r,
      'merged',
    );
  }, 120_000);
});

describe('HammingIndex ids', () => {
  it('keeps 4-byte postings exact for ids past 2^24, through a fold and a save/load', () => {
    const r = rng(14);
    const idx = new HammingIndex({ tablesOnly: true });
    const model = new Map<number, Uint32Array>();
    const base = randomHash(r);
    const ids = [...Array.from({ length: 1500 }, (_, i) => i), ...Array.from({ length: 1500 }, (_, i) => 2 ** 24 - 700 + i)];
    const words = new Uint32Array(ids.length * 8);
    ids.forEach((id, i) => {
      const h = spread(base, CHUNK_WIDTHS, i % 60, r, false);
      words.set(h, i * 8);
      model.set(id, h);
    });
    idx.addMany(ids, words);
    const check = (index: HammingIndex) => {
      for (const radius of [0, 9, 31, 63]) {
        const expected = [...model]
          .map(([id, h]) => ({ id, distance: hammingWords(h, base) }))
          .filter((h) => h.distance <= radius)
          .sort((a, b) => a.distance - b.distance || a.id - b.id);
        expect(index.search(base, radius)).toEqual(expected);
      }
    };
    check(idx);
    for (let i = 0; i < 100; i++) {
      const id = 2 ** 24 + 900 + i;
      const h = spread(base, CHUNK_WIDTHS, i % 40, r, true);
      idx.add(id, h);
      model.set(id, h);
      idx.remove(2 ** 24 - 700 + i);
      model.delete(2 ** 24 - 700 + i);
    }
    idx.merge();
    check(idx);
    const file = join(dir, 'wide.bin');
    idx.save(file);
    check(HammingIndex.load(file));
  });

  it('reads version 1 files (16 x 16 tables, paged hashes) by rebuilding the tables', () => {
    const r = rng(15);
    const model = new Map<number, Uint32Array>();
    const page = new Uint32Array(65536 * 8);
    const flags = new Uint8Array(65536);
    for (let s = 0; s < 65536; s += 13) {
      const h = randomHash(r);
      page.set(h, s * 8);
      flags[s] = 1;
      model.set(65536 + s, h); // in page 1; page 0 absent
    }
    const pad8 = (b: Uint8Array) => Buffer.concat([b, new Uint8Array((8 - (b.length % 8)) % 8)]);
    const bytes = (v: ArrayBufferView) => pad8(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    const file = join(dir, 'v1.bin');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('TSHIDX01', 'latin1'),
        bytes(new Uint32Array([2, model.size, 1, 0])),
        pad8(Uint8Array.from([0, 1])),
        bytes(page),
        bytes(flags),
      ]),
    );
    const idx = HammingIndex.load(file);
    expect(idx.size).toBe(model.size);
    const [someId, someHash] = [...model][100]!;
    expect(idx.get(someId)).toEqual(someHash);
    expect(idx.search(spread(someHash, CHUNK_WIDTHS, 20, r, true), 31)).toEqual([{ id: someId, distance: 20 }]);
  });
});
