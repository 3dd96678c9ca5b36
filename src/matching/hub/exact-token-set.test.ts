import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExactTokenSet } from './exact-token-set.js';

describe('ExactTokenSet', () => {
  it('answers like a set of prefixes through growth, duplicates and removals', () => {
    const set = new ExactTokenSet();
    const tokens = Array.from({ length: 20_000 }, () => randomBytes(32));
    const reference = new Map<string, number>();
    const key = (t: Buffer) => t.subarray(0, 8).toString('hex');
    for (const [i, t] of tokens.entries()) {
      set.add(t);
      reference.set(key(t), (reference.get(key(t)) ?? 0) + 1);
      if (i % 3 === 0) {
        set.add(t);
        reference.set(key(t), reference.get(key(t))! + 1);
      }
    }
    for (const [i, t] of tokens.entries()) {
      if (i % 2 === 0) {
        expect(set.remove(t)).toBe(true);
        reference.set(key(t), reference.get(key(t))! - 1);
      }
    }
    for (const t of tokens) expect(set.mayContain(t)).toBe((reference.get(key(t)) ?? 0) > 0);
    expect(set.size).toBe([...reference.values()].reduce((a, b) => a + b, 0));
    for (let i = 0; i < 20_000; i++) expect(set.mayContain(randomBytes(32))).toBe(false);
    expect(set.remove(randomBytes(32))).toBe(false);
  });

  it('matches on the first 8 bytes only (the database confirms the rest)', () => {
    const set = new ExactTokenSet();
    const t = randomBytes(32);
    set.add(t);
    const sibling = Buffer.concat([t.subarray(0, 8), randomBytes(24)]);
    expect(set.mayContain(sibling)).toBe(true);
    const zero = Buffer.alloc(32);
    expect(set.mayContain(zero)).toBe(false);
    set.add(zero);
    expect(set.mayContain(zero)).toBe(true);
  });

  it('reuses tombstoned slots instead of growing for ever under churn', () => {
    const set = new ExactTokenSet(1000);
    const before = set.bytes;
    for (let round = 0; round < 50; round++) {
      const batch = Array.from({ length: 500 }, () => randomBytes(32));
      for (const t of batch) set.add(t);
      for (const t of batch) set.remove(t);
    }
    expect(set.size).toBe(0);
    expect(set.bytes).toBeLessThanOrEqual(before * 2);
  });
});
