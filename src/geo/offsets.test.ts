import { describe, expect, it } from 'vitest';
import { UTC_OFFSETS, formatOffset, nearestGridOffset } from './offsets.js';
import { credibleSet } from './activity-model.js';

describe('offsets', () => {
  it('includes the half- and quarter-hour offsets people live under', () => {
    for (const o of [330, 570, -210, 345, 525, 765]) expect(UTC_OFFSETS).toContain(o);
  });

  it('formats offsets for people', () => {
    expect(formatOffset(0)).toBe('UTC+0');
    expect(formatOffset(330)).toBe('UTC+5:30');
    expect(formatOffset(-210)).toBe('UTC-3:30');
    expect(formatOffset(-180)).toBe('UTC-3');
  });

  it('snaps odd offsets to the grid', () => {
    expect(nearestGridOffset(329)).toBe(330);
    expect(nearestGridOffset(-181)).toBe(-180);
  });

  it('takes the smallest most-probable set reaching the level', () => {
    expect(credibleSet(['a', 'b', 'c', 'd'], [0.1, 0.5, 0.3, 0.1], 0.9)).toEqual(['b', 'c', 'a']);
    expect(credibleSet(['a', 'b'], [0.95, 0.05], 0.9)).toEqual(['a']);
  });
});
