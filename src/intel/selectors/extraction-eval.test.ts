/**
 * Precision and recall of extractSelectors over two labelled sets in test/fixtures/selectors/:
 *   - labelled.jsonl (293 snippets, 40% of them tricky negatives), written together with the grammar: it shows the
 *     grammar does what docs/selectors.md says, and guards it against regressions;
 *   - held-out.jsonl (85 snippets), written after the code was first frozen, labelled with what an analyst would
 *     want extracted even where the documented grammar does not reach (see HELD_OUT_FLOORS for its history).
 * An extracted item counts as a true positive only when its type, normalised value and validity all equal a label
 * of its snippet.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js';
import values from '../../../test/fixtures/selectors/values.json' with { type: 'json' };
import { extractSelectors } from './extract.js';
import type { ExtractOptions } from './types.js';

interface Case {
  text: string;
  region?: CountryCode;
  platform?: string;
  expect: [string, string, boolean?][];
}

const v = values as Record<string, string>;
const fill = (s: string): string =>
  s.replace(/\$\{([\w.]+)\}/g, (_m, key: string) => {
    const value = v[key];
    if (value === undefined) throw new Error(`unknown fixture value ${key}`);
    return value;
  });

const load = (name: string): Case[] =>
  readFileSync(new URL(`../../../test/fixtures/selectors/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case)
    .map((c) => ({ ...c, text: fill(c.text), expect: c.expect.map(([t, n, ok]) => [t, fill(n), ok] as Case['expect'][number]) }));
const cases = load('labelled.jsonl');
const heldOut = load('held-out.jsonl');

interface Score {
  tp: number;
  fp: number;
  fn: number;
}
const key = (type: string, normalised: string, valid: boolean): string => `${type}|${normalised}|${valid}`;

function evaluate(
  extra: Partial<ExtractOptions> = {},
  set: Case[] = cases,
): { total: Score; byType: Map<string, Score>; misses: string[] } {
  const total: Score = { tp: 0, fp: 0, fn: 0 };
  const byType = new Map<string, Score>();
  const misses: string[] = [];
  const bump = (type: string, field: keyof Score): void => {
    total[field]++;
    const s = byType.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    s[field]++;
    byType.set(type, s);
  };
  for (const c of set) {
    const found = extractSelectors(c.text, { defaultRegion: c.region, defaultPlatform: c.platform, ...extra });
    const expected = new Map<string, number>();
    for (const [t, n, ok] of c.expect) expected.set(key(t, n, ok ?? true), (expected.get(key(t, n, ok ?? true)) ?? 0) + 1);
    for (const s of found) {
      const k = key(s.type, s.normalised, s.valid);
      const left = expected.get(k) ?? 0;
      if (left > 0) {
        expected.set(k, left - 1);
        bump(s.type, 'tp');
      } else {
        bump(s.type, 'fp');
        misses.push(`FP ${k}  in  ${JSON.stringify(c.text)}`);
      }
    }
    for (const [k, left] of expected) {
      for (let i = 0; i < left; i++) {
        bump(k.split('|')[0] ?? '', 'fn');
        misses.push(`FN ${k}  in  ${JSON.stringify(c.text)}`);
      }
    }
  }
  return { total, byType, misses };
}

/**
 * The first, blind run on the held-out set measured precision 96.4% and recall 79.1%. Its misses then led to six
 * grammar additions (Reddit u/name, WhatsApp links, "Twitter/X:", "TG is @name", t.me/s/name, ssh user@IPv4,
 * "@everyone"/"@here", "updated to a.b.c.d"), after which it measures 100% / 92.6%; those figures are no longer
 * blind, hence floors with some room. What it still misses is out of scope by design (docs/selectors.md):
 * defanged URLs, bare domains, handles named in prose without "@" or "platform:".
 */
const HELD_OUT_FLOORS = { precision: 0.95, recall: 0.9 };

const precision = (s: Score): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
const recall = (s: Score): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

describe('extraction quality on the labelled set', () => {
  it('has at least 200 labelled snippets, many of them negatives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThanOrEqual(80);
  });

  const report = (title: string, set: Case[]): Score => {
    const { total, byType, misses } = evaluate({}, set);
    const lines = [
      `${title}: ${set.length} snippets, ${total.tp + total.fn} expected selectors`,
      `overall  precision ${pct(precision(total))}  recall ${pct(recall(total))}  (tp ${total.tp}, fp ${total.fp}, fn ${total.fn})`,
      ...[...byType.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([t, s]) => `  ${t.padEnd(8)} precision ${pct(precision(s)).padStart(6)}  recall ${pct(recall(s)).padStart(6)}  (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`),
      ...misses.map((m) => `  ${m}`),
    ];
    console.log(lines.join('\n'));
    return total;
  };

  it('reaches precision >= 0.95 and recall >= 0.95 on the development set', () => {
    const total = report('development set', cases);
    expect(precision(total)).toBeGreaterThanOrEqual(0.95);
    expect(recall(total)).toBeGreaterThanOrEqual(0.95);
  });

  it('reaches HELD_OUT_FLOORS on the held-out set', () => {
    const total = report('held-out set', heldOut);
    expect(precision(total)).toBeGreaterThanOrEqual(HELD_OUT_FLOORS.precision);
    expect(recall(total)).toBeGreaterThanOrEqual(HELD_OUT_FLOORS.recall);
  });

  it('owes its IPv4 precision to the version-number context rules (measured both ways)', () => {
    const withRules = evaluate().byType.get('ip') ?? { tp: 0, fp: 0, fn: 0 };
    const without = evaluate({ ipContextRules: false }).byType.get('ip') ?? { tp: 0, fp: 0, fn: 0 };
    console.log(
      `ip with context rules:    precision ${pct(precision(withRules))} recall ${pct(recall(withRules))}\n` +
        `ip without context rules: precision ${pct(precision(without))} recall ${pct(recall(without))}`,
    );
    expect(precision(withRules)).toBeGreaterThan(precision(without));
    expect(recall(withRules)).toBe(recall(without));
  });

  it('reports raw text and offsets that point into the input', () => {
    for (const c of [...cases, ...heldOut]) {
      for (const s of extractSelectors(c.text, { defaultRegion: c.region, defaultPlatform: c.platform })) {
        expect(c.text.slice(s.start, s.end)).toBe(s.raw);
      }
    }
  });
});
