import { HammingIndex, type Hash256Words, type IndexHit } from '../../media/index.js';
import { TokenMap } from './token-map.js';

export const TOKEN_BYTES = 32;
export const PDQ_BYTES = 32;
/** Near-duplicate threshold of DESIGN §7, unchanged by the keyed transform (it preserves distances). */
export const NEAR_RADIUS = 31;

/** What the hub's PDQ search needs from an index: exact radius search over 256-bit hashes keyed by item seq. */
export interface NearIndex {
  readonly size: number;
  add(id: number, hash: Hash256Words): void;
  addMany(ids: ArrayLike<number>, hashes: Uint32Array, options?: { deferMerge?: boolean }): void;
  /** Makes hashes added with deferMerge searchable. */
  merge(): void;
  remove(id: number): boolean;
  search(hash: Hash256Words, radius: number): IndexHit[];
}

export interface IndexedItem {
  seq: number;
  agencyId: string;
  epoch: number;
  tokens: Buffer;
  pdq: Buffer | null;
}

export function pdqToWords(bytes: Uint8Array): Hash256Words {
  const words = new Uint32Array(8);
  for (let k = 0; k < 8; k++) words[k] = ((bytes[4 * k]! << 24) | (bytes[4 * k + 1]! << 16) | (bytes[4 * k + 2]! << 8) | bytes[4 * k + 3]!) >>> 0;
  return words;
}

export function wordsToPdq(words: Hash256Words): Buffer {
  const out = Buffer.alloc(PDQ_BYTES);
  for (let k = 0; k < 8; k++) out.writeUInt32BE(words[k]! >>> 0, 4 * k);
  return out;
}

export function splitTokens(tokens: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o + TOKEN_BYTES <= tokens.length; o += TOKEN_BYTES) out.push(tokens.subarray(o, o + TOKEN_BYTES));
  return out;
}

/** A growable Int32 column indexed by item seq (no object per item). */
class SeqColumn {
  private data = new Int32Array(1024);
  get(seq: number): number {
    return seq < this.data.length ? this.data[seq]! : 0;
  }
  set(seq: number, value: number): void {
    if (seq >= this.data.length) {
      let n = this.data.length;
      while (n <= seq) n *= 2;
      const next = new Int32Array(n);
      next.set(this.data);
      this.data = next;
    }
    this.data[seq] = value;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

/**
 * The hub's matching memory, rebuilt from the database at start: the exact-token map, the PDQ index and, per item
 * seq, its agency (as a small number) and epoch, so that candidates of the caller's own agency or of another epoch
 * are dropped before the database is asked about them. The database stays the truth: every candidate is confirmed
 * there, so an entry that is stale here (another hub process removed it) costs a query, never a wrong hit.
 */
export class HubIndex {
  readonly exact: TokenMap;
  readonly near: NearIndex;
  private agencyNumbers = new Map<string, number>();
  private agencyOf = new SeqColumn();
  private epochOf = new SeqColumn();
  /** Highest item seq taken in (the cursor for catching up with other hub processes). */
  maxSeq = 0;
  items = 0;

  constructor(options: { expectedTokens?: number; near?: NearIndex } = {}) {
    this.exact = new TokenMap(options.expectedTokens ?? 0);
    this.near = options.near ?? new HammingIndex();
  }

  agencyNumber(agencyId: string): number {
    let n = this.agencyNumbers.get(agencyId);
    if (n === undefined) {
      n = this.agencyNumbers.size + 1;
      this.agencyNumbers.set(agencyId, n);
    }
    return n;
  }

  add(item: IndexedItem): void {
    this.agencyOf.set(item.seq, this.agencyNumber(item.agencyId));
    this.epochOf.set(item.seq, item.epoch);
    for (const t of splitTokens(item.tokens)) this.exact.add(t, item.seq);
    if (item.pdq) this.near.add(item.seq, pdqToWords(item.pdq));
    if (item.seq > this.maxSeq) this.maxSeq = item.seq;
    this.items++;
  }

  /** Bulk load at start, page by page; `finishLoad` merges the PDQ index once at the end. */
  addMany(items: IndexedItem[]): void {
    const ids: number[] = [];
    const words: Uint32Array[] = [];
    for (const item of items) {
      this.agencyOf.set(item.seq, this.agencyNumber(item.agencyId));
      this.epochOf.set(item.seq, item.epoch);
      for (const t of splitTokens(item.tokens)) this.exact.add(t, item.seq);
      if (item.pdq) {
        ids.push(item.seq);
        words.push(pdqToWords(item.pdq));
      }
      if (item.seq > this.maxSeq) this.maxSeq = item.seq;
      this.items++;
    }
    if (ids.length > 0) {
      const flat = new Uint32Array(ids.length * 8);
      words.forEach((w, i) => flat.set(w, i * 8));
      this.near.addMany(ids, flat, { deferMerge: true });
    }
  }

  finishLoad(): void {
    this.near.merge();
  }

  remove(item: { seq: number; tokens: Buffer; pdq: Buffer | null }): void {
    if (this.agencyOf.get(item.seq) === 0) return;
    for (const t of splitTokens(item.tokens)) this.exact.remove(t, item.seq);
    if (item.pdq) this.near.remove(item.seq);
    this.agencyOf.set(item.seq, 0);
    this.items--;
  }

  /** Whether an item seq may be a match for `agencyId` at `epoch` (another agency, same epoch, still held). */
  candidate(seq: number, agencyId: string, epoch: number): boolean {
    const a = this.agencyOf.get(seq);
    return a !== 0 && a !== this.agencyNumbers.get(agencyId) && this.epochOf.get(seq) === epoch;
  }

  /** Items of other agencies at this epoch holding a token with this one's first 8 bytes (confirm the rest). */
  exactCandidates(token: Uint8Array, agencyId: string, epoch: number): number[] {
    return this.exact.find(token).filter((seq) => this.candidate(seq, agencyId, epoch));
  }

  nearCandidates(pdq: Uint8Array, agencyId: string, epoch: number): IndexHit[] {
    return this.near.search(pdqToWords(pdq), NEAR_RADIUS).filter((h) => this.candidate(h.id, agencyId, epoch));
  }

  /** Approximate bytes held by the typed arrays (the index's own accounting plus ours). */
  get bytes(): number {
    return this.exact.bytes + this.agencyOf.bytes + this.epochOf.bytes;
  }
}
