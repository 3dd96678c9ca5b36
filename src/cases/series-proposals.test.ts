import { describe, expect, it } from 'vitest';
import { computeProposals, pairwiseScores, proposalKey, type ProposalItem } from './series-proposals.js';

/** A 64-hex hash from a seed, and copies of it with `flips` bits changed. */
function hash(seed: number): string {
  let x = seed * 2654435761;
  let s = '';
  for (let i = 0; i < 64; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += ((x >>> 16) & 15).toString(16);
  }
  return s;
}
function flip(hex: string, bits: number[]): string {
  const b = hex.split('').map((c) => parseInt(c, 16));
  for (const bit of bits) b[Math.floor(bit / 4)] = b[Math.floor(bit / 4)]! ^ (1 << bit % 4);
  return b.map((v) => v.toString(16)).join('');
}
const item = (mediaId: string, over: Partial<ProposalItem> = {}): ProposalItem => ({ mediaId, pdq: null, cameraSerial: null, tags: [], setSeries: [], seriesId: null, ...over });

describe('series proposals', () => {
  const h1 = hash(1);
  const h2 = hash(2);

  it('groups near-duplicates within the radius and no further', () => {
    const items = [item('a', { pdq: h1 }), item('b', { pdq: flip(h1, [1, 9, 20, 77, 130]) }), item('c', { pdq: flip(h1, Array.from({ length: 40 }, (_, i) => i * 6)) }), item('d', { pdq: h2 })];
    const [p, ...rest] = computeProposals(items);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ kind: 'new', bases: ['near-duplicate'], mediaIds: ['a', 'b'], evidence: { maxDistance: 5 } });
  });

  it('one proposal for a group that several grounds agree on; separate ones where they differ', () => {
    const items = [item('a', { cameraSerial: 'SN1', tags: ['blue room'] }), item('b', { cameraSerial: ' sn1', tags: ['Blue Room'] }), item('c', { tags: ['blue room'] })];
    const proposals = computeProposals(items);
    expect(proposals.map((p) => [p.bases, p.mediaIds])).toEqual([
      [['tag'], ['a', 'b', 'c']],
      [['camera-serial'], ['a', 'b']],
    ]);
    const same = computeProposals([item('a', { cameraSerial: 'SN1', tags: ['x'] }), item('b', { cameraSerial: 'SN1', tags: ['x'] })]);
    expect(same).toHaveLength(1);
    expect(same[0]!.bases).toEqual(['camera-serial', 'tag']);
    expect(same[0]!.evidence).toEqual({ cameraSerial: 'SN1', tag: 'x' });
  });

  it('extends a series its group touches, merges series a group spans, and skips a group already in one series', () => {
    const items = [item('a', { tags: ['t'], seriesId: 'S1' }), item('b', { tags: ['t'] }), item('c', { tags: ['u'], seriesId: 'S1' }), item('d', { tags: ['u'], seriesId: 'S2' }), item('e', { tags: ['v'], seriesId: 'S1' }), item('f', { tags: ['v'], seriesId: 'S1' })];
    const byTag = new Map(computeProposals(items).map((p) => [p.evidence.tag, p]));
    expect(byTag.get('t')).toMatchObject({ kind: 'extend', mediaIds: ['b'], seriesIds: ['S1'] });
    expect(byTag.get('u')).toMatchObject({ kind: 'merge', mediaIds: [], seriesIds: ['S1', 'S2'] });
    expect(byTag.has('v')).toBe(false);
  });

  it('keeps a hash set’s victim-identified flag and links crops given from outside', () => {
    const items = [item('a', { setSeries: [{ name: 'Blue', victimIdentified: true }] }), item('b', { setSeries: [{ name: 'blue', victimIdentified: null }] }), item('c'), item('d')];
    const proposals = computeProposals(items, { cropPairs: [{ a: 'c', b: 'd' }] });
    expect(proposals.find((p) => p.bases.includes('hash-set'))).toMatchObject({ mediaIds: ['a', 'b'], evidence: { setSeries: 'Blue', victimIdentified: true } });
    expect(proposals.find((p) => p.bases.includes('near-duplicate'))).toMatchObject({ mediaIds: ['c', 'd'], evidence: { croppedLinks: 1 } });
  });

  it('does not propose a camera or tag that covers a whole roll', () => {
    const items = Array.from({ length: 6 }, (_, i) => item(`m${i}`, { cameraSerial: 'SN9' }));
    expect(computeProposals(items, { maxGroup: 5 })).toEqual([]);
  });

  it('keys proposals by kind, members and series, whatever their order', () => {
    expect(proposalKey('new', ['b', 'a'], [])).toBe(proposalKey('new', ['a', 'b'], []));
    expect(proposalKey('new', ['a', 'b'], [])).not.toBe(proposalKey('extend', ['a', 'b'], ['S']));
  });

  it('scores pairwise precision and recall', () => {
    const truth = new Map([['a', 'x'], ['b', 'x'], ['c', 'x'], ['d', 'y'], ['e', 'z']]);
    expect(pairwiseScores([['a', 'b'], ['d', 'e']], truth)).toMatchObject({ predictedPairs: 2, correctPairs: 1, truePairs: 3, precision: 0.5 });
    expect(pairwiseScores([['a', 'b', 'c']], truth)).toMatchObject({ precision: 1, recall: 1 });
  });
});
