import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenMap } from './token-map.js';

describe('TokenMap', () => {
  it('answers like a map of prefixes to item seqs through growth, shared tokens and removals', () => {
    const map = new TokenMap();
    const tokens = Array.from({ length: 20_000 }, () => randomBytes(32));
    const reference = new Map<string, number[]>();
    const key = (t: Buffer) => t.subarray(0, 8).toString('hex');
    const add = (t: Buffer, seq: number) => {
      map.add(t, seq);
      reference.set(key(t), [...(reference.get(key(t)) ?? []), seq]);
    };
    tokens.forEach((t, i) => {
      add(t, i + 1);
      // Every third token is held by a second item too (the same value at two agencies).
      if (i % 3 === 0) add(t, 100_000 + i);
    });
    tokens.forEach((t, i) => {
      if (i % 2 === 0) {
        expect(map.remove(t, i + 1)).toBe(true);
        reference.set(key(t), reference.get(key(t))!.filter((s) => s !== i + 1));
      }
    });
    for (const t of tokens) expect(map.find(t).sort()).toEqual((reference.get(key(t)) ?? []).sort());
    expect(map.size).toBe([...reference.values()].reduce((a, b) => a + b.length, 0));
    for (let i = 0; i < 20_000; i++) expect(map.find(randomBytes(32))).toEqual([]);
    expect(map.remove(tokens[1]!, 999_999)).toBe(false);
  });

  it('matches on the first 8 bytes only (the caller confirms the rest)', () => {
    const map = new TokenMap();
    const t = randomBytes(32);
    map.add(t, 7);
    expect(map.find(Buffer.concat([t.subarray(0, 8), randomBytes(24)]))).toEqual([7]);
    expect(map.find(Buffer.alloc(32))).toEqual([]);
    map.add(Buffer.alloc(32), 8);
    expect(map.find(Buffer.alloc(32))).toEqual([8]);
    expect(() => map.add(t, 0)).toThrow(RangeError);
  });

  it('reuses tombstoned slots instead of growing for ever under churn', () => {
    const map = new TokenMap(1000);
    const before = map.bytes;
    for (let round = 0; round < 50; round++) {
      const batch = Array.from({ length: 500 }, () => randomBytes(32));
      batch.forEach((t, i) => map.add(t, i + 1));
      batch.forEach((t, i) => map.remove(t, i + 1));
    }
    expect(map.size).toBe(0);
    expect(map.bytes).toBeLessThanOrEqual(before * 2);
  });
});
