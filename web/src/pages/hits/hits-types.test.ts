import { describe, expect, it } from 'vitest';
import { canMoveTo, HIT_STATUSES as SERVER_STATUSES } from '../../../../src/matching/vocabulary.js';
import { HIT_STATUSES, NEXT_STATUSES, STATUS_LABELS } from './hits-types.js';

describe('hit statuses in the web app', () => {
  it('offers only the moves the node accepts, and every status has a label', () => {
    expect(HIT_STATUSES).toEqual([...SERVER_STATUSES]);
    for (const from of HIT_STATUSES) {
      expect(STATUS_LABELS[from]).toBeTruthy();
      for (const to of NEXT_STATUSES[from]) expect(canMoveTo(from, to)).toBe(true);
      // Final statuses offer nothing; every other one can still be closed as not relevant.
      if (from === 'deconflicted' || from === 'not-relevant') expect(NEXT_STATUSES[from]).toEqual([]);
      else expect(NEXT_STATUSES[from]).toContain('not-relevant');
    }
  });
});
