import { describe, expect, it } from 'vitest';
import { pinToOneSide } from './echarts.js';
import { formatOffset, percent } from './location-types.js';

describe('location formatting', () => {
  it('writes probabilities with more digits near 0 and 1, never split from the sign', () => {
    expect(percent(0.9999)).toBe('>99.9\u00a0%');
    expect(percent(0.9934)).toBe('99.3\u00a0%');
    expect(percent(0.5)).toBe('50\u00a0%');
    expect(percent(0.0234)).toBe('2.3\u00a0%');
    expect(percent(0.00001)).toBe('<0.1\u00a0%');
  });

  it('writes offsets as the engine does', () => {
    expect(formatOffset(60)).toBe('UTC+1');
    expect(formatOffset(-210)).toBe('UTC-3:30');
    expect(formatOffset(345)).toBe('UTC+5:45');
  });
});

describe('outlines across the antimeridian', () => {
  it('pins the stray points of a ring to the side it lies on, so no line crosses the map', () => {
    const chukotka = [[170, 65], [179.9, 66], [-179.5, 66.5], [-175, 67], [178, 64], [170, 65]];
    expect(pinToOneSide(chukotka)).toEqual([[170, 65], [179.9, 66], [180, 66.5], [180, 67], [178, 64], [170, 65]]);
    const aleutian = [[-179, 51], [179.5, 51.5], [-178, 52], [-179, 51]];
    expect(pinToOneSide(aleutian)).toEqual([[-179, 51], [-180, 51.5], [-178, 52], [-179, 51]]);
    const portugal = [[-9.5, 37], [-6.2, 42], [-8, 41], [-9.5, 37]];
    expect(pinToOneSide(portugal)).toBe(portugal);
  });
});
