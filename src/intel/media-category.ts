/**
 * Explicit mapping of other categorisation schemes to Tessera's media categories (DESIGN §6,
 * shared/vectors/vics/README.md). The source scheme and code always travel with the mapped category, so nothing an
 * agency graded is lost and a reviewer can see why an item carries its category.
 */
import { Type, type Static } from 'typebox';
import { MediaCategory, MediaCategoryScheme, type MediaCategory as Category } from './vocabulary.js';

export const CategorisedAs = Type.Object(
  {
    category: MediaCategory,
    sourceScheme: MediaCategoryScheme,
    sourceCode: Type.String({ maxLength: 32 }),
  },
  { additionalProperties: false },
);
export type CategorisedAs = Static<typeof CategorisedAs>;

/** VICS 2.0 US profile codes 0–4. */
const VICS_US: Readonly<Record<string, Category>> = {
  '0': 'non-pertinent',
  '1': 'cam',
  '2': 'cem', // child exploitive (non-CAM) / age difficult
  '3': 'cgi', // CGI / animation (child exploitive)
  '4': 'comparison',
};

/**
 * UK CAID grades. A, B and C are sentencing categories of indecent images, hence all CAM (the grade itself is kept
 * as the source code). "Non-indecent" asserts the image is not an indecent image of a child, which is what
 * non-pertinent means for triage; series membership, which matters for victim identification, is recorded apart
 * from the category.
 */
const UK_CAID: Readonly<Record<string, Category>> = {
  A: 'cam',
  B: 'cam',
  C: 'cam',
  'NON-INDECENT': 'non-pertinent',
};
const UK_CAID_ALIASES: Readonly<Record<string, string>> = {
  'CAT A': 'A',
  'CATEGORY A': 'A',
  'CAT B': 'B',
  'CATEGORY B': 'B',
  'CAT C': 'C',
  'CATEGORY C': 'C',
  'NON INDECENT': 'NON-INDECENT',
  'NOT INDECENT': 'NON-INDECENT',
  NONINDECENT: 'NON-INDECENT',
  'NON-IIOC': 'NON-INDECENT',
  NI: 'NON-INDECENT',
};

/** Maps a VICS US-profile category (number or numeric string). Unknown codes return undefined, never a guess. */
export function fromVicsUsCategory(code: number | string): CategorisedAs | undefined {
  const key = String(code).trim();
  const category = VICS_US[key];
  return category ? { category, sourceScheme: 'vics-us', sourceCode: key } : undefined;
}

/** Maps a UK CAID grade ("A", "cat b", "Category C", "non-indecent"). Unknown grades return undefined. */
export function fromUkCaidCategory(code: string): CategorisedAs | undefined {
  const upper = code.trim().toUpperCase().replace(/\s+/g, ' ');
  const key = UK_CAID_ALIASES[upper] ?? upper;
  const category = UK_CAID[key];
  return category ? { category, sourceScheme: 'uk-caid', sourceCode: key } : undefined;
}

/**
 * The VICS US code to export for a category. When the item came from VICS its own code is returned unchanged;
 * `uncategorised` has no US-profile code, so it returns undefined and the exporter leaves the field out.
 */
export function toVicsUsCategory(item: { category: Category; sourceScheme?: string; sourceCode?: string }):
  | number
  | undefined {
  if (item.sourceScheme === 'vics-us' && item.sourceCode !== undefined && VICS_US[item.sourceCode] === item.category) {
    return Number(item.sourceCode);
  }
  for (const [code, category] of Object.entries(VICS_US)) if (category === item.category) return Number(code);
  return undefined;
}

/** Tessera's own category as a CategorisedAs, for items graded in Tessera. */
export function tesseraCategory(category: Category): CategorisedAs {
  return { category, sourceScheme: 'tessera', sourceCode: category };
}
