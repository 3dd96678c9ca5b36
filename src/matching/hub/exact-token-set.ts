/**
 * The hub's in-memory filter for exact tokens: a multiset of the first 8 bytes of every stored token, in open
 * addressing (linear probing) over three typed arrays — no JS object per token, 12 bytes per slot, about 200 MB for
 * 10 M tokens. A token whose prefix is absent cannot be stored (the common case: most tokens match nothing), so the
 * database is asked only about tokens whose prefix is present; it holds the full tokens and has the last word.
 */
const MIN_CAPACITY = 1 << 10;
const MAX_LOAD = 0.7;

export class ExactTokenSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** 0 with a non-zero key is a tombstone (a removed entry other probes must walk past). */
  private counts: Uint32Array;
  private mask: number;
  private used = 0;
  private live = 0;
  private total = 0;

  constructor(expected = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.counts = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Tokens held (with multiplicity). */
  get size(): number {
    return this.total;
  }

  get bytes(): number {
    return this.hi.byteLength * 3;
  }

  private static keyOf(token: Uint8Array): [number, number] {
    const h = ((token[0]! << 24) | (token[1]! << 16) | (token[2]! << 8) | token[3]!) >>> 0;
    let l = ((token[4]! << 24) | (token[5]! << 16) | (token[6]! << 8) | token[7]!) >>> 0;
    // (0, 0) marks an empty slot; a token with that prefix shares the slot of (0, 1) — harmless in a filter.
    if (h === 0 && l === 0) l = 1;
    return [h, l];
  }

  /** Tokens are HMAC outputs, so their bits are already uniform: the low word picks the slot. */
  private find(h: number, l: number): number {
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (;;) {
      const sh = this.hi[i]!;
      const sl = this.lo[i]!;
      if (sh === 0 && sl === 0) return -1 - i;
      if (sh === h && sl === l) return i;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { hi, lo, counts } = this;
    let capacity = hi.length;
    while (capacity * MAX_LOAD <= this.live * 2 + 1) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.counts = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.used = 0;
    for (let i = 0; i < hi.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      const slot = -1 - this.find(hi[i]!, lo[i]!);
      this.hi[slot] = hi[i]!;
      this.lo[slot] = lo[i]!;
      this.counts[slot] = c;
      this.used++;
    }
  }

  add(token: Uint8Array): void {
    const [h, l] = ExactTokenSet.keyOf(token);
    let i = this.find(h, l);
    if (i >= 0) {
      if (this.counts[i] === 0) this.live++;
      this.counts[i]!++;
      this.total++;
      return;
    }
    if ((this.used + 1) > this.hi.length * MAX_LOAD) {
      this.grow();
      i = this.find(h, l);
    }
    const slot = -1 - i;
    this.hi[slot] = h;
    this.lo[slot] = l;
    this.counts[slot] = 1;
    this.used++;
    this.live++;
    this.total++;
  }

  /** Removes one occurrence; returns false when the prefix was not held. */
  remove(token: Uint8Array): boolean {
    const [h, l] = ExactTokenSet.keyOf(token);
    const i = this.find(h, l);
    if (i < 0 || this.counts[i] === 0) return false;
    this.counts[i]!--;
    this.total--;
    if (this.counts[i] === 0) this.live--;
    return true;
  }

  /** False means no stored token equals this one; true means the database may hold it. */
  mayContain(token: Uint8Array): boolean {
    const [h, l] = ExactTokenSet.keyOf(token);
    const i = this.find(h, l);
    return i >= 0 && this.counts[i]! > 0;
  }
}
