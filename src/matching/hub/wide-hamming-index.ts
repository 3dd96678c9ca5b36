/**
 * Exact radius-31 search over tens of millions of 256-bit hashes, for the hub's network match index.
 *
 * Multi-index hashing with long chunks. The media module's index cuts a hash into 16 chunks of 16 bits; at 10 M
 * hashes each of its 272 probes returns ~150 candidates (≈41 000 random reads per query), which bounds it near
 * 150 queries per second. Here the hash is cut into 11 chunks (three of 24 bits, eight of 23) and each chunk is
 * probed within its own radius r_t, chosen so that Σ (r_t + 1) = 32 > 31: if every chunk of a stored hash differed
 * from the query's by more than r_t bits, the hashes would differ by at least 32 bits (generalised pigeonhole). Ten
 * chunks are probed within 2 bits and one within 1: ≈2 850 probes yielding ≈3 000 candidates at 10 M, each verified
 * by its full distance, so the answer is exact (equal to a linear scan).
 *
 * Layout (no JS object per hash): hashes in 64 Ki-id pages of 8 words; per chunk a CSR table (2^w + 1 offsets and
 * the ids sorted by chunk value). New hashes wait in a pending index (the media module's HammingIndex, fast up to
 * about a million) until it holds an eighth of the main tables, then everything is merged; a small index (under a
 * million hashes) is the pending index alone. Memory at 10 M: hashes
 * 320 MB, postings 440 MB, offsets 450 MB.
 */
import { HammingIndex, type Hash256Words, type IndexHit } from '../../media/index.js';
import { POPCOUNT16 } from '../../media/hash256.js';

const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Chunk widths (sum 256) and probe radii (Σ(r+1) = 32): exact for radius ≤ 31. */
const WIDTHS = [24, 24, 24, 23, 23, 23, 23, 23, 23, 23, 23];
const RADII = [2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2];
export const WIDE_MAX_RADIUS = RADII.reduce((s, r) => s + r + 1, 0) - 1;

const STARTS = WIDTHS.map((_, i) => WIDTHS.slice(0, i).reduce((a, b) => a + b, 0));

const ABSENT = 0;
const IN_MAIN = 1;
const PENDING = 2;

function masksWithin(width: number, radius: number): Uint32Array {
  const out: number[] = [0];
  for (let a = 0; a < width && radius >= 1; a++) {
    out.push(2 ** a);
    for (let b = a + 1; b < width && radius >= 2; b++) out.push(2 ** a + 2 ** b);
  }
  if (radius > 2) throw new Error('probe radius above 2 is not needed by this layout');
  return Uint32Array.from(out);
}
const MASKS = WIDTHS.map((w, t) => masksWithin(w, RADII[t]!));

/** Bits [s, s+w) of the hash at words[o..o+8), bit 0 being the most significant bit of word 0. */
function chunkAt(words: Uint32Array, o: number, s: number, w: number): number {
  const k = s >>> 5;
  const off = s & 31;
  const hi = ((words[o + k]! << off) >>> 0) >>> (32 - w);
  return off + w <= 32 ? hi : (hi | (words[o + k + 1]! >>> (64 - off - w))) >>> 0;
}

interface Table {
  offsets: Uint32Array;
  ids: Uint32Array;
}

export class WideHammingIndex {
  private pages: (Uint32Array | undefined)[] = [];
  private states: (Uint8Array | undefined)[] = [];
  private tables: Table[] = [];
  private pending = new HammingIndex();
  private mainCount = 0;
  private count = 0;
  private readonly q = new Uint32Array(8);
  /** Below this many hashes the pending index answers alone: the long-chunk tables cost ~450 MB of offsets. */
  private readonly wideFrom: number;

  constructor(options: { wideFrom?: number } = {}) {
    this.wideFrom = options.wideFrom ?? 1_000_000;
  }

  get size(): number {
    return this.count;
  }

  private state(id: number): number {
    const s = this.states[id >>> PAGE_BITS];
    return s ? s[id & PAGE_MASK]! : ABSENT;
  }

  private store(id: number, hash: Hash256Words, state: number): void {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`index ids are integers 0..2^32-1, got ${id}`);
    const p = id >>> PAGE_BITS;
    if (!this.pages[p]) {
      this.pages[p] = new Uint32Array(PAGE_SIZE * 8);
      this.states[p] = new Uint8Array(PAGE_SIZE);
    }
    this.pages[p]!.set(hash, (id & PAGE_MASK) * 8);
    const s = this.states[p]!;
    if (s[id & PAGE_MASK] === ABSENT) this.count++;
    s[id & PAGE_MASK] = state;
  }

  /** Adds or replaces a hash; it is searchable at once (from the pending index until the next merge). */
  add(id: number, hash: Hash256Words): void {
    // A replaced hash keeps its old postings until the next merge; they no longer count (the id is not IN_MAIN).
    this.store(id, hash, PENDING);
    this.pending.add(id, hash);
    if (this.pending.size > Math.max(this.wideFrom, this.mainCount >>> 3)) this.merge();
  }

  /**
   * Bulk load (start-up rebuild): 8 words per id in `hashes`, merged at once, or with `deferMerge` at the next search
   * or `merge()` — a rebuild in pages merges once, not once per page.
   */
  addMany(ids: ArrayLike<number>, hashes: Uint32Array, options: { deferMerge?: boolean } = {}): void {
    if (hashes.length !== ids.length * 8) throw new Error('addMany: hashes must hold 8 words per id');
    for (let i = 0; i < ids.length; i++) this.store(ids[i]!, hashes.subarray(i * 8, i * 8 + 8), PENDING);
    this.unmerged = true;
    if (!options.deferMerge) this.merge();
  }

  /** addMany(deferMerge) left hashes that no table or pending index holds yet. */
  private unmerged = false;

  remove(id: number): boolean {
    const st = this.state(id);
    if (st === ABSENT) return false;
    if (st === PENDING) this.pending.remove(id);
    this.states[id >>> PAGE_BITS]![id & PAGE_MASK] = ABSENT;
    this.count--;
    return true;
  }

  /**
   * Rebuilds every chunk table from the hashes held (one table at a time: the peak is one extra table). A small index
   * (under `wideFrom` hashes, never merged wide) is rebuilt as a pending index alone.
   */
  merge(): void {
    this.unmerged = false;
    let n = 0;
    for (const s of this.states) if (s) for (let i = 0; i < PAGE_SIZE; i++) if (s[i] !== ABSENT) n++;
    if (this.mainCount === 0 && n < this.wideFrom) {
      const ids: number[] = [];
      for (let p = 0; p < this.pages.length; p++) {
        const s = this.states[p];
        if (s) for (let i = 0; i < PAGE_SIZE; i++) if (s[i] !== ABSENT) ids.push((p << PAGE_BITS) + i);
      }
      const flat = new Uint32Array(ids.length * 8);
      ids.forEach((id, k) => flat.set(this.pages[id >>> PAGE_BITS]!.subarray((id & PAGE_MASK) * 8, (id & PAGE_MASK) * 8 + 8), k * 8));
      this.pending = new HammingIndex();
      this.pending.addMany(ids, flat);
      return;
    }
    for (let t = 0; t < WIDTHS.length; t++) {
      const w = WIDTHS[t]!;
      const start = STARTS[t]!;
      const offsets = new Uint32Array((1 << w) + 1);
      for (let p = 0; p < this.pages.length; p++) {
        const s = this.states[p];
        if (!s) continue;
        const h = this.pages[p]!;
        for (let i = 0; i < PAGE_SIZE; i++) if (s[i] !== ABSENT) offsets[chunkAt(h, i * 8, start, w) + 1]!++;
      }
      for (let v = 0; v < 1 << w; v++) offsets[v + 1]! += offsets[v]!;
      this.tables[t] = { offsets: new Uint32Array(0), ids: new Uint32Array(0) };
      const ids = new Uint32Array(n);
      const fill = offsets.slice(0, 1 << w);
      for (let p = 0; p < this.pages.length; p++) {
        const s = this.states[p];
        if (!s) continue;
        const h = this.pages[p]!;
        const base = p << PAGE_BITS;
        for (let i = 0; i < PAGE_SIZE; i++) if (s[i] !== ABSENT) ids[fill[chunkAt(h, i * 8, start, w)]!++] = base + i;
      }
      this.tables[t] = { offsets, ids };
    }
    for (const s of this.states) if (s) for (let i = 0; i < PAGE_SIZE; i++) if (s[i] !== ABSENT) s[i] = IN_MAIN;
    this.pending = new HammingIndex();
    this.mainCount = n;
  }

  /** Every stored hash within `radius` (≤ 31) of `hash`, nearest first (ties by id); exact. */
  search(hash: Hash256Words, radius = 31): IndexHit[] {
    if (!Number.isInteger(radius) || radius < 0 || radius > WIDE_MAX_RADIUS) throw new RangeError(`radius must be an integer 0..${WIDE_MAX_RADIUS}`);
    if (this.unmerged) this.merge();
    const q = this.q;
    q.set(hash);
    const found = new Map<number, number>();
    const pages = this.pages;
    const states = this.states;
    if (this.mainCount > 0) {
      for (let t = 0; t < WIDTHS.length; t++) {
        const { offsets, ids } = this.tables[t]!;
        const qv = chunkAt(q, 0, STARTS[t]!, WIDTHS[t]!);
        const masks = MASKS[t]!;
        for (let m = 0; m < masks.length; m++) {
          const v = (qv ^ masks[m]!) >>> 0;
          const end = offsets[v + 1]!;
          for (let at = offsets[v]!; at < end; at++) {
            const id = ids[at]!;
            const h = pages[id >>> PAGE_BITS]!;
            const o = (id & PAGE_MASK) * 8;
            let x = (h[o]! ^ q[0]!) >>> 0;
            let d = POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            x = (h[o + 1]! ^ q[1]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            x = (h[o + 2]! ^ q[2]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            x = (h[o + 3]! ^ q[3]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            if (d > radius) continue;
            x = (h[o + 4]! ^ q[4]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            x = (h[o + 5]! ^ q[5]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            x = (h[o + 6]! ^ q[6]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            x = (h[o + 7]! ^ q[7]!) >>> 0;
            d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
            // A hash replaced or removed since the merge is no longer IN_MAIN here (replaced ones are found in pending).
            if (d <= radius && states[id >>> PAGE_BITS]![id & PAGE_MASK] === IN_MAIN) found.set(id, d);
          }
        }
      }
    }
    if (this.pending.size > 0) for (const hit of this.pending.search(q, radius)) found.set(hit.id, hit.distance);
    return [...found].map(([id, distance]) => ({ id, distance })).sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Linear scan: the reference the index is tested and benchmarked against. */
  searchBrute(hash: Hash256Words, radius = 31): IndexHit[] {
    const out: IndexHit[] = [];
    for (let p = 0; p < this.pages.length; p++) {
      const s = this.states[p];
      if (!s) continue;
      const h = this.pages[p]!;
      for (let i = 0; i < PAGE_SIZE; i++) {
        if (s[i] === ABSENT) continue;
        let d = 0;
        for (let k = 0; k < 8; k++) {
          const x = (h[i * 8 + k]! ^ hash[k]!) >>> 0;
          d += POPCOUNT16[x & 0xffff]! + POPCOUNT16[x >>> 16]!;
        }
        if (d <= radius) out.push({ id: (p << PAGE_BITS) + i, distance: d });
      }
    }
    return out.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    let b = 0;
    for (const p of this.pages) if (p) b += p.byteLength + PAGE_SIZE;
    for (const t of this.tables) b += t.offsets.byteLength + t.ids.byteLength;
    return b;
  }
}
