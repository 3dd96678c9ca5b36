/**
 * Exact Hamming-radius search over 256-bit hashes by multi-index hashing (Norouzi et al.): the hash is cut into 16
 * chunks of 16 bits; two hashes within distance r = 16·s + a (0 <= a < 16) agree within s bits on one of the first
 * a+1 chunks or within s-1 bits on one of the others (pigeonhole), so probing every chunk value within that radius
 * finds every candidate, and a full distance check makes the answer exact. r <= 31 probes 17 values per chunk.
 *
 * Memory is the constraint at tens of millions of hashes, so nothing is a JS object per entry:
 * - ids are positions: the hash of id i lives at words [8i, 8i+8) of 64 Ki-id pages (32 bytes per id); ids should be
 *   dense (database row ids), memory grows with the largest id.
 * - each chunk table is a CSR posting list: 65 537 offsets, then the ids sorted by chunk value, split into a 16-bit
 *   low part (the slot in its page) and an 8-bit high part (the page) — 3 bytes per id per table, 4 once ids pass 2^24.
 * - single inserts go to a small chained "pending" area (head/next arrays per table) that is merged into the CSR
 *   tables when it grows past an eighth of them; removals and replacements are tracked in a per-id state array.
 * About 84 bytes per hash in all: 10 M hashes ≈ 840 MB.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { hexToWords, POPCOUNT16, type Hash256Words } from './hash256.js';

export interface IndexHit {
  id: number;
  distance: number;
}

const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
const CHUNKS = 16;
const BUCKETS = 65536;
export const MAX_RADIUS = 63;
export const MAX_ID = 0xffffffff;

/** Per-id state: absent, valid in the CSR tables, or (>= 0) the current pending entry. */
const ABSENT = -2;
const IN_MAIN = -1;

/** 16-bit masks ordered by popcount: the first 1, 17, 137, 697 are the values within radius 0..3. */
const PROBE_MASKS = (() => {
  const masks: number[] = [];
  for (let w = 0; w <= 3; w++) for (let m = 0; m < BUCKETS; m++) if (POPCOUNT16[m] === w) masks.push(m);
  return Uint16Array.from(masks);
})();
const PROBES_WITHIN = [1, 17, 137, 697];

const MAGIC = 'TSHIDX01';

/** Chunk t of a hash: hex characters [4t, 4t+4), i.e. the high or low half of word t >> 1. */
function chunkOf(words: Hash256Words, off: number, t: number): number {
  const w = words[off + (t >>> 1)]!;
  return t & 1 ? w & 0xffff : w >>> 16;
}

interface Table {
  offsets: Uint32Array;
  lo: Uint16Array;
  hi: Uint8Array | Uint16Array;
}

function toWords(hash: string | Hash256Words): Hash256Words {
  if (typeof hash === 'string') return hexToWords(hash);
  if (hash.length !== 8) throw new Error('a 256-bit hash is 8 32-bit words');
  return hash;
}

function checkRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0 || radius > MAX_RADIUS) throw new RangeError(`radius must be an integer 0..${MAX_RADIUS}, got ${radius}`);
}

export class HammingIndex {
  private hashPages: (Uint32Array | undefined)[] = [];
  private statePages: (Int32Array | undefined)[] = [];
  private count = 0;
  private tables: Table[] = [];
  private mainCount = 0;
  /** Ids whose CSR postings are no longer valid (removed or replaced) since the last merge. */
  private mainDirty = 0;
  /** addMany(deferMerge) left ids that are in no posting list yet. */
  private unmerged = false;
  private pendingHead: Int32Array[] = [];
  private pendingNext: Int32Array[] = [];
  private pendingId = new Uint32Array(0);
  private pendingCount = 0;
  private readonly q = new Uint32Array(8);
  /** Scratch for searchMany, reused across calls (grows to the largest batch seen). */
  private cand: Uint32Array = new Uint32Array(1 << 16);
  private sortId: Uint32Array = new Uint32Array(0);
  private sortQ: Uint16Array = new Uint16Array(0);

  constructor() {
    for (let t = 0; t < CHUNKS; t++) {
      this.tables.push({ offsets: new Uint32Array(BUCKETS + 1), lo: new Uint16Array(0), hi: new Uint8Array(0) });
      this.pendingHead.push(new Int32Array(BUCKETS).fill(-1));
      this.pendingNext.push(new Int32Array(0));
    }
  }

  /** Number of hashes held. */
  get size(): number {
    return this.count;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`index ids are integers 0..${MAX_ID}, got ${id}`);
  }

  private ensurePage(p: number): void {
    if (!this.hashPages[p]) {
      this.hashPages[p] = new Uint32Array(PAGE_SIZE * 8);
      this.statePages[p] = new Int32Array(PAGE_SIZE).fill(ABSENT);
    }
  }

  private stateOf(id: number): number {
    const sp = this.statePages[id >>> PAGE_BITS];
    return sp ? sp[id & PAGE_MASK]! : ABSENT;
  }

  has(id: number): boolean {
    return this.stateOf(id) !== ABSENT;
  }

  /** The stored hash of `id` as words (a copy), or undefined. */
  get(id: number): Hash256Words | undefined {
    if (!this.has(id)) return undefined;
    const o = (id & PAGE_MASK) * 8;
    return this.hashPages[id >>> PAGE_BITS]!.slice(o, o + 8);
  }

  /** Adds or replaces the hash of `id`. */
  add(id: number, hash: string | Hash256Words): void {
    this.checkId(id);
    const h = toWords(hash);
    const p = id >>> PAGE_BITS;
    this.ensurePage(p);
    const hp = this.hashPages[p]!;
    const sp = this.statePages[p]!;
    const o = (id & PAGE_MASK) * 8;
    const state = sp[id & PAGE_MASK]!;
    if (state !== ABSENT) {
      let same = true;
      for (let k = 0; k < 8; k++) if (hp[o + k] !== h[k]) same = false;
      if (same) return;
      if (state === IN_MAIN) this.mainDirty++;
    } else {
      this.count++;
    }
    hp.set(h, o);
    sp[id & PAGE_MASK] = this.pushPending(id, hp, o);
    if (this.pendingCount > Math.max(65536, this.mainCount >>> 3)) this.merge();
  }

  /**
   * Adds many hashes at once and merges once at the end (start-up rebuild, bulk import): `hashes` holds 8 words per
   * id, in the order of `ids`. With `deferMerge`, successive batches merge once, at the next search or `merge()`.
   */
  addMany(ids: ArrayLike<number>, hashes: Uint32Array, options: { deferMerge?: boolean } = {}): void {
    if (hashes.length !== ids.length * 8) throw new Error('addMany: hashes must hold 8 words per id');
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      this.checkId(id);
      const p = id >>> PAGE_BITS;
      this.ensurePage(p);
      const sp = this.statePages[p]!;
      const state = sp[id & PAGE_MASK]!;
      if (state === ABSENT) this.count++;
      else if (state === IN_MAIN) this.mainDirty++;
      this.hashPages[p]!.set(hashes.subarray(i * 8, i * 8 + 8), (id & PAGE_MASK) * 8);
      // Marked "pending" without chaining: the merge below indexes every present id from storage.
      sp[id & PAGE_MASK] = 0x7fffffff;
    }
    this.unmerged = true;
    if (!options.deferMerge) this.merge();
  }

  remove(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) return false;
    const sp = this.statePages[id >>> PAGE_BITS];
    if (!sp) return false;
    const state = sp[id & PAGE_MASK]!;
    if (state === ABSENT) return false;
    if (state === IN_MAIN) this.mainDirty++;
    sp[id & PAGE_MASK] = ABSENT;
    this.count--;
    return true;
  }

  private pushPending(id: number, hp: Uint32Array, o: number): number {
    const e = this.pendingCount;
    if (e >= this.pendingId.length) {
      const cap = Math.max(1024, this.pendingId.length * 2);
      const ids = new Uint32Array(cap);
      ids.set(this.pendingId);
      this.pendingId = ids;
      for (let t = 0; t < CHUNKS; t++) {
        const next = new Int32Array(cap);
        next.set(this.pendingNext[t]!);
        this.pendingNext[t] = next;
      }
    }
    this.pendingId[e] = id;
    for (let t = 0; t < CHUNKS; t++) {
      const v = chunkOf(hp, o, t);
      const head = this.pendingHead[t]!;
      this.pendingNext[t]![e] = head[v]!;
      head[v] = e;
    }
    this.pendingCount++;
    return e;
  }

  /** Rebuilds the CSR tables from every present id (one table at a time, so the peak is one extra table). */
  merge(): void {
    const pages = this.hashPages.length;
    const wide = pages > 256;
    const n = this.count;
    const counts = new Uint32Array(BUCKETS + 1);
    for (let t = 0; t < CHUNKS; t++) {
      counts.fill(0);
      for (let p = 0; p < pages; p++) {
        const sp = this.statePages[p];
        if (!sp) continue;
        const hp = this.hashPages[p]!;
        for (let s = 0; s < PAGE_SIZE; s++) if (sp[s] !== ABSENT) counts[chunkOf(hp, s * 8, t) + 1]!++;
      }
      for (let v = 0; v < BUCKETS; v++) counts[v + 1]! += counts[v]!;
      const offsets = counts.slice();
      this.tables[t] = { offsets: new Uint32Array(0), lo: new Uint16Array(0), hi: new Uint8Array(0) };
      const lo = new Uint16Array(n);
      const hi = wide ? new Uint16Array(n) : new Uint8Array(n);
      for (let p = 0; p < pages; p++) {
        const sp = this.statePages[p];
        if (!sp) continue;
        const hp = this.hashPages[p]!;
        for (let s = 0; s < PAGE_SIZE; s++) {
          if (sp[s] === ABSENT) continue;
          const at = counts[chunkOf(hp, s * 8, t)]!++;
          lo[at] = s;
          hi[at] = p;
        }
      }
      this.tables[t] = { offsets, lo, hi };
    }
    for (let p = 0; p < pages; p++) {
      const sp = this.statePages[p];
      if (!sp) continue;
      for (let s = 0; s < PAGE_SIZE; s++) if (sp[s] !== ABSENT) sp[s] = IN_MAIN;
    }
    this.mainCount = n;
    this.mainDirty = 0;
    this.unmerged = false;
    this.pendingCount = 0;
    for (let t = 0; t < CHUNKS; t++) this.pendingHead[t]!.fill(-1);
    if (this.pendingId.length > 65536) {
      this.pendingId = new Uint32Array(0);
      for (let t = 0; t < CHUNKS; t++) this.pendingNext[t] = new Int32Array(0);
    }
  }

  /** Every stored hash within `radius` (default 31, max 63) of `hash`, nearest first (ties by id); exact. */
  search(hash: string | Hash256Words, radius = 31): IndexHit[] {
    checkRadius(radius);
    if (this.unmerged) this.merge();
    const q = this.q;
    q.set(toWords(hash));
    const s = radius >>> 4;
    const a = radius & 15;
    const probeRadius = new Int8Array(CHUNKS);
    for (let t = 0; t < CHUNKS; t++) probeRadius[t] = t <= a ? s : s - 1;
    const qc = new Uint16Array(CHUNKS);
    for (let t = 0; t < CHUNKS; t++) qc[t] = chunkOf(q, 0, t);
    const out: IndexHit[] = [];
    const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
    const pages = this.hashPages;
    const checkState = this.mainDirty > 0;
    const states = this.statePages;
    const pc = POPCOUNT16;

    for (let t = 0; t < CHUNKS; t++) {
      const pr = probeRadius[t]!;
      if (pr < 0) continue;
      const nProbes = PROBES_WITHIN[pr]!;
      const base = qc[t]!;
      const { offsets, lo, hi } = this.tables[t]!;
      const head = this.pendingHead[t]!;
      const next = this.pendingNext[t]!;
      for (let m = 0; m < nProbes; m++) {
        const v = base ^ PROBE_MASKS[m]!;
        const end = offsets[v + 1]!;
        for (let i = offsets[v]!; i < end; i++) {
          const page = hi[i]!;
          const slot = lo[i]!;
          if (checkState && states[page]![slot] !== IN_MAIN) continue;
          const hp = pages[page]!;
          const o = slot << 3;
          let x = (hp[o]! ^ q0) >>> 0;
          let d = pc[x & 0xffff]! + pc[x >>> 16]!;
          x = (hp[o + 1]! ^ q1) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          if (d > radius) continue;
          x = (hp[o + 2]! ^ q2) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          x = (hp[o + 3]! ^ q3) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          if (d > radius) continue;
          x = (hp[o + 4]! ^ q4) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          x = (hp[o + 5]! ^ q5) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          if (d > radius) continue;
          x = (hp[o + 6]! ^ q6) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          x = (hp[o + 7]! ^ q7) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
          if (d > radius) continue;
          if (this.foundEarlier(hp, o, qc, probeRadius, t)) continue;
          out.push({ id: (page << PAGE_BITS) + slot, distance: d });
        }
        for (let e = head[v]!; e >= 0; e = next[e]!) {
          const id = this.pendingId[e]!;
          if (states[id >>> PAGE_BITS]![id & PAGE_MASK] !== e) continue;
          const hp = pages[id >>> PAGE_BITS]!;
          const o = (id & PAGE_MASK) << 3;
          let d = 0;
          for (let k = 0; k < 8; k++) {
            const x = (hp[o + k]! ^ q[k]!) >>> 0;
            d += pc[x & 0xffff]! + pc[x >>> 16]!;
          }
          if (d > radius || this.foundEarlier(hp, o, qc, probeRadius, t)) continue;
          out.push({ id, distance: d });
        }
      }
    }
    return out.sort((x, y) => x.distance - y.distance || x.id - y.id);
  }

  /** A hit is reported only from the first table whose probe covers it, so no result repeats. */
  private foundEarlier(hp: Uint32Array, o: number, qc: Uint16Array, probeRadius: Int8Array, t: number): boolean {
    for (let u = 0; u < t; u++) {
      const pr = probeRadius[u]!;
      if (pr < 0) continue;
      if (POPCOUNT16[chunkOf(hp, o, u) ^ qc[u]!]! <= pr) return true;
    }
    return false;
  }

  /**
   * The same exact answers as `search` for many queries at once, for bulk work (ingest of a seized device, a hub
   * re-matching its lists). Per batch, candidates of all queries are gathered as (id, query) pairs and radix-sorted by
   * id, so hashes are verified in storage order — a sequential sweep the hardware prefetches — instead of one random
   * memory access per candidate, which is what bounds single queries at millions of hashes.
   */
  searchMany(queries: (string | Hash256Words)[], radius = 31, batchSize = 64): IndexHit[][] {
    checkRadius(radius);
    // Query numbers within a batch are kept in 16 bits.
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65535) throw new RangeError(`batchSize must be an integer 1..65535, got ${batchSize}`);
    if (this.unmerged) this.merge();
    const results: IndexHit[][] = [];
    for (let start = 0; start < queries.length; start += batchSize) {
      results.push(...this.searchBatch(queries.slice(start, start + batchSize).map(toWords), radius));
    }
    return results;
  }

  private growCand(min: number): Uint32Array {
    const next = new Uint32Array(Math.max(min, this.cand.length * 2));
    next.set(this.cand);
    this.cand = next;
    return next;
  }

  private searchBatch(qs: Hash256Words[], radius: number): IndexHit[][] {
    const s = radius >>> 4;
    const a = radius & 15;
    let ids: Uint32Array = this.cand;
    let qix: Uint16Array = new Uint16Array(ids.length);
    let n = 0;
    for (let qi = 0; qi < qs.length; qi++) {
      const q = qs[qi]!;
      for (let t = 0; t < CHUNKS; t++) {
        const pr = t <= a ? s : s - 1;
        if (pr < 0) continue;
        const nProbes = PROBES_WITHIN[pr]!;
        const base = chunkOf(q, 0, t);
        const { offsets, lo, hi } = this.tables[t]!;
        const head = this.pendingHead[t]!;
        const next = this.pendingNext[t]!;
        for (let m = 0; m < nProbes; m++) {
          const v = base ^ PROBE_MASKS[m]!;
          const st = offsets[v]!;
          const end = offsets[v + 1]!;
          let pendingLen = 0;
          for (let e = head[v]!; e >= 0; e = next[e]!) pendingLen++;
          if (n + (end - st) + pendingLen > ids.length) {
            ids = this.growCand(n + (end - st) + pendingLen);
            const nq = new Uint16Array(ids.length);
            nq.set(qix);
            qix = nq;
          }
          for (let i = st; i < end; i++) {
            ids[n] = (hi[i]! << PAGE_BITS) | lo[i]!;
            qix[n++] = qi;
          }
          for (let e = head[v]!; e >= 0; e = next[e]!) {
            ids[n] = this.pendingId[e]!;
            qix[n++] = qi;
          }
        }
      }
    }
    // LSD radix sort of the pairs by id, 8 bits a pass (256 write streams stay in cache; measured faster than 12).
    const maxId = this.hashPages.length * PAGE_SIZE;
    let srcId: Uint32Array = ids;
    let srcQ: Uint16Array = qix;
    let dstId: Uint32Array = this.sortId.length >= n ? this.sortId : (this.sortId = new Uint32Array(ids.length));
    let dstQ: Uint16Array = this.sortQ.length >= n ? this.sortQ : (this.sortQ = new Uint16Array(ids.length));
    const counts = new Uint32Array(257);
    for (let shift = 0; shift < 32 && maxId - 1 >>> shift > 0; shift += 8) {
      counts.fill(0);
      for (let j = 0; j < n; j++) counts[((srcId[j]! >>> shift) & 255) + 1]!++;
      for (let b = 0; b < 256; b++) counts[b + 1]! += counts[b]!;
      for (let j = 0; j < n; j++) {
        const at = counts[(srcId[j]! >>> shift) & 255]!++;
        dstId[at] = srcId[j]!;
        dstQ[at] = srcQ[j]!;
      }
      [srcId, dstId] = [dstId, srcId];
      [srcQ, dstQ] = [dstQ, srcQ];
    }

    const out: IndexHit[][] = qs.map(() => []);
    const lastId = new Float64Array(qs.length).fill(-1);
    const pages = this.hashPages;
    const states = this.statePages;
    const pc = POPCOUNT16;
    for (let j = 0; j < n; j++) {
      const id = srcId[j]!;
      const qi = srcQ[j]!;
      if (lastId[qi] === id) continue;
      const hp = pages[id >>> PAGE_BITS]!;
      const o = (id & PAGE_MASK) << 3;
      const q = qs[qi]!;
      let d = 0;
      for (let k = 0; k < 8 && d <= radius; k++) {
        const x = (hp[o + k]! ^ q[k]!) >>> 0;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
      }
      if (d > radius || states[id >>> PAGE_BITS]![id & PAGE_MASK] === ABSENT) continue;
      lastId[qi] = id;
      out[qi]!.push({ id, distance: d });
    }
    for (const r of out) r.sort((x, y) => x.distance - y.distance || x.id - y.id);
    return out;
  }

  /** Linear scan: the reference the index is tested and benchmarked against. */
  searchBrute(hash: string | Hash256Words, radius = 31): IndexHit[] {
    checkRadius(radius);
    const q = toWords(hash);
    const out: IndexHit[] = [];
    const pc = POPCOUNT16;
    for (let p = 0; p < this.hashPages.length; p++) {
      const sp = this.statePages[p];
      if (!sp) continue;
      const hp = this.hashPages[p]!;
      for (let s = 0; s < PAGE_SIZE; s++) {
        if (sp[s] === ABSENT) continue;
        const o = s << 3;
        let d = 0;
        for (let k = 0; k < 8 && d <= radius; k++) {
          const x = (hp[o + k]! ^ q[k]!) >>> 0;
          d += pc[x & 0xffff]! + pc[x >>> 16]!;
        }
        if (d <= radius) out.push({ id: (p << PAGE_BITS) + s, distance: d });
      }
    }
    return out.sort((x, y) => x.distance - y.distance || x.id - y.id);
  }

  /** Writes the index (merged first) so that `load` reads it back without rebuilding. */
  save(path: string): void {
    if (this.pendingCount > 0 || this.mainDirty > 0 || this.unmerged) this.merge();
    const fd = openSync(path, 'w');
    try {
      const pages = this.hashPages.length;
      const wide = pages > 256;
      const header = new Uint32Array([pages, this.count, wide ? 2 : 1, 0]);
      const put = (view: ArrayBufferView) => {
        writeSync(fd, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        const pad = (8 - (view.byteLength % 8)) % 8;
        if (pad) writeSync(fd, new Uint8Array(pad));
      };
      put(Buffer.from(MAGIC, 'latin1'));
      put(header);
      put(Uint8Array.from({ length: pages }, (_, p) => (this.hashPages[p] ? 1 : 0)));
      for (let p = 0; p < pages; p++) {
        const sp = this.statePages[p];
        if (!sp) continue;
        put(this.hashPages[p]!);
        put(Uint8Array.from(sp, (v) => (v === ABSENT ? 0 : 1)));
      }
      for (const table of this.tables) {
        put(table.offsets);
        put(table.lo);
        put(table.hi);
      }
    } finally {
      closeSync(fd);
    }
  }

  static load(path: string): HammingIndex {
    const fd = openSync(path, 'r');
    try {
      let pos = 0;
      const get = <T extends ArrayBufferView>(view: T): T => {
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        let done = 0;
        while (done < bytes.length) {
          const r = readSync(fd, bytes, done, bytes.length - done, pos + done);
          if (r === 0) throw new Error(`index file ${path} is truncated`);
          done += r;
        }
        pos += view.byteLength + ((8 - (view.byteLength % 8)) % 8);
        return view;
      };
      const magic = Buffer.from(get(new Uint8Array(8))).toString('latin1');
      if (magic !== MAGIC) throw new Error(`${path} is not a Tessera Hamming index file`);
      const [pages, count, hiBytes] = get(new Uint32Array(4)) as unknown as [number, number, number];
      const idx = new HammingIndex();
      const present = get(new Uint8Array(pages));
      for (let p = 0; p < pages; p++) {
        if (!present[p]) {
          idx.hashPages.push(undefined);
          idx.statePages.push(undefined);
          continue;
        }
        idx.hashPages.push(get(new Uint32Array(PAGE_SIZE * 8)));
        const flags = get(new Uint8Array(PAGE_SIZE));
        const sp = new Int32Array(PAGE_SIZE);
        for (let s = 0; s < PAGE_SIZE; s++) sp[s] = flags[s] ? IN_MAIN : ABSENT;
        idx.statePages.push(sp);
      }
      for (let t = 0; t < CHUNKS; t++) {
        const offsets = get(new Uint32Array(BUCKETS + 1));
        const n = offsets[BUCKETS]!;
        const lo = get(new Uint16Array(n));
        const hi = get(hiBytes === 2 ? new Uint16Array(n) : new Uint8Array(n));
        idx.tables[t] = { offsets, lo, hi };
      }
      idx.count = count;
      idx.mainCount = count;
      return idx;
    } finally {
      closeSync(fd);
    }
  }
}
