import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HammingIndex, MAX_ID, PENDING_LIMIT, type IndexHit } from './hamming-index.js';
import { hammingWords, wordsToHex } from './hash256.js';
import { rng } from './testing/images.js';

const dir = mkdtempSync(join(tmpdir(), 'hidx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL_RADII = Array.from({ length: 64 }, (_, r) => r);

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

/** What the index must answer, from a plain map of what was stored (independent of the index's own storage). */
function modelSearch(model: Map<number, Uint32Array>, q: Uint32Array, radius: number): IndexHit[] {
  const out: IndexHit[] = [];
  for (const [id, h] of model) {
    const distance = hammingWords(h, q);
    if (distance <= radius) out.push({ id, distance });
  }
  return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
}

/** search, searchMany and searchBrute all equal the model at every radius given; returns the number of hits. */
function expectExact(idx: HammingIndex, model: Map<number, Uint32Array>, queries: Uint32Array[], radii: number[]): number {
  expect(idx.size).toBe(model.size);
  const within = queries.map((q) => modelSearch(model, q, Math.max(...radii)));
  let hits = 0;
  for (const radius of radii) {
    const many = idx.searchMany(queries, radius, 7);
    queries.forEach((q, i) => {
      const expected = within[i]!.filter((h) => h.distance <= radius);
      expect(idx.search(q, radius), `radius ${radius}, query ${i}`).toEqual(expected);
      expect(many[i], `searchMany, radius ${radius}, query ${i}`).toEqual(expected);
      expect(idx.searchBrute(q, radius)).toEqual(expected);
      hits += expected.length;
    });
  }
  return hits;
}

function addAll(idx: HammingIndex, model: Map<number, Uint32Array>, entries: [number, Uint32Array][]): void {
  const words = new Uint32Array(entries.length * 8);
  entries.forEach(([id, h], i) => {
    words.set(h, i * 8);
    model.set(id, h);
  });
  idx.addMany(
    entries.map(([id]) => id),
    words,
  );
}

describe('HammingIndex equals brute force', () => {
  it('on random data with planted neighbours, at every radius 0-63', () => {
    const r = rng(1);
    const model = new Map<number, Uint32Array>();
    const entries: [number, Uint32Array][] = Array.from({ length: 2000 }, (_, i) => [i, randomHash(r)]);
    const queries = Array.from({ length: 24 }, () => randomHash(r));
    // Around each query, stored hashes at distances spread over 0..70, so that every radius has hits and near-misses.
    queries.forEach((q, i) => {
      for (let k = 0; k < 24; k++) entries.push([2000 + i * 24 + k, flip(q, (k * 3 + i) % 71, r)]);
    });
    const idx = new HammingIndex({ tablesOnly: true });
    addAll(idx, model, entries);
    expect(expectExact(idx, model, queries, ALL_RADII)).toBeGreaterThan(10_000);
    // The default index may answer large radii by a scan; the answers are the same.
    const def = new HammingIndex();
    addAll(def, new Map(), entries);
    expectExact(def, model, queries.slice(0, 8), [0, 31, 47, 63]);
  });

  it('on clustered data, at every radius 0-63', () => {
    const r = rng(2);
    const hashes = clustered(5000, 3);
    const model = new Map<number, Uint32Array>();
    const idx = new HammingIndex({ tablesOnly: true });
    addAll(
      idx,
      model,
      hashes.map((h, i) => [i * 3 + 70_000, h]),
    );
    const queries = Array.from({ length: 12 }, () => flip(hashes[Math.floor(r() * hashes.length)]!, Math.floor(r() * 40), r));
    expect(expectExact(idx, model, queries, ALL_RADII)).toBeGreaterThan(5000);
  });

  it('through pending additions, replacements, removals, folds and rebuilds', () => {
    const r = rng(4);
    const hashes = clustered(6000, 5);
    const model = new Map<number, Uint32Array>();
    const idx = new HammingIndex({ tablesOnly: true });
    addAll(
      idx,
      model,
      hashes.map((h, i) => [i, h]),
    );
    const queries = Array.from({ length: 10 }, () => flip(hashes[Math.floor(r() * hashes.length)]!, Math.floor(r() * 30), r));
    const radii = [0, 5, 16, 20, 31, 32, 44, 63];
    const set = (id: number, h: Uint32Array) => {
      idx.add(id, h);
      model.set(id, h);
    };
    const drop = (id: number) => {
      expect(idx.remove(id)).toBe(model.delete(id));
    };

    // Pending: new ids, replaced merged ids, replaced pending ids, removed merged and pending ids, a removed id
    // re-added with its old hash, an unchanged re-add (a no-op).
    for (let i = 0; i < 400; i++) set(6000 + i, flip(hashes[i]!, 3, r));
    for (let i = 0; i < 300; i++) set(i, flip(hashes[i + 1]!, 5, r));
    for (let i = 0; i < 100; i++) set(6000 + i, flip(hashes[i]!, 9, r));
    for (let i = 300; i < 600; i++) drop(i);
    for (let i = 6100; i < 6150; i++) drop(i);
    drop(300);
    set(1000, model.get(1000)!);
    drop(1001);
    set(1001, hashes[1001]!);
    expect(idx.has(300)).toBe(false);
    expect(idx.get(1001)).toEqual(hashes[1001]);
    expectExact(idx, model, queries, radii);

    idx.merge(); // fold
    expectExact(idx, model, queries, radii);
    idx.merge(); // nothing to do
    expectExact(idx, model, queries, [31]);

    // A second round on the folded tables, then a batch within the tables' slack (folded) and one beyond it (rebuild).
    for (let i = 600; i < 700; i++) drop(i);
    for (let i = 700; i < 800; i++) set(i, flip(model.get(i)!, 2, r));
    idx.merge();
    expectExact(idx, model, queries, radii);
    addAll(
      idx,
      model,
      Array.from({ length: 200 }, (_, i): [number, Uint32Array] => [9000 + i, flip(hashes[i]!, 4, r)]),
    );
    expectExact(idx, model, queries, radii);
    addAll(
      idx,
      model,
      Array.from({ length: PENDING_LIMIT + 100 }, (_, i): [number, Uint32Array] => [10_000 + i, randomHash(r)]),
    );
    expectExact(idx, model, queries, radii);

    // Enough single changes to trigger the automatic fold, removals among them.
    for (let i = 0; i < PENDING_LIMIT + 10; i++) {
      if (i % 7 === 0) drop(10_000 + i);
      else set(50_000 + i, flip(hashes[i % 6000]!, i % 40, r));
    }
    expectExact(idx, model, queries, radii);

    // Replacing more stored hashes than the tables' slack, in one deferred batch: a rebuild, at the next search.
    const replaced = [...model.keys()].slice(0, PENDING_LIMIT + 50);
    const words = new Uint32Array(replaced.length * 8);
    replaced.forEach((id, i) => {
      const h = flip(hashes[i % 6000]!, (i % 50) + 1, r);
      words.set(h, i * 8);
      model.set(id, h);
    });
    idx.addMany(replaced, words, { deferMerge: true });
    expectExact(idx, model, queries, radii);
  });

  it('returns each hit once with its true distance, nearest first', () => {
    const r = rng(4);
    const base = randomHash(r);
    const idx = new HammingIndex();
    for (let i = 0; i < 50; i++) idx.add(i, flip(base, i, r));
    const hits = idx.search(wordsToHex(base), 31);
    expect(hits.map((h) => h.id)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    for (const h of hits) expect(h.distance).toBe(hammingWords(idx.get(h.id)!, base));
    idx.merge();
    expect(idx.search(base, 31)).toEqual(hits);
  });

  it('rejects bad radii, ids and batch sizes', () => {
    const idx = new HammingIndex();
    expect(() => idx.search('0'.repeat(64), 64)).toThrow(/radius/);
    expect(() => idx.search('0'.repeat(64), 1.5)).toThrow(/radius/);
    expect(() => idx.searchMany(['0'.repeat(64)], 31, 70000)).toThrow(/batchSize/);
    expect(() => idx.add(-1, '0'.repeat(64))).toThrow(/ids/);
    expect(() => idx.add(MAX_ID + 1, '0'.repeat(64))).toThrow(/ids/);
    expect(() => idx.addMany([1, 2.5], new Uint32Array(16))).toThrow(/ids/);
    expect(() => idx.add(1, 'xyz')).toThrow(/64 hex/);
    expect(idx.remove(-1)).toBe(false);
    expect(idx.has(MAX_ID + 5)).toBe(false);
  });
});

describe('HammingIndex persistence', () => {
  it('saves and loads to the same answers, and the loaded index takes changes', () => {
    const r = rng(5);
    const hashes = clustered(4000, 6);
    const model = new Map<number, Uint32Array>();
    const idx = new HammingIndex();
    hashes.forEach((h, i) => {
      idx.add(i * 5, h);
      model.set(i * 5, h);
    });
    idx.remove(5);
    model.delete(5);
    const file = join(dir, 'idx.bin');
    idx.save(file);
    const loaded = HammingIndex.load(file, { tablesOnly: true });
    expect(loaded.size).toBe(idx.size);
    expect(loaded.has(5)).toBe(false);
    const queries = Array.from({ length: 12 }, () => flip(hashes[Math.floor(r() * hashes.length)]!, 20, r));
    expectExact(loaded, model, queries, [0, 12, 31, 50, 63]);
    for (let i = 0; i < 200; i++) {
      loaded.add(i * 5 + 1, queries[i % 12]!);
      model.set(i * 5 + 1, queries[i % 12]!);
    }
    loaded.remove(10);
    model.delete(10);
    expectExact(loaded, model, queries, [0, 31]);
    // Saving folds the changes first; the second generation answers the same.
    loaded.save(file);
    expectExact(HammingIndex.load(file), model, queries, [0, 31, 63]);
  });

  it('refuses files that are not an index or are cut short', () => {
    const idx = new HammingIndex();
    idx.add(3, '0'.repeat(64));
    const file = join(dir, 'short.bin');
    idx.save(file);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(() => HammingIndex.load(file)).toThrow(/truncated/);
    writeFileSync(file, 'not an index at all, not at all');
    expect(() => HammingIndex.load(file)).toThrow(/not a Tessera Hamming index/);
  });
});
