import { describe, expect, it } from 'vitest';
import { compareVersions, type ComparableVersion } from './assessment-compare.js';
import type { SnapshotItem } from './assessment-evidence.js';

const item = (id: string, enabled = true, events = 10): SnapshotItem => ({ id, kind: 'activity', origin: 'posts', label: id, enabled, detail: { events }, sources: [], sourceCount: events });

function version(n: number, evidence: SnapshotItem[], countries: [string, number][], credibleSet: string[]): ComparableVersion {
  return {
    summary: { version: n, reason: 'edited', createdAt: 't', createdBy: 'u', top: { code: countries[0]![0], name: countries[0]![0], probability: countries[0]![1] }, credibleSet, items: evidence.length, enabledItems: evidence.filter((e) => e.enabled).length },
    evidence,
    countries: countries.map(([code, probability]) => ({ code, name: code, probability })),
    credibleSet,
    summaries: new Map(evidence.map((e) => [e.id, `summary of ${e.id} v${n}`])),
  };
}

describe('comparing two versions', () => {
  it('says which items were added, removed, switched and changed, and how the countries moved', () => {
    const from = version(1, [item('a'), item('b'), item('c'), item('d')], [['PT', 0.6], ['GB', 0.3], ['ES', 0.1]], ['PT', 'GB']);
    const to = version(2, [item('a'), item('b', false), item('c', true, 12), item('e')], [['GB', 0.5], ['PT', 0.45], ['FR', 0.05]], ['GB', 'PT', 'FR']);
    const c = compareVersions(from, to);
    expect(c.evidence.map((e) => [e.id, e.change])).toEqual([
      ['b', 'switched-off'],
      ['c', 'changed'],
      ['e', 'added'],
      ['d', 'removed'],
    ]);
    expect(c.evidence.find((e) => e.id === 'c')).toMatchObject({ from: 'summary of c v1', to: 'summary of c v2' });
    expect(c.evidence.find((e) => e.id === 'd')).toMatchObject({ from: 'summary of d v1', to: null });
    expect(c.countries.map((x) => x.code)).toEqual(['GB', 'PT', 'ES', 'FR']);
    expect(c.countries[0]!.change).toBeCloseTo(0.2);
    expect(c.credibleSet).toEqual({ added: ['FR'], removed: [], kept: ['GB', 'PT'] });
  });

  it('finds nothing to report between identical versions', () => {
    const v = version(1, [item('a')], [['PT', 1]], ['PT']);
    const c = compareVersions(v, { ...v, summary: { ...v.summary, version: 2 } });
    expect(c.evidence).toEqual([]);
    expect(c.countries.every((x) => x.change === 0)).toBe(true);
  });
});
