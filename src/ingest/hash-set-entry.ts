/** One entry of a known hash set as the importers produce it, whatever the file format. */
import type { MediaCategory, MediaCategoryScheme } from '../intel/vocabulary.js';

export interface HashSetEntryInput {
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** 64 hex characters, reference order. */
  pdq?: string;
  category: MediaCategory;
  scheme: MediaCategoryScheme;
  /** The code as the source wrote it (kept so nothing an agency graded is lost). */
  code: string;
  series?: string;
  victimIdentified?: boolean;
  /** Fields carried through unchanged (PhotoDNA, offender-identified, tags …). */
  extra?: Record<string, unknown>;
}

export interface ParsedHashSet {
  entries: HashSetEntryInput[];
  /** Entries without any usable digest. */
  skipped: number;
  warnings: string[];
}

const HEX = { md5: /^[0-9a-f]{32}$/, sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/, pdq: /^[0-9a-f]{64}$/ } as const;

/** A digest as lower-case hex when it has the right shape for its kind, else undefined. */
export function cleanDigest(kind: keyof typeof HEX, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return HEX[kind].test(v) ? v : undefined;
}

/** Counts warnings of one kind and reports them once, with the count, instead of once per entry. */
export class WarningTally {
  private readonly counts = new Map<string, number>();
  add(message: string): void {
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  }
  list(): string[] {
    return [...this.counts].map(([m, n]) => (n > 1 ? `${m} (${n} entries)` : m));
  }
}
