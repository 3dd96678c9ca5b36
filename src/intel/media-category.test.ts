import { describe, expect, it } from 'vitest';
import { fromUkCaidCategory, fromVicsUsCategory, tesseraCategory, toVicsUsCategory } from './media-category.js';

describe('media category mapping', () => {
  it('maps every VICS US code explicitly and keeps the code', () => {
    expect([0, 1, 2, 3, 4].map((c) => fromVicsUsCategory(c)?.category)).toEqual([
      'non-pertinent',
      'cam',
      'cem',
      'cgi',
      'comparison',
    ]);
    expect(fromVicsUsCategory('2')).toEqual({ category: 'cem', sourceScheme: 'vics-us', sourceCode: '2' });
  });

  it('refuses unknown VICS codes', () => {
    expect(fromVicsUsCategory(5)).toBeUndefined();
    expect(fromVicsUsCategory(-1)).toBeUndefined();
    expect(fromVicsUsCategory('1.0')).toBeUndefined();
  });

  it('maps UK CAID grades and keeps the grade', () => {
    expect(fromUkCaidCategory('A')).toEqual({ category: 'cam', sourceScheme: 'uk-caid', sourceCode: 'A' });
    expect(fromUkCaidCategory('cat b')).toEqual({ category: 'cam', sourceScheme: 'uk-caid', sourceCode: 'B' });
    expect(fromUkCaidCategory('Category C')?.sourceCode).toBe('C');
    expect(fromUkCaidCategory('non-indecent')).toEqual({
      category: 'non-pertinent',
      sourceScheme: 'uk-caid',
      sourceCode: 'NON-INDECENT',
    });
    expect(fromUkCaidCategory('D')).toBeUndefined();
    expect(fromUkCaidCategory('')).toBeUndefined();
  });

  it('exports to VICS US codes, keeping an imported code and omitting uncategorised', () => {
    expect(toVicsUsCategory(fromVicsUsCategory(3)!)).toBe(3);
    expect(toVicsUsCategory(fromUkCaidCategory('A')!)).toBe(1);
    expect(toVicsUsCategory(tesseraCategory('comparison'))).toBe(4);
    expect(toVicsUsCategory(tesseraCategory('uncategorised'))).toBeUndefined();
  });
});
