/**
 * The hub's exact-token index, in memory: the first 8 bytes of every stored token → the seq of the item holding it,
 * in open addressing (linear probing) over three typed arrays — no JS object per token, 12 bytes per slot, about
 * 200 MB for 10 M tokens. It is rebuilt at start from the items table, which holds each item's full tokens; a prefix
 * match is confirmed against them. The same token held by several items occupies several slots.
 *
 * Why not a token index in the database: tokens are uniformly random keys, so every insert into a B-tree keyed by
 * them dirties a random leaf page and every commit writes those pages out again — measured at 10 M tokens in SQLite,
 * that write amplification, not matching, bounded publishing (docs/benchmarks.md, "Hit/no-hit").
 */
const MIN_CAPACITY = 1 << 10;
const MAX_LOAD = 0.7;
const EMPTY = 0;
const TOMBSTONE = 0xffffffff;

export class TokenMap {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** The item seq (1..2^32-2); EMPTY marks a free slot, TOMBSTONE a removed entry probes must walk past. */
  private seqs: Uint32Array;
  private mask: number;
  private used = 0;
  private live = 0;

  constructor(expected = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.seqs = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Entries held (a token held by two items counts twice). */
  get size(): number {
    return this.live;
  }

  get bytes(): number {
    return this.hi.byteLength * 3;
  }

  private static hiOf(token: Uint8Array): number {
    return ((token[0]! << 24) | (token[1]! << 16) | (token[2]! << 8) | token[3]!) >>> 0;
  }

  private static loOf(token: Uint8Array): number {
    return ((token[4]! << 24) | (token[5]! << 16) | (token[6]! << 8) | token[7]!) >>> 0;
  }

  /** Tokens are HMAC outputs, so their bits are already uniform: a cheap mix of the prefix picks the slot. */
  private start(h: number, l: number): number {
    return (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
  }

  private grow(): void {
    const { hi, lo, seqs } = this;
    let capacity = hi.length;
    while (capacity * MAX_LOAD <= this.live * 2 + 1) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.seqs = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.used = 0;
    this.live = 0;
    for (let i = 0; i < hi.length; i++) {
      const s = seqs[i]!;
      if (s !== EMPTY && s !== TOMBSTONE) this.put(hi[i]!, lo[i]!, s);
    }
  }

  private put(h: number, l: number, seq: number): void {
    let i = this.start(h, l);
    while (this.seqs[i] !== EMPTY) i = (i + 1) & this.mask;
    this.hi[i] = h;
    this.lo[i] = l;
    this.seqs[i] = seq;
    this.used++;
    this.live++;
  }

  add(token: Uint8Array, seq: number): void {
    if (!Number.isInteger(seq) || seq <= EMPTY || seq >= TOMBSTONE) throw new RangeError(`item seq out of range: ${seq}`);
    if (this.used + 1 > this.hi.length * MAX_LOAD) this.grow();
    this.put(TokenMap.hiOf(token), TokenMap.loOf(token), seq);
  }

  /** Removes the entry of `token` for item `seq`; false when there is none. */
  remove(token: Uint8Array, seq: number): boolean {
    const h = TokenMap.hiOf(token);
    const l = TokenMap.loOf(token);
    for (let i = this.start(h, l); ; i = (i + 1) & this.mask) {
      const s = this.seqs[i]!;
      if (s === EMPTY) return false;
      if (s === seq && this.hi[i] === h && this.lo[i] === l) {
        this.seqs[i] = TOMBSTONE;
        this.live--;
        return true;
      }
    }
  }

  /** Seqs of the items holding a token with the same first 8 bytes (the caller confirms the full token). */
  find(token: Uint8Array): number[] {
    const h = TokenMap.hiOf(token);
    const l = TokenMap.loOf(token);
    const out: number[] = [];
    for (let i = this.start(h, l); ; i = (i + 1) & this.mask) {
      const s = this.seqs[i]!;
      if (s === EMPTY) return out;
      if (s !== TOMBSTONE && this.hi[i] === h && this.lo[i] === l) out.push(s);
    }
  }
}
