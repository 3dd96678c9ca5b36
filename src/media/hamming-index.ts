/**
 * Exact Hamming-radius search over 256-bit hashes by multi-index hashing (Norouzi, Punjani, Fleet 2014).
 *
 * The hash is cut into 12 chunks, 8 of 22 bits and 4 of 20, each with a CSR table from chunk value to ids. For a
 * query radius r each chunk t gets a probe radius p[t] (-1 = not probed) with sum(p[t] + 1) = r + 1: a stored hash
 * that differed by more than p[t] bits in every chunk would differ by at least r + 1 bits in all (pigeonhole), so
 * probing every chunk value within p[t] of the query's finds every hash within r, and the full distance check of each
 * candidate makes the answer exact. The split is chosen per radius (and per index size) by a cost model of probes and
 * candidates; at r = 31 it is p = 2 on the eight 22-bit chunks and 1 on the four 20-bit ones: 2 116 probes and, at
 * 10 M random hashes, ~5 650 candidates per query (the 16 x 16 layout of version 1 made ~41 500). When the tables
 * would cost more than reading everything (large radii on small indexes), the query is a linear scan instead.
 *
 * Why this layout (measured on the 10 M benchmark, 2-core VM, 4 KB pages): the cost is memory latency, ~100 ns a
 * probe (bucket bounds, then its ids: two dependent misses) and ~50 ns a candidate (its hash: one miss, mostly a TLB
 * miss too), the arithmetic is noise. Fewer, wider chunks trade candidates for probes and for table memory (2^w
 * offsets each): with 12 chunks the pigeonhole split at r = 31 is forced to 8 chunks at p = 2 and 4 at p = 1, and
 * giving the p = 2 chunks 22 bits and the others 20 minimises probes x 100 + candidates x 50 within the memory budget
 * (4 x 22 + 8 x 21 bits measured ~10 % slower; by the model 11 or 13 chunks cost 14-22 % more, and 23-bit chunks
 * need 32 MB of offsets each, over 1 GiB at 10 M).
 * Large radii stay usable: r = 47 is p = 3 everywhere, still ~25x faster than a scan at 10 M, r = 63 at least 2x.
 *
 * A query is a few short loops of independent loads, which is what lets the CPU overlap its cache misses: per table
 * (1) the bounds of every probed bucket, (2) a touch of each bucket's first id, (3) the copy of the ids; then per
 * block of 256 candidates (4) a touch of each candidate's hash, (5) the distances, from cache, first over 128 bits
 * (for an unrelated hash already past the radius: a branch almost never taken). The same work as one loop per probe
 * ran 1.5x slower; sorting a batch of queries' candidates by id (for `searchMany`) ran 1.3-1.9x slower than this.
 *
 * Memory, nothing per entry is a JS object: hashes in one flat Uint32Array, 8 words at [8 id, 8 id + 8) (ids are
 * dense storage positions, database row numbers; capacity beyond the highest id is address space, not memory), one
 * state byte per id, and per table 3 bytes per id (4 once ids pass 2^24) plus the offsets (16 MB for a 22-bit table,
 * 4 MB for a 20-bit one; keys are cut to about log2(n) + 1 bits on smaller indexes). 10 M hashes: 320 + 10 + 360 +
 * 144 MB, 860-920 MB for the benchmark process.
 *
 * Changes: `add` and `remove` go to a small pending area (16 chained tables of 16 bits) and mark the postings they
 * make stale; past 32 768 of those, or on `merge`, they are folded into the tables in place (stale postings cut out,
 * new ones inserted bucket by bucket with memmoves: ~0.4 s at 10 M, not a rebuild). Bulk `addMany` rebuilds (~14
 * CPU-s at 10 M) unless its changes fit the tables' slack. Stale postings never give wrong answers: every candidate
 * is checked against the current hash and state. `save` writes storage and tables so that `load` does not rebuild.
 *
 * Allocations are made through glibc, so a process started with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 gets the
 * hashes and tables on transparent huge pages (THP mode "madvise"), which removes most TLB misses: ~1.3x faster.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { hexToWords, POPCOUNT16, type Hash256Words } from './hash256.js';

export interface IndexHit {
  id: number;
  distance: number;
}

export const MAX_RADIUS = 63;
/** Ids are storage positions in one typed array, addressed with 32-bit integer arithmetic (8 words an id). */
export const MAX_ID = 2 ** 28 - 1;
const PAGE_V1 = 1 << 16;
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;

/** Per-id state. Postings are not trusted about the current hash: every candidate is verified against storage. */
const ABSENT = 0;
const IN_MAIN = 1;
const PENDING = 2;

/** Chunk widths of the main tables: 12 chunks, 8 x 22 + 4 x 20 bits (see the header for why). */
const MAIN_WIDTHS = [22, 22, 22, 22, 22, 22, 22, 22, 20, 20, 20, 20];
/** The pending (not yet merged) entries are few, so they sit in 16 chained tables of 16 bits (4 MB of heads). */
const PENDING_WIDTHS = Array.from({ length: 16 }, () => 16);
/** The layouts, for tests that aim at chunk boundaries. */
export const CHUNK_WIDTHS: readonly number[] = MAIN_WIDTHS;
export const PENDING_CHUNK_WIDTHS: readonly number[] = PENDING_WIDTHS;
const PENDING_BUCKETS = 1 << 16;
/** Pending entries plus stale postings past which they are folded into the tables (a pass over them). */
export const PENDING_LIMIT = 32768;

/** Cost model, in nanoseconds on the benchmark machine, used to share the radius among chunks and to pick a scan. */
const PROBE_NS = 100;
const CANDIDATE_NS = 60;
/** A scan stops reading a hash once the distance passes the radius, so it costs more at larger radii. */
const scanNs = (radius: number): number => 14 + radius / 8;
/** Candidates verified per block: their 4 KB pages stay within the TLB and their lines within L1/L2. */
const VERIFY_BLOCK = 256;

const MAGIC_V1 = 'TSHIDX01';
const MAGIC = 'TSHIDX03';

function checkRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0 || radius > MAX_RADIUS) throw new RangeError(`radius must be an integer 0..${MAX_RADIUS}, got ${radius}`);
}

function toWords(hash: string | Hash256Words): Hash256Words {
  if (typeof hash === 'string') return hexToWords(hash);
  if (hash.length !== 8) throw new Error('a 256-bit hash is 8 32-bit words');
  return hash;
}

/** Bits [start, start + bits) of the hash at words[off..off+8), most significant first (hex order); bits <= 24. */
export function bitsAt(words: ArrayLike<number>, off: number, start: number, bits: number): number {
  const w = off + (start >>> 5);
  const b = start & 31;
  const head = (words[w]! << b) >>> (32 - bits);
  return b + bits <= 32 ? head : head | (words[w + 1]! >>> (64 - b - bits));
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/** Number of `bits`-bit values within `radius` of a given one. */
function ballSize(bits: number, radius: number): number {
  if (radius >= bits) return 2 ** bits;
  let s = 0;
  for (let i = 0; i <= radius; i++) s += binomial(bits, i);
  return s;
}

const maskCache = new Map<number, Uint32Array>();
/** XOR masks of `bits` bits with at most `radius` ones, fewest ones first. */
function probeMasks(bits: number, radius: number): Uint32Array {
  const r = Math.min(radius, bits);
  const key = bits * 64 + r;
  let masks = maskCache.get(key);
  if (masks) return masks;
  masks = new Uint32Array(ballSize(bits, r));
  let n = 0;
  const put = (ones: number, from: number, acc: number): void => {
    if (ones === 0) {
      masks![n++] = acc;
      return;
    }
    for (let b = from; b <= bits - ones; b++) put(ones - 1, b + 1, (acc | (1 << b)) >>> 0);
  };
  for (let ones = 0; ones <= r; ones++) put(ones, 0, 0);
  maskCache.set(key, masks);
  return masks;
}

/** Probe radius per chunk (-1: not probed) and the estimated cost of the query in nanoseconds. */
interface Plan {
  probe: Int8Array;
  cost: number;
}

/**
 * How the radius is shared among chunks: a stored hash within `radius` of the query differs by at most `probe[t]` bits
 * in some chunk t whenever sum(probe[t] + 1) >= radius + 1 (pigeonhole; -1 leaves the chunk out). Each chunk's cost
 * grows with its probe radius, so the radius + 1 units are handed out one at a time to the chunk where the next unit
 * costs least (optimal while costs are convex, i.e. probe radii below half the key width, which the scan fallback
 * guarantees in practice). Keys cut short (small indexes) stay exact: a prefix differs by no more than its chunk.
 */
function planFor(keyBits: readonly number[], n: number, radius: number): Plan {
  const m = keyBits.length;
  const probe = new Int8Array(m).fill(-1);
  const chunkCost = (t: number, r: number): number => (r < 0 ? 0 : ballSize(keyBits[t]!, r) * (PROBE_NS + (CANDIDATE_NS * n) / 2 ** keyBits[t]!));
  let cost = 0;
  for (let unit = 0; unit <= radius; unit++) {
    let best = 0;
    let bestDelta = Infinity;
    for (let t = 0; t < m; t++) {
      const delta = chunkCost(t, probe[t]! + 1) - chunkCost(t, probe[t]!);
      if (delta < bestDelta) {
        bestDelta = delta;
        best = t;
      }
    }
    probe[best]!++;
    cost += bestDelta;
  }
  return { probe, cost };
}

/** Key width per table: the chunk width, capped near log2(n) so that a small index keeps small tables. */
function keyBitsFor(widths: readonly number[], n: number): number[] {
  const cap = Math.max(10, Math.ceil(Math.log2(n + 1)) + 1);
  return widths.map((w) => Math.min(w, cap));
}

function startsOf(widths: readonly number[]): number[] {
  const starts: number[] = [];
  let s = 0;
  for (const w of widths) {
    starts.push(s);
    s += w;
  }
  if (s !== 256) throw new Error('chunk widths must cover 256 bits');
  return starts;
}

const MAIN_STARTS = startsOf(MAIN_WIDTHS);
const PENDING_STARTS = startsOf(PENDING_WIDTHS);

/**
 * One CSR table: bucket v's ids are ids[offsets[v]..offsets[v+1]), 3 bytes an id (little-endian), or 4 (`wide`).
 * `offsets` has two spare entries (the counting trick of `rebuild`); the id arrays have slack for folds and one
 * padding entry, so that reading "the first id" of an empty last bucket stays in bounds.
 */
interface Table {
  offsets: Uint32Array;
  ids3: Uint8Array;
  ids4: Uint32Array;
}

const EMPTY_TABLE: Table = { offsets: new Uint32Array(0), ids3: new Uint8Array(0), ids4: new Uint32Array(0) };

function capacityOf(table: Table, wide: boolean): number {
  return wide ? table.ids4.length - 1 : table.ids3.length / 3 - 1;
}

/** Spare postings per table, so that folds rarely reallocate (untouched until used, so not resident). */
function slackFor(n: number): number {
  return Math.max(PENDING_LIMIT, n >>> 4);
}

function postingAt(ids: Uint8Array | Uint32Array, j: number, wide: boolean): number {
  return wide ? ids[j]! : ids[j * 3]! | (ids[j * 3 + 1]! << 8) | (ids[j * 3 + 2]! << 16);
}

function setPosting(ids: Uint8Array | Uint32Array, j: number, id: number, wide: boolean): void {
  if (wide) {
    ids[j] = id;
  } else {
    ids[j * 3] = id;
    ids[j * 3 + 1] = id >>> 8;
    ids[j * 3 + 2] = id >>> 16;
  }
}

function sameKeys(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

export interface HammingIndexOptions {
  /** Answer every radius from the tables, never by a linear scan (tests: the scan is otherwise chosen when cheaper). */
  tablesOnly?: boolean;
}

export class HammingIndex {
  private readonly tablesOnly: boolean;
  /** 8 words per id, at [8 id, 8 id + 8); `capacity` ids. */
  private hashes: Uint32Array = new Uint32Array(0);
  private state: Uint8Array = new Uint8Array(0);
  /** Present ids per block of BLOCK ids: loops over storage skip empty blocks, so sparse ids cost no time or file. */
  private live: Uint32Array = new Uint32Array(0);
  private capacity = 0;
  /** One past the highest id ever stored: scans and merges stop there. */
  private span = 0;
  private count = 0;

  private keyBits: number[] = keyBitsFor(MAIN_WIDTHS, 0);
  private tables: Table[] = [];
  /** Ids in the tables are 4 bytes (some id >= 2^24 at the last merge). */
  private wide = false;
  private mainCount = 0;
  /**
   * Postings made stale (removed or replaced ids) since the last merge: they cost time, never correctness. Each is
   * kept with the hash it was indexed under, so that a fold finds it in its buckets without scanning the tables.
   */
  private mainDirty = 0;
  private staleIds: Uint32Array = new Uint32Array(0);
  private staleWords: Uint32Array = new Uint32Array(0);
  /** Present ids may be missing from the tables (bulk addMany, storage growth): rebuild before searching. */
  private unmerged = false;
  /** Ids changed by addMany on built tables, in neither the tables nor the pending lists: folded before searching. */
  private unindexed: Uint32Array = new Uint32Array(0);
  private unindexedCount = 0;
  private plans = new Map<number, Plan>();
  /** Plans for the pending tables, by radius, with the pending count they were made for. */
  private pendingPlans = new Map<number, Plan & { n: number }>();

  private pendingHead: Int32Array[] = [];
  private pendingNext: Int32Array[] = [];
  private pendingId: Uint32Array = new Uint32Array(0);
  private pendingCount = 0;

  /** Scratch reused across queries: candidate ids, and the bounds of the buckets probed in one table. */
  private cand: Uint32Array = new Uint32Array(1 << 14);
  private bucketStart: Uint32Array = new Uint32Array(1024);
  private bucketEnd: Uint32Array = new Uint32Array(1024);
  /** Sink for the loads that only bring cache lines in (kept observable so that the compiler keeps them). */
  private touched = 0;

  constructor(options: HammingIndexOptions = {}) {
    this.tablesOnly = options.tablesOnly ?? false;
  }

  /** Number of hashes held. */
  get size(): number {
    return this.count;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`index ids are integers 0..${MAX_ID}, got ${id}`);
  }

  /**
   * Grows storage to hold ids below `end`. Capacity beyond the highest id costs address space, not memory (the pages
   * are not touched), so it grows by half at a time. Growing copies the hashes: when the tables are large they are
   * dropped first (rebuilt at the next search), so that the peak is two copies of the hashes, not that plus tables.
   */
  private reserve(end: number): void {
    if (end <= this.capacity) return;
    if (this.tables.length > 0 && this.capacity >= 1 << 20) this.dropTables();
    this.resize(Math.max(end, 1024, Math.ceil(this.capacity * 1.5)));
  }

  private resize(capacity: number): void {
    capacity = Math.min(MAX_ID + 1, capacity);
    if (capacity <= this.capacity) return;
    const hashes = new Uint32Array(capacity * 8);
    const state = new Uint8Array(capacity);
    // Empty blocks are not copied, so that sparse ids do not make the copy touch (commit) memory.
    for (const [lo, hi] of this.liveRanges()) {
      hashes.set(this.hashes.subarray(lo * 8, hi * 8), lo * 8);
      state.set(this.state.subarray(lo, hi), lo);
    }
    const live = new Uint32Array(Math.ceil(capacity / BLOCK));
    live.set(this.live);
    this.hashes = hashes;
    this.state = state;
    this.live = live;
    this.capacity = capacity;
  }

  /** [lo, hi) id ranges covering every present id: whole runs of non-empty blocks, clipped to the span. */
  private liveRanges(): [number, number][] {
    const out: [number, number][] = [];
    const blocks = Math.ceil(this.span / BLOCK);
    for (let b = 0; b < blocks; b++) {
      if (this.live[b] === 0) continue;
      const lo = b * BLOCK;
      while (b + 1 < blocks && this.live[b + 1] !== 0) b++;
      out.push([lo, Math.min(this.span, (b + 1) * BLOCK)]);
    }
    return out;
  }

  private dropTables(): void {
    this.tables = [];
    this.mainCount = 0;
    this.mainDirty = 0;
    this.plans.clear();
    this.clearPending();
    this.unmerged = true;
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.span && this.state[id] !== ABSENT;
  }

  /** The stored hash of `id` as words (a copy), or undefined. */
  get(id: number): Hash256Words | undefined {
    return this.has(id) ? this.hashes.slice(id * 8, id * 8 + 8) : undefined;
  }

  /** Stores the hash of `id`; false when it was already stored unchanged. */
  private put(id: number, h: ArrayLike<number>, from: number): boolean {
    const o = id * 8;
    const hashes = this.hashes;
    const state = this.state[id]!;
    if (state !== ABSENT) {
      let same = true;
      for (let k = 0; k < 8; k++) if (hashes[o + k] !== h[from + k]) same = false;
      if (same) return false;
      if (state === IN_MAIN) this.markStale(id);
    } else {
      this.count++;
      this.live[id >>> BLOCK_BITS]!++;
    }
    for (let k = 0; k < 8; k++) hashes[o + k] = h[from + k]!;
    this.state[id] = PENDING;
    if (id >= this.span) this.span = id + 1;
    return true;
  }

  /** Adds or replaces the hash of `id`. */
  add(id: number, hash: string | Hash256Words): void {
    this.checkId(id);
    const h = toWords(hash);
    this.reserve(id + 1);
    if (!this.put(id, h, 0) || this.unmerged) return;
    this.pushPending(id);
    if (this.pendingCount + this.mainDirty > PENDING_LIMIT) this.merge();
  }

  /**
   * Adds or replaces many hashes at once (start-up rebuild, bulk import, catching up with a database): `hashes` holds
   * 8 words per id, in the order of `ids`. Unchanged hashes are skipped. The tables are brought up to date at the end,
   * or with `deferMerge` once for successive batches, at the next search or `merge()`: by a fold when the changes are
   * few next to the index (up to a sixteenth of it, the slack the tables keep), otherwise by a rebuild.
   */
  addMany(ids: ArrayLike<number>, hashes: Uint32Array, options: { deferMerge?: boolean } = {}): void {
    if (hashes.length !== ids.length * 8) throw new Error('addMany: hashes must hold 8 words per id');
    let end = 0;
    for (let i = 0; i < ids.length; i++) {
      this.checkId(ids[i]!);
      end = Math.max(end, ids[i]! + 1);
    }
    this.reserve(end);
    const changed: number[] = [];
    for (let i = 0; i < ids.length; i++) if (this.put(ids[i]!, hashes, i * 8)) changed.push(ids[i]!);
    if (!this.unmerged && changed.length > 0) {
      const total = this.unindexedCount + changed.length;
      if (this.tables.length === 0 || total > slackFor(this.mainCount)) {
        this.unmerged = true;
        this.unindexedCount = 0;
      } else {
        if (total > this.unindexed.length) {
          const grown = new Uint32Array(Math.max(total, this.unindexed.length * 2));
          grown.set(this.unindexed.subarray(0, this.unindexedCount));
          this.unindexed = grown;
        }
        this.unindexed.set(changed, this.unindexedCount);
        this.unindexedCount = total;
      }
    }
    if (!options.deferMerge) this.merge();
  }

  remove(id: number): boolean {
    if (!this.has(id)) return false;
    if (this.state[id] === IN_MAIN) this.markStale(id);
    this.state[id] = ABSENT;
    this.count--;
    this.live[id >>> BLOCK_BITS]!--;
    if (this.pendingCount + this.mainDirty > PENDING_LIMIT) this.merge();
    return true;
  }

  /**
   * Records that the postings of `id` (IN_MAIN, with its hash still in storage) are stale. Past the tables' slack
   * (a bulk replacement) a rebuild is cheaper than a fold and needs no record, so the records are dropped.
   */
  private markStale(id: number): void {
    if (this.unmerged) return;
    if (this.mainDirty >= slackFor(this.mainCount)) {
      this.unmerged = true;
      this.mainDirty = 0;
      this.clearPending();
      return;
    }
    const e = this.mainDirty;
    if (e >= this.staleIds.length) {
      const cap = Math.max(1024, this.staleIds.length * 2);
      const ids = new Uint32Array(cap);
      ids.set(this.staleIds);
      const words = new Uint32Array(cap * 8);
      words.set(this.staleWords);
      this.staleIds = ids;
      this.staleWords = words;
    }
    this.staleIds[e] = id;
    this.staleWords.set(this.hashes.subarray(id * 8, id * 8 + 8), e * 8);
    this.mainDirty++;
  }

  private pushPending(id: number): void {
    if (this.pendingHead.length === 0) {
      for (let t = 0; t < PENDING_WIDTHS.length; t++) {
        this.pendingHead.push(new Int32Array(PENDING_BUCKETS).fill(-1));
        this.pendingNext.push(new Int32Array(0));
      }
    }
    const e = this.pendingCount;
    if (e >= this.pendingId.length) {
      const cap = Math.max(1024, this.pendingId.length * 2);
      const ids = new Uint32Array(cap);
      ids.set(this.pendingId);
      this.pendingId = ids;
      for (let t = 0; t < PENDING_WIDTHS.length; t++) {
        const next = new Int32Array(cap);
        next.set(this.pendingNext[t]!);
        this.pendingNext[t] = next;
      }
    }
    this.pendingId[e] = id;
    for (let t = 0; t < PENDING_WIDTHS.length; t++) {
      const v = bitsAt(this.hashes, id * 8, PENDING_STARTS[t]!, 16);
      const head = this.pendingHead[t]!;
      this.pendingNext[t]![e] = head[v]!;
      head[v] = e;
    }
    this.pendingCount++;
  }

  /**
   * Makes every stored hash part of the tables: after bulk additions a rebuild, otherwise the pending entries are
   * folded into the tables in place (and stale postings dropped), which costs a sequential pass over them rather
   * than a rebuild. Nothing to do when nothing changed.
   */
  merge(): void {
    const changed = this.pendingCount + this.mainDirty + this.unindexedCount > 0;
    const layoutChanged = this.tables.length === 0 || !sameKeys(this.keyBits, keyBitsFor(MAIN_WIDTHS, this.count)) || (!this.wide && this.span > 1 << 24);
    if (this.unmerged || (changed && layoutChanged)) this.rebuild();
    else if (changed) this.fold();
  }

  /**
   * Builds the tables from every present id, one table at a time: count the bucket sizes, then place the ids in id
   * order (ascending within each bucket, so a bucket's hashes are read in storage order). The arrays of the previous
   * tables are reused when they fit, so that the old tables are not garbage waiting for a collection next to the new.
   */
  private rebuild(): void {
    const n = this.count;
    const span = this.span;
    const wide = span > 1 << 24;
    const keyBits = keyBitsFor(MAIN_WIDTHS, n);
    const old = sameKeys(keyBits, this.keyBits) && wide === this.wide ? this.tables : [];
    this.tables = [];
    // Room to grow before storage must be copied again (address space only until used).
    if (old.length === 0) this.resize(span + (span >>> 1));
    const hashes = this.hashes;
    const state = this.state;
    const slack = slackFor(n);
    const ranges = this.liveRanges();
    const tables: Table[] = [];
    for (let t = 0; t < MAIN_WIDTHS.length; t++) {
      const bits = keyBits[t]!;
      const start = MAIN_STARTS[t]!;
      const prev = old[t];
      // Counting into c[key + 2] and placing with c[key + 1]++ leaves c[0..2^bits] as the offsets. Keys are computed
      // twice rather than kept: a key array would add 4 bytes per hash to the peak.
      const c = prev ? prev.offsets : new Uint32Array((1 << bits) + 2);
      c.fill(0);
      for (const [lo, hi] of ranges) for (let id = lo; id < hi; id++) if (state[id] !== ABSENT) c[bitsAt(hashes, id << 3, start, bits) + 2]!++;
      for (let v = 2; v < c.length; v++) c[v]! += c[v - 1]!;
      if (wide) {
        const out = prev && capacityOf(prev, true) >= n ? prev.ids4 : new Uint32Array(n + slack + 1);
        for (const [lo, hi] of ranges) for (let id = lo; id < hi; id++) if (state[id] !== ABSENT) out[c[bitsAt(hashes, id << 3, start, bits) + 1]!++] = id;
        tables.push({ offsets: c, ids3: new Uint8Array(0), ids4: out });
      } else {
        const out = prev && capacityOf(prev, false) >= n ? prev.ids3 : new Uint8Array((n + slack + 1) * 3);
        for (const [lo, hi] of ranges) {
          for (let id = lo; id < hi; id++) {
            if (state[id] === ABSENT) continue;
            const at = c[bitsAt(hashes, id << 3, start, bits) + 1]!++ * 3;
            out[at] = id;
            out[at + 1] = id >>> 8;
            out[at + 2] = id >>> 16;
          }
        }
        tables.push({ offsets: c, ids3: out, ids4: new Uint32Array(0) });
      }
      if (prev) old[t] = EMPTY_TABLE;
    }
    for (const [lo, hi] of ranges) for (let id = lo; id < hi; id++) if (state[id] !== ABSENT) state[id] = IN_MAIN;
    this.tables = tables;
    this.keyBits = keyBits;
    this.wide = wide;
    this.mainCount = n;
    this.mainDirty = 0;
    this.unmerged = false;
    this.plans.clear();
    this.clearPending();
  }

  /**
   * Folds the pending entries into the tables in place. Per table: find each stale posting in its bucket and close the
   * gaps by moving the runs between them down (copyWithin), then insert the new postings from the back, moving the
   * runs between insertion points up, and finally shift the offsets. The id arrays keep slack for this; a table
   * without enough is reallocated (one at a time). The cost is a few memmoves of each table, not a rebuild.
   */
  private fold(): void {
    const state = this.state;
    // Live pending ids, each once (an id replaced twice has two entries; a removed one is no longer pending).
    const all = new Uint32Array(this.pendingCount + this.unindexedCount);
    all.set(this.pendingId.subarray(0, this.pendingCount));
    all.set(this.unindexed.subarray(0, this.unindexedCount), this.pendingCount);
    all.sort();
    const live: number[] = [];
    for (let i = 0; i < all.length; i++) if ((i === 0 || all[i] !== all[i - 1]) && state[all[i]!] === PENDING) live.push(all[i]!);
    const p = live.length;
    const d = this.mainDirty;
    const wide = this.wide;
    const unit = wide ? 1 : 3;
    const ins = new Float64Array(p);
    const delAt = new Float64Array(d);
    const delKey = new Uint32Array(d);
    const before = this.mainCount;
    const n = before - d + p;
    for (let t = 0; t < this.tables.length; t++) {
      const bits = this.keyBits[t]!;
      const start = MAIN_STARTS[t]!;
      const buckets = 1 << bits;
      const table = this.tables[t]!;
      const offsets = table.offsets;
      let ids: Uint8Array | Uint32Array = wide ? table.ids4 : table.ids3;
      // 1. Cut the stale postings out.
      for (let i = 0; i < d; i++) {
        const id = this.staleIds[i]!;
        const key = bitsAt(this.staleWords, i * 8, start, bits);
        let at = -1;
        for (let j = offsets[key]!; j < offsets[key + 1]! && at < 0; j++) if (postingAt(ids, j, wide) === id) at = j;
        if (at < 0) throw new Error(`Hamming index: stale posting of id ${id} not found (internal error)`);
        delAt[i] = at;
        delKey[i] = key;
      }
      delAt.sort();
      delKey.sort();
      for (let i = 0; i < d; i++) {
        const from = delAt[i]! + 1;
        const to = i + 1 < d ? delAt[i + 1]! : before;
        ids.copyWithin((from - i - 1) * unit, from * unit, to * unit);
      }
      const kept = before - d;
      if (n > capacityOf(table, wide)) {
        const grown: Uint8Array | Uint32Array = wide ? new Uint32Array(n + slackFor(n) + 1) : new Uint8Array((n + slackFor(n) + 1) * 3);
        grown.set(ids.subarray(0, kept * unit));
        ids = grown;
        this.tables[t] = wide ? { offsets, ids3: table.ids3, ids4: grown as Uint32Array } : { offsets, ids3: grown as Uint8Array, ids4: table.ids4 };
      }
      // 2. Insert, from the back; key * 2^28 + id is exact in a double, so one numeric sort orders them by key.
      for (let i = 0; i < p; i++) ins[i] = bitsAt(this.hashes, live[i]! * 8, start, bits) * 2 ** 28 + live[i]!;
      ins.sort();
      let readEnd = kept;
      let writeEnd = n;
      let delBelow = d;
      for (let i = p - 1; i >= 0; i--) {
        const key = Math.floor(ins[i]! / 2 ** 28);
        const id = ins[i]! - key * 2 ** 28;
        // End of bucket `key` once the stale postings are out: its old end less the deletions at or below it.
        while (delBelow > 0 && delKey[delBelow - 1]! > key) delBelow--;
        const runStart = offsets[key + 1]! - delBelow;
        const run = readEnd - runStart;
        ids.copyWithin((writeEnd - run) * unit, runStart * unit, readEnd * unit);
        setPosting(ids, writeEnd - run - 1, id, wide);
        writeEnd -= run + 1;
        readEnd = runStart;
      }
      // 3. Offsets: bucket v starts later by the insertions, earlier by the deletions, of smaller keys.
      let shift = 0;
      for (let v = 0, i = 0, j = 0; v <= buckets; v++) {
        while (i < p && ins[i]! < v * 2 ** 28) {
          i++;
          shift++;
        }
        while (j < d && delKey[j]! < v) {
          j++;
          shift--;
        }
        offsets[v]! += shift;
      }
    }
    for (const id of live) state[id] = IN_MAIN;
    this.mainCount = n;
    this.mainDirty = 0;
    this.plans.clear();
    this.clearPending();
  }

  private clearPending(): void {
    this.pendingCount = 0;
    this.unindexedCount = 0;
    if (this.unindexed.length > PENDING_LIMIT) this.unindexed = new Uint32Array(0);
    if (this.staleIds.length > PENDING_LIMIT * 2) {
      this.staleIds = new Uint32Array(0);
      this.staleWords = new Uint32Array(0);
    }
    for (const head of this.pendingHead) head.fill(-1);
    if (this.pendingId.length > 65536) {
      this.pendingId = new Uint32Array(0);
      this.pendingNext = this.pendingNext.map(() => new Int32Array(0));
    }
  }

  private planOf(radius: number): Plan {
    let plan = this.plans.get(radius);
    if (!plan) {
      plan = planFor(this.keyBits, this.mainCount, radius);
      this.plans.set(radius, plan);
    }
    return plan;
  }

  /** Every stored hash within `radius` (default 31, max 63) of `hash`, nearest first (ties by id); exact. */
  search(hash: string | Hash256Words, radius = 31): IndexHit[] {
    checkRadius(radius);
    if (this.unmerged || this.unindexedCount > 0) this.merge();
    const q = toWords(hash);
    const out: IndexHit[] = [];
    const plan = this.planOf(radius);
    if (!this.tablesOnly && plan.cost >= scanNs(radius) * (this.mainCount + this.pendingCount)) {
      this.scan(q, radius, out);
    } else {
      if (this.mainCount > 0) this.searchMain(q, radius, plan.probe, out);
      if (this.pendingCount > 0) this.searchPending(q, radius, out);
    }
    return finish(out);
  }

  /**
   * Gathers the candidates of every probe, then verifies them. Each step is a short loop of independent loads, so
   * that the CPU keeps many cache misses in flight: (1) the bounds of every probed bucket, (2) one touch of each
   * bucket's first id, (3) the copy of the ids. A loop that did all three per probe waits for each miss in turn.
   */
  private searchMain(q: Hash256Words, radius: number, probe: Int8Array, out: IndexHit[]): void {
    this.verify(q, radius, this.collect(q, probe, 0), out);
  }

  /** Appends the candidates of `q` to `this.cand` from position `n`; returns the new end. */
  private collect(q: Hash256Words, probe: Int8Array, n: number): number {
    let cand = this.cand;
    const wide = this.wide;
    for (let t = 0; t < this.tables.length; t++) {
      const r = probe[t]!;
      if (r < 0) continue;
      const bits = this.keyBits[t]!;
      const masks = probeMasks(bits, r);
      const base = bitsAt(q, 0, MAIN_STARTS[t]!, bits);
      const { offsets, ids3, ids4 } = this.tables[t]!;
      const probes = masks.length;
      if (probes > this.bucketStart.length) {
        this.bucketStart = new Uint32Array(probes);
        this.bucketEnd = new Uint32Array(probes);
      }
      const starts = this.bucketStart;
      const ends = this.bucketEnd;
      for (let i = 0; i < probes; i++) {
        const v = base ^ masks[i]!;
        starts[i] = offsets[v]!;
        ends[i] = offsets[v + 1]!;
      }
      let touched = 0;
      // The id arrays have one padding entry, so an empty last bucket's "first id" is still in bounds.
      if (wide) for (let i = 0; i < probes; i++) touched ^= ids4[starts[i]!]!;
      else for (let i = 0; i < probes; i++) touched ^= ids3[starts[i]! * 3]!;
      this.touched = touched;
      for (let i = 0; i < probes; i++) {
        const s = starts[i]!;
        const e = ends[i]!;
        if (n + (e - s) > cand.length) cand = this.growCandidates(n + (e - s));
        if (wide) {
          for (let j = s; j < e; j++) cand[n++] = ids4[j]!;
        } else {
          for (let j = s * 3; j < e * 3; j += 3) cand[n++] = ids3[j]! | (ids3[j + 1]! << 8) | (ids3[j + 2]! << 16);
        }
      }
    }
    return n;
  }

  private growCandidates(min: number): Uint32Array {
    const cand = new Uint32Array(Math.max(min, this.cand.length * 2));
    cand.set(this.cand);
    this.cand = cand;
    return cand;
  }

  /**
   * Candidates are verified in blocks: one loop first touches the hash of every candidate of the block (independent
   * loads, many misses in flight), then the distances are computed from cache. The distance over the first 128 bits
   * already exceeds the radius for an unrelated hash (mean 64 bits), a branch almost never taken, so most candidates
   * cost one cache line and half the arithmetic. The block stays within what the TLB and L1 hold.
   */
  private verify(q: Hash256Words, radius: number, n: number, out: IndexHit[]): void {
    const cand = this.cand;
    const hashes = this.hashes;
    const state = this.state;
    const pc = POPCOUNT16;
    const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
    for (let b = 0; b < n; b += VERIFY_BLOCK) {
      const end = Math.min(n, b + VERIFY_BLOCK);
      let touched = 0;
      for (let j = b; j < end; j++) touched ^= hashes[cand[j]! << 3]!;
      this.touched = touched;
      for (let j = b; j < end; j++) {
        const id = cand[j]!;
        const o = id << 3;
        let x = hashes[o]! ^ q0;
        let d = pc[x & 0xffff]! + pc[x >>> 16]!;
        x = hashes[o + 1]! ^ q1;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        x = hashes[o + 2]! ^ q2;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        x = hashes[o + 3]! ^ q3;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        if (d > radius) continue;
        x = hashes[o + 4]! ^ q4;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        x = hashes[o + 5]! ^ q5;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        x = hashes[o + 6]! ^ q6;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        x = hashes[o + 7]! ^ q7;
        d += pc[x & 0xffff]! + pc[x >>> 16]!;
        if (d > radius || state[id] === ABSENT) continue;
        out.push({ id, distance: d });
      }
    }
  }

  private searchPending(q: Hash256Words, radius: number, out: IndexHit[]): void {
    let plan = this.pendingPlans.get(radius);
    if (!plan || plan.n > this.pendingCount * 2 || plan.n * 2 < this.pendingCount) {
      plan = { ...planFor(PENDING_WIDTHS, this.pendingCount, radius), n: this.pendingCount };
      this.pendingPlans.set(radius, plan);
    }
    const check = (id: number): void => {
      const d = distanceAt(this.hashes, id * 8, q, radius);
      if (d <= radius && this.state[id] !== ABSENT) out.push({ id, distance: d });
    };
    if (!this.tablesOnly && plan.cost >= scanNs(radius) * this.pendingCount) {
      for (let e = 0; e < this.pendingCount; e++) check(this.pendingId[e]!);
      return;
    }
    for (let t = 0; t < PENDING_WIDTHS.length; t++) {
      const r = plan.probe[t]!;
      if (r < 0) continue;
      const masks = probeMasks(16, r);
      const base = bitsAt(q, 0, PENDING_STARTS[t]!, 16);
      const head = this.pendingHead[t]!;
      const next = this.pendingNext[t]!;
      for (let i = 0; i < masks.length; i++) {
        for (let e = head[base ^ masks[i]!]!; e >= 0; e = next[e]!) check(this.pendingId[e]!);
      }
    }
  }

  /** Linear scan of every present id (what a radius too large for the tables to help costs). */
  private scan(q: Hash256Words, radius: number, out: IndexHit[]): void {
    const state = this.state;
    const hashes = this.hashes;
    for (const [lo, hi] of this.liveRanges()) {
      for (let id = lo; id < hi; id++) {
        if (state[id] === ABSENT) continue;
        const d = distanceAt(hashes, id << 3, q, radius);
        if (d <= radius) out.push({ id, distance: d });
      }
    }
  }

  /**
   * The same exact answers as `search` for many queries at once (ingest of a seized device, a hub re-matching its
   * lists). Queries run one after another on shared scratch: gathering a batch's candidates and verifying them in id
   * order measured slower (the sort costs more than the locality gains at ~5 650 candidates a query). `batchSize` is
   * validated and otherwise kept for compatibility.
   */
  searchMany(queries: (string | Hash256Words)[], radius = 31, batchSize = 64): IndexHit[][] {
    checkRadius(radius);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65535) throw new RangeError(`batchSize must be an integer 1..65535, got ${batchSize}`);
    return queries.map((q) => this.search(q, radius));
  }

  /** Linear scan: the reference the index is tested and benchmarked against. */
  searchBrute(hash: string | Hash256Words, radius = 31): IndexHit[] {
    checkRadius(radius);
    const out: IndexHit[] = [];
    this.scan(toWords(hash), radius, out);
    return out.sort((x, y) => x.distance - y.distance || x.id - y.id);
  }

  /** Writes the index (merged first) so that `load` reads it back without rebuilding. */
  save(path: string): void {
    this.merge();
    const fd = openSync(path, 'w');
    try {
      const put = (view: ArrayBufferView): void => {
        writeSync(fd, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        const pad = (8 - (view.byteLength % 8)) % 8;
        if (pad) writeSync(fd, new Uint8Array(pad));
      };
      put(Buffer.from(MAGIC, 'latin1'));
      put(new Uint32Array([this.span, this.count, this.wide ? 4 : 3, this.tables.length]));
      put(Uint8Array.from(this.keyBits));
      const blocks = Math.ceil(this.span / BLOCK);
      put(Uint8Array.from({ length: blocks }, (_, b) => (this.live[b] ? 1 : 0)));
      for (let b = 0; b < blocks; b++) {
        if (!this.live[b]) continue;
        const lo = b * BLOCK;
        const hi = Math.min(this.span, lo + BLOCK);
        put(this.hashes.subarray(lo * 8, hi * 8));
        put(this.state.subarray(lo, hi));
      }
      for (const [t, table] of this.tables.entries()) {
        put(table.offsets.subarray(0, (1 << this.keyBits[t]!) + 1));
        const n = table.offsets[1 << this.keyBits[t]!]!;
        put(this.wide ? table.ids4.subarray(0, n) : table.ids3.subarray(0, n * 3));
      }
    } finally {
      closeSync(fd);
    }
  }

  static load(path: string, options: HammingIndexOptions = {}): HammingIndex {
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
      if (magic === MAGIC_V1) return loadV1(get, options);
      if (magic !== MAGIC) throw new Error(`${path} is not a Tessera Hamming index file`);
      const [span, count, idBytes, tables] = get(new Uint32Array(4)) as unknown as [number, number, number, number];
      const keyBits = Array.from(get(new Uint8Array(tables)));
      if (tables !== MAIN_WIDTHS.length || keyBits.some((k, t) => k > MAIN_WIDTHS[t]!) || span > MAX_ID + 1 || (idBytes !== 3 && idBytes !== 4)) throw new Error(`${path}: unsupported index layout`);
      const idx = new HammingIndex(options);
      idx.resize(span + (span >>> 1));
      const present = get(new Uint8Array(Math.ceil(span / BLOCK)));
      for (let b = 0; b < present.length; b++) {
        if (!present[b]) continue;
        const lo = b * BLOCK;
        const hi = Math.min(span, lo + BLOCK);
        get(idx.hashes.subarray(lo * 8, hi * 8));
        get(idx.state.subarray(lo, hi));
        let live = 0;
        for (let id = lo; id < hi; id++) if (idx.state[id] !== ABSENT) live++;
        idx.live[b] = live;
      }
      idx.span = span;
      idx.count = count;
      idx.tables = keyBits.map((k) => {
        const offsets = new Uint32Array((1 << k) + 2);
        get(offsets.subarray(0, (1 << k) + 1));
        const n = offsets[1 << k]!;
        if (idBytes === 4) {
          const ids4 = new Uint32Array(n + slackFor(n) + 1);
          get(ids4.subarray(0, n));
          return { offsets, ids3: new Uint8Array(0), ids4 };
        }
        const ids3 = new Uint8Array((n + slackFor(n) + 1) * 3);
        get(ids3.subarray(0, n * 3));
        return { offsets, ids3, ids4: new Uint32Array(0) };
      });
      idx.keyBits = keyBits;
      idx.wide = idBytes === 4;
      idx.mainCount = count;
      return idx;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Version 1 files (16 x 16 tables, 64 Ki-id pages of hashes, each followed by one presence byte per id): the hashes
 * are read and the tables rebuilt in the current layout.
 */
function loadV1(get: <T extends ArrayBufferView>(view: T) => T, options: HammingIndexOptions): HammingIndex {
  const [pages] = get(new Uint32Array(4)) as unknown as [number];
  const present = get(new Uint8Array(pages));
  const ids: number[] = [];
  const words: Uint32Array[] = [];
  const pageWords = new Uint32Array(PAGE_V1 * 8);
  const flags = new Uint8Array(PAGE_V1);
  for (let p = 0; p < pages; p++) {
    if (!present[p]) continue;
    get(pageWords);
    get(flags);
    for (let s = 0; s < PAGE_V1; s++) {
      if (!flags[s]) continue;
      ids.push(p * PAGE_V1 + s);
      words.push(pageWords.slice(s * 8, s * 8 + 8));
    }
  }
  const idx = new HammingIndex(options);
  const flat = new Uint32Array(ids.length * 8);
  words.forEach((w, i) => flat.set(w, i * 8));
  idx.addMany(ids, flat);
  return idx;
}

/** Hamming distance of the stored hash at words[o..o+8) to q, stopping early once it exceeds the radius. */
function distanceAt(words: Uint32Array, o: number, q: Hash256Words, radius: number): number {
  const pc = POPCOUNT16;
  let d = 0;
  for (let k = 0; k < 8 && d <= radius; k++) {
    const x = words[o + k]! ^ q[k]!;
    d += pc[x & 0xffff]! + pc[x >>> 16]!;
  }
  return d;
}

/** Nearest first, ties by id; an id reached through several chunks (or a stale posting and a pending entry) once. */
function finish(out: IndexHit[]): IndexHit[] {
  out.sort((x, y) => x.distance - y.distance || x.id - y.id);
  let w = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i]!.id !== out[w - 1]!.id) out[w++] = out[i]!;
  out.length = w;
  return out;
}
