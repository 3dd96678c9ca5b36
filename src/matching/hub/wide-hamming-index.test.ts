import { describe, expect, it } from 'vitest';
import { rng } from '../../media/testing/images.js';
import { WideHammingIndex } from './wide-hamming-index.js';

function randomWords(r: () => number): Uint32Array {
  return Uint32Array.from({ length: 8 }, () => Math.floor(r() * 2 ** 32) >>> 0);
}

function near(base: Uint32Array, bits: number, r: () => number): Uint32Array {
  const out = base.slice();
  for (let i = 0; i < bits; i++) {
    const b = Math.floor(r() * 256);
    out[b >>> 5] = (out[b >>> 5]! ^ (1 << (31 - (b & 31)))) >>> 0;
  }
  return out;
}

describe('WideHammingIndex', () => {
  it('answers exactly like a linear scan at every radius up to 31, through merges, replacements and removals', () => {
    const r = rng(11);
    const index = new WideHammingIndex({ wideFrom: 10_000 });
    const centres = Array.from({ length: 300 }, () => randomWords(r));
    const ids: number[] = [];
    const flat: number[] = [];
    let id = 1;
    // Clustered data: hashes 0-45 bits from a few hundred centres, so every radius has answers near its edge.
    for (let i = 0; i < 60_000; i++) {
      const h = near(centres[i % centres.length]!, Math.floor(r() * 46), r);
      ids.push(id++);
      flat.push(...h);
    }
    // Loaded in two pages, merged once (at the first search).
    index.addMany(ids.slice(0, 30_000), Uint32Array.from(flat.slice(0, 30_000 * 8)), { deferMerge: true });
    index.addMany(ids.slice(30_000), Uint32Array.from(flat.slice(30_000 * 8)), { deferMerge: true });
    for (let i = 0; i < 5_000; i++) index.add(id++, near(centres[i % 50]!, Math.floor(r() * 40), r));
    for (let i = 1; i < 3_000; i += 3) index.remove(i);
    for (let i = 2; i < 3_000; i += 3) index.add(i, near(centres[7]!, Math.floor(r() * 30), r));
    expect(index.size).toBe(60_000 + 5_000 - 1_000);

    for (let qn = 0; qn < 60; qn++) {
      const q = qn % 4 === 3 ? randomWords(r) : near(centres[qn % centres.length]!, Math.floor(r() * 30), r);
      for (const radius of [31, 20, 8, 0]) expect(index.search(q, radius)).toEqual(index.searchBrute(q, radius));
    }
    index.merge();
    for (let qn = 0; qn < 20; qn++) {
      const q = near(centres[7]!, qn, r);
      expect(index.search(q)).toEqual(index.searchBrute(q));
    }
  });

  it('finds a hash 31 bits away whatever the bits, and nothing 32 bits away', () => {
    const r = rng(5);
    const index = new WideHammingIndex({ wideFrom: 0 });
    const base = randomWords(r);
    index.addMany([1], base.slice());
    const small = new WideHammingIndex();
    small.addMany([1], base.slice());
    for (let trial = 0; trial < 200; trial++) {
      const bits = new Set<number>();
      while (bits.size < 32) bits.add(Math.floor(r() * 256));
      const q = base.slice();
      const list = [...bits];
      for (const b of list.slice(0, 31)) q[b >>> 5] = (q[b >>> 5]! ^ (1 << (31 - (b & 31)))) >>> 0;
      expect(index.search(q)).toEqual([{ id: 1, distance: 31 }]);
      if (trial < 5) expect(small.search(q)).toEqual([{ id: 1, distance: 31 }]);
      const b = list[31]!;
      q[b >>> 5] = (q[b >>> 5]! ^ (1 << (31 - (b & 31)))) >>> 0;
      expect(index.search(q)).toEqual([]);
    }
  });

  it('refuses radii it cannot answer exactly', () => {
    expect(() => new WideHammingIndex().search(new Uint32Array(8), 32)).toThrow(RangeError);
  });
});
