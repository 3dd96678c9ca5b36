/**
 * Writes a case's media as VICS 2.0 JSON (US profile), the form shared hash-set tools read. Categories are written as
 * US-profile codes (an item graded in VICS keeps its own code); uncategorised items carry no Category. SHA256 and PDQ
 * travel as producer-specific keys, which readers that do not know them ignore.
 */
import { toVicsUsCategory } from '../../intel/media-category.js';
import type { MediaCategory } from '../../intel/vocabulary.js';

export interface VicsExportMedia {
  md5: string;
  sha1: string;
  sha256: string;
  pdq: string | null;
  size: number;
  mime: string;
  category: MediaCategory;
  categoryScheme: string;
  categoryCode: string;
  /** Precategorised from a hash set: the set's name. */
  precategorisedFrom?: string;
  series?: string | null;
  victimIdentified?: boolean | null;
  exif?: Record<string, string | number | undefined>;
  files: { path: string; modified?: string | null; accessed?: string | null; created?: string | null }[];
}

export interface VicsExportCase {
  caseId: string;
  caseNumber: string;
  contactEmail?: string;
  media: VicsExportMedia[];
  /** When the export was made (ISO 8601). */
  at?: string;
}

export const VICS_CONTEXT_US = 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases';

export function exportVics(input: VicsExportCase): object {
  const at = input.at ?? new Date().toISOString();
  return {
    '@odata.context': VICS_CONTEXT_US,
    value: [
      {
        CaseID: input.caseId,
        CaseNumber: input.caseNumber,
        ...(input.contactEmail ? { ContactEmail: input.contactEmail } : {}),
        SourceApplicationName: 'Tessera',
        Media: input.media.map((m, i) => {
          const code = toVicsUsCategory({ category: m.category, sourceScheme: m.categoryScheme, sourceCode: m.categoryCode });
          const name = (p: string) => p.split(/[/!]/).filter(Boolean).pop() ?? p;
          return {
            MediaID: i + 1,
            ...(code !== undefined ? { Category: code } : {}),
            MD5: m.md5.toUpperCase(),
            SHA1: m.sha1.toUpperCase(),
            SHA256: m.sha256.toUpperCase(),
            ...(m.pdq ? { PDQ: m.pdq } : {}),
            MediaSize: m.size,
            DateUpdated: at,
            ...(m.series ? { Series: m.series } : {}),
            VictimIdentified: m.victimIdentified ?? false,
            IsPrecategorized: !!m.precategorisedFrom,
            PrecategorizationSource: m.precategorisedFrom ?? '',
            MimeType: m.mime,
            ...(m.files[0] ? { RelativeFilePath: m.files[0].path } : {}),
            Exifs: Object.entries(m.exif ?? {})
              .filter(([, v]) => v !== undefined && v !== '')
              .map(([k, v]) => ({ MD5: m.md5.toUpperCase(), PropertyName: k, PropertyValue: String(v) })),
            MediaFiles: m.files.map((f) => ({
              FileName: name(f.path),
              FilePath: f.path,
              ...(f.created ? { Created: f.created } : {}),
              ...(f.modified ? { Written: f.modified } : {}),
              ...(f.accessed ? { Accessed: f.accessed } : {}),
              Unallocated: false,
              MD5: m.md5.toUpperCase(),
            })),
          };
        }),
      },
    ],
  };
}
