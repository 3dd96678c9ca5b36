import { describe, expect, it } from 'vitest';
import { describeGrading, formatGrading, parseGrading } from './grading.js';

describe('grading', () => {
  it('parses and formats Europol 4x4 by default', () => {
    expect(parseGrading('B2')).toEqual({ scheme: 'europol-4x4', source: 'B', information: '2' });
    expect(parseGrading(' x-4 ')).toEqual({ scheme: 'europol-4x4', source: 'X', information: '4' });
    expect(formatGrading({ scheme: 'europol-4x4', source: 'A', information: '1' })).toBe('A1');
    for (const text of ['A1', 'B3', 'C4', 'X2']) expect(formatGrading(parseGrading(text)!)).toBe(text);
  });

  it('rejects grades outside the Europol scales', () => {
    expect(parseGrading('D2')).toBeUndefined();
    expect(parseGrading('A5')).toBeUndefined();
    expect(parseGrading('F6')).toBeUndefined();
    expect(parseGrading('B')).toBeUndefined();
    expect(parseGrading('B22')).toBeUndefined();
    expect(parseGrading('')).toBeUndefined();
  });

  it('keeps Admiralty 6x6 in its own scheme, never converted', () => {
    expect(parseGrading('F6', 'admiralty-6x6')).toEqual({ scheme: 'admiralty-6x6', source: 'F', information: '6' });
    // Same text, different meaning: B2 stays Admiralty when the caller says so.
    expect(parseGrading('B2', 'admiralty-6x6')?.scheme).toBe('admiralty-6x6');
    expect(parseGrading('X1', 'admiralty-6x6')).toBeUndefined();
    expect(parseGrading('A7', 'admiralty-6x6')).toBeUndefined();
  });

  it('parses UK 3x5x2 with its handling code', () => {
    expect(parseGrading('B3P', 'uk-3x5x2')).toEqual({ scheme: 'uk-3x5x2', source: 'B', information: '3', handling: 'P' });
    expect(parseGrading('a 5 c', 'uk-3x5x2')).toMatchObject({ handling: 'C' });
    expect(formatGrading({ scheme: 'uk-3x5x2', source: 'C', information: '4', handling: 'C' })).toBe('C4C');
    expect(parseGrading('B3', 'uk-3x5x2')).toBeUndefined();
    expect(parseGrading('D3P', 'uk-3x5x2')).toBeUndefined();
    expect(parseGrading('B6P', 'uk-3x5x2')).toBeUndefined();
    expect(parseGrading('B3X', 'uk-3x5x2')).toBeUndefined();
  });

  it('describes each part in words', () => {
    expect(describeGrading({ scheme: 'europol-4x4', source: 'X', information: '1' }).source).toMatch(/cannot be assessed/);
    expect(describeGrading({ scheme: 'admiralty-6x6', source: 'B', information: '2' })).toEqual({
      source: 'Usually reliable',
      information: 'Probably true',
    });
    expect(describeGrading({ scheme: 'uk-3x5x2', source: 'B', information: '1', handling: 'P' }).handling).toBe(
      'Lawful sharing permitted',
    );
  });
});
