/** Two versions of a location assessment side by side: how the countries moved and which evidence differs. */
import type { Comparison, VersionSummary } from './assessment-schemas.js';
import type { SnapshotItem } from './assessment-evidence.js';

export interface ComparableVersion {
  summary: VersionSummary;
  evidence: SnapshotItem[];
  countries: { code: string; name: string; probability: number }[];
  credibleSet: string[];
  /** The engine's summary per item id. */
  summaries: Map<string, string>;
}

const TOP = 10;

export function compareVersions(from: ComparableVersion, to: ComparableVersion): Comparison {
  const pFrom = new Map(from.countries.map((c) => [c.code, c]));
  const pTo = new Map(to.countries.map((c) => [c.code, c]));
  const codes = new Set([...from.countries.slice(0, TOP), ...to.countries.slice(0, TOP)].map((c) => c.code));
  const countries = [...codes]
    .map((code) => {
      const a = pFrom.get(code)?.probability ?? 0;
      const b = pTo.get(code)?.probability ?? 0;
      return { code, name: (pTo.get(code) ?? pFrom.get(code))!.name, from: a, to: b, change: b - a };
    })
    .sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || y.to - x.to);

  const before = new Set(from.credibleSet);
  const after = new Set(to.credibleSet);
  const credibleSet = {
    added: to.credibleSet.filter((c) => !before.has(c)),
    removed: from.credibleSet.filter((c) => !after.has(c)),
    kept: to.credibleSet.filter((c) => before.has(c)),
  };

  const older = new Map(from.evidence.map((e) => [e.id, e]));
  const newer = new Map(to.evidence.map((e) => [e.id, e]));
  const evidence: Comparison['evidence'] = [];
  for (const e of to.evidence) {
    const was = older.get(e.id);
    const summaryTo = to.summaries.get(e.id) ?? null;
    if (!was) {
      evidence.push({ id: e.id, kind: e.kind, label: e.label, change: 'added', from: null, to: summaryTo });
      continue;
    }
    const summaryFrom = from.summaries.get(e.id) ?? null;
    if (was.enabled !== e.enabled) evidence.push({ id: e.id, kind: e.kind, label: e.label, change: e.enabled ? 'switched-on' : 'switched-off', from: summaryFrom, to: summaryTo });
    else if (JSON.stringify(was.detail) !== JSON.stringify(e.detail) || was.sourceCount !== e.sourceCount || was.label !== e.label) {
      evidence.push({ id: e.id, kind: e.kind, label: e.label, change: 'changed', from: summaryFrom, to: summaryTo });
    }
  }
  for (const e of from.evidence) {
    if (!newer.has(e.id)) evidence.push({ id: e.id, kind: e.kind, label: e.label, change: 'removed', from: from.summaries.get(e.id) ?? null, to: null });
  }
  return { from: from.summary, to: to.summary, countries, credibleSet, evidence };
}
