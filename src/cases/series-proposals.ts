/**
 * Series proposals (issue 9): which media of a case may show the same victim or scene. Pure: the service loads the
 * case's items and stores what this returns; the specialist accepts, dismisses or reshapes each proposal.
 *
 * Four independent kinds of evidence, each giving groups of its own (connected components):
 * - near-duplicate: PDQ hashes within the matching radius in any of the eight orientations (a mirrored or rotated
 *   copy counts), plus the near-duplicate pairs ingest recorded (videos among them);
 * - camera-serial: the same camera body serial number in the metadata;
 * - tag: the same analyst tag ("blue curtains", "room 2");
 * - hash-set: the same series name in a known hash set the media matched (a VICS file from another agency).
 * A group whose members are already in one series becomes an "extend" proposal for the rest; a group spanning several
 * series becomes a "merge" proposal. Groups of identical members from several kinds of evidence are one proposal.
 */
import { createHash } from 'node:crypto';
import { HammingIndex } from '../media/hamming-index.js';
import { PDQ_MATCH_DISTANCE } from '../media/pdq.js';
import { pdqOrientations } from './series-orientations.js';

export const PROPOSAL_BASES = ['near-duplicate', 'camera-serial', 'tag', 'hash-set'] as const;
export type ProposalBasis = (typeof PROPOSAL_BASES)[number];

export const PROPOSAL_KINDS = ['new', 'extend', 'merge'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export interface ProposalItem {
  mediaId: string;
  /** Only hashes good enough to match on (quality >= 50). */
  pdq: string | null;
  cameraSerial: string | null;
  tags: readonly string[];
  /** Series names given by known hash sets this item matched, with their victim-identified flag. */
  setSeries: readonly { name: string; victimIdentified: boolean | null }[];
  /** The series of the case it is in already. */
  seriesId: string | null;
}

export interface ProposalEvidence {
  /** Largest PDQ distance on the links that hold the group together (near-duplicate). */
  maxDistance?: number;
  /** Links found only through a rotated or mirrored orientation. */
  orientedLinks?: number;
  /** Links where one picture is a crop of the other (found by correlation, not PDQ). */
  croppedLinks?: number;
  cameraSerial?: string;
  tag?: string;
  setSeries?: string;
  /** A hash set says the victim of this series was identified. */
  victimIdentified?: boolean;
}

export interface ComputedProposal {
  key: string;
  kind: ProposalKind;
  bases: ProposalBasis[];
  evidence: ProposalEvidence;
  /** Every member, assigned or not (sorted). */
  members: string[];
  /** Members not in a series yet: what accepting adds. */
  mediaIds: string[];
  seriesIds: string[];
}

export interface ProposalOptions {
  radius?: number;
  /** Near-duplicate pairs recorded elsewhere (ingest's table), by media id. */
  nearPairs?: readonly { a: string; b: string; distance: number }[];
  /** Pairs where one picture is a crop of the other (series-crop-links.ts). */
  cropPairs?: readonly { a: string; b: string }[];
  /** Groups larger than this from a camera serial or tag are not proposed (a phone's whole roll is not a series). */
  maxGroup?: number;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[x] !== r) {
      const next = this.parent[x]!;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  groups(): number[][] {
    const by = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      const r = this.find(i);
      const g = by.get(r);
      if (g) g.push(i);
      else by.set(r, [i]);
    }
    return [...by.values()].filter((g) => g.length > 1);
  }
}

interface Group {
  basis: ProposalBasis;
  members: number[];
  evidence: ProposalEvidence;
}

/** Runs a step generator to its end. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

function* nearDuplicateLinks(items: readonly ProposalItem[], radius: number, pairs: ProposalOptions['nearPairs'], cropPairs: ProposalOptions['cropPairs']) {
  const uf = new UnionFind(items.length);
  const index = new HammingIndex();
  items.forEach((it, i) => {
    if (it.pdq) index.add(i, it.pdq);
  });
  index.merge();
  const linkDistance = new Map<string, { distance: number; oriented: boolean }>();
  const link = (a: number, b: number, distance: number, oriented: boolean) => {
    if (a === b) return;
    const k = a < b ? `${a}:${b}` : `${b}:${a}`;
    const prev = linkDistance.get(k);
    if (!prev || distance < prev.distance || (distance === prev.distance && prev.oriented && !oriented)) linkDistance.set(k, { distance, oriented });
    uf.union(a, b);
  };
  for (const [i, it] of items.entries()) {
    if (i % 64 === 63) yield;
    if (!it.pdq) continue;
    pdqOrientations(it.pdq).forEach((variant, orientation) => {
      for (const hit of index.search(variant, radius)) link(i, hit.id, hit.distance, orientation !== 0);
    });
  }
  const at = new Map(items.map((it, i) => [it.mediaId, i]));
  for (const p of pairs ?? []) {
    const a = at.get(p.a);
    const b = at.get(p.b);
    if (a !== undefined && b !== undefined) link(a, b, p.distance, false);
  }
  const cropped = new Map<number, number>();
  for (const p of cropPairs ?? []) {
    const a = at.get(p.a);
    const b = at.get(p.b);
    if (a === undefined || b === undefined) continue;
    uf.union(a, b);
    cropped.set(a, (cropped.get(a) ?? 0) + 1);
  }
  return { uf, linkDistance, cropped };
}

/** The near-duplicate group of each item (an id shared by the group), before crops are looked for. */
export function nearDuplicateComponents(items: readonly ProposalItem[], options: ProposalOptions = {}): string[] {
  return drain(nearDuplicateComponentSteps(items, options));
}

export function* nearDuplicateComponentSteps(items: readonly ProposalItem[], options: ProposalOptions = {}): Generator<void, string[]> {
  const { uf } = yield* nearDuplicateLinks(items, options.radius ?? PDQ_MATCH_DISTANCE, options.nearPairs, undefined);
  return items.map((_, i) => items[uf.find(i)]!.mediaId);
}

function* nearDuplicateGroups(items: readonly ProposalItem[], radius: number, pairs: ProposalOptions['nearPairs'], cropPairs: ProposalOptions['cropPairs']): Generator<void, Group[]> {
  const { uf, linkDistance, cropped } = yield* nearDuplicateLinks(items, radius, pairs, cropPairs);
  const root = (k: string) => uf.find(Number(k.slice(0, k.indexOf(':'))));
  const stats = new Map<number, { max: number; links: number; oriented: number; cropped: number }>();
  const statOf = (r: number) => stats.get(r) ?? (stats.set(r, { max: 0, links: 0, oriented: 0, cropped: 0 }), stats.get(r)!);
  for (const [k, v] of linkDistance) {
    const s = statOf(root(k));
    s.max = Math.max(s.max, v.distance);
    s.links++;
    if (v.oriented) s.oriented++;
  }
  for (const [i, n] of cropped) statOf(uf.find(i)).cropped += n;
  return uf.groups().map((members) => {
    const s = statOf(uf.find(members[0]!));
    return {
      basis: 'near-duplicate' as const,
      members,
      evidence: { ...(s.links ? { maxDistance: s.max } : {}), ...(s.oriented ? { orientedLinks: s.oriented } : {}), ...(s.cropped ? { croppedLinks: s.cropped } : {}) },
    };
  });
}

function sameValueGroups(items: readonly ProposalItem[], basis: ProposalBasis, values: (it: ProposalItem) => readonly string[], maxGroup: number): Group[] {
  const by = new Map<string, { label: string; members: number[] }>();
  items.forEach((it, i) => {
    for (const raw of values(it)) {
      const label = raw.trim();
      if (!label) continue;
      const k = label.toLowerCase();
      const g = by.get(k);
      if (g) {
        if (!g.members.includes(i)) g.members.push(i);
      } else by.set(k, { label, members: [i] });
    }
  });
  return [...by.values()]
    .filter((g) => g.members.length > 1 && g.members.length <= maxGroup)
    .map((g) => {
      const evidence: ProposalEvidence =
        basis === 'camera-serial' ? { cameraSerial: g.label } : basis === 'tag' ? { tag: g.label } : { setSeries: g.label };
      if (basis === 'hash-set') {
        const flags = g.members.flatMap((i) => items[i]!.setSeries.filter((s) => s.name.trim().toLowerCase() === g.label.toLowerCase()).map((s) => s.victimIdentified));
        if (flags.some((f) => f === true)) evidence.victimIdentified = true;
      }
      return { basis, members: g.members.sort((a, b) => a - b), evidence };
    });
}

export function proposalKey(kind: ProposalKind, mediaIds: readonly string[], seriesIds: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, [...mediaIds].sort(), [...seriesIds].sort()]))
    .digest('hex');
}

/** Proposals for the case's items, largest first. Deterministic for the same input. */
export function computeProposals(items: readonly ProposalItem[], options: ProposalOptions = {}): ComputedProposal[] {
  return drain(computeProposalSteps(items, options));
}

/** The same, in steps (it yields every few dozen items) for callers that share the event loop. */
export function* computeProposalSteps(items: readonly ProposalItem[], options: ProposalOptions = {}): Generator<void, ComputedProposal[]> {
  const radius = options.radius ?? PDQ_MATCH_DISTANCE;
  const maxGroup = options.maxGroup ?? 5000;
  const groups: Group[] = [
    ...(yield* nearDuplicateGroups(items, radius, options.nearPairs, options.cropPairs)),
    ...sameValueGroups(items, 'camera-serial', (it) => (it.cameraSerial ? [it.cameraSerial] : []), maxGroup),
    ...sameValueGroups(items, 'tag', (it) => it.tags, maxGroup),
    ...sameValueGroups(items, 'hash-set', (it) => it.setSeries.map((s) => s.name), maxGroup),
  ];
  const byKey = new Map<string, ComputedProposal>();
  for (const g of groups) {
    const members = g.members.map((i) => items[i]!);
    const seriesIds = [...new Set(members.map((m) => m.seriesId).filter((s): s is string => s !== null))].sort();
    const mediaIds = members.filter((m) => m.seriesId === null).map((m) => m.mediaId).sort();
    let kind: ProposalKind;
    if (seriesIds.length === 0) kind = 'new';
    else if (seriesIds.length === 1) {
      if (mediaIds.length === 0) continue;
      kind = 'extend';
    } else kind = 'merge';
    const key = proposalKey(kind, mediaIds, seriesIds);
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.bases.includes(g.basis)) existing.bases.push(g.basis);
      Object.assign(existing.evidence, g.evidence);
      continue;
    }
    byKey.set(key, { key, kind, bases: [g.basis], evidence: { ...g.evidence }, members: members.map((m) => m.mediaId).sort(), mediaIds, seriesIds });
  }
  return [...byKey.values()].sort((a, b) => b.members.length - a.members.length || (a.key < b.key ? -1 : 1));
}

/** Pairwise precision and recall of predicted groups against known groups (both as lists of member ids). */
export function pairwiseScores(predicted: readonly (readonly string[])[], truth: ReadonlyMap<string, string>): { precision: number; recall: number; predictedPairs: number; truePairs: number; correctPairs: number } {
  const pairs = new Set<string>();
  for (const group of predicted) {
    const g = [...new Set(group)].sort();
    for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) pairs.add(`${g[i]}\u0000${g[j]}`);
  }
  let correct = 0;
  for (const p of pairs) {
    const [a, b] = p.split('\u0000') as [string, string];
    if (truth.get(a) !== undefined && truth.get(a) === truth.get(b)) correct++;
  }
  const sizes = new Map<string, number>();
  for (const label of truth.values()) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  let truePairs = 0;
  for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2;
  return {
    precision: pairs.size ? correct / pairs.size : 1,
    recall: truePairs ? correct / truePairs : 1,
    predictedPairs: pairs.size,
    truePairs,
    correctPairs: correct,
  };
}
