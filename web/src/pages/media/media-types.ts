import type { Static } from 'typebox';
import type {
  HashMatchSchema,
  HashSetImportResultSchema,
  HashSetSchema,
  IngestIssueSchema,
  IngestProgressSchema,
  IngestSchema,
  IngestSummarySchema,
  MediaDetailSchema,
  MediaFacetsSchema,
  MediaOccurrenceSchema,
  MediaSummarySchema,
} from '../../../../src/ingest/ingest-schemas.js';
import type { MediaCategory } from '../../../../src/intel/vocabulary.js';

/* The media and ingest API's shapes, from the server's TypeBox schemas (type-only imports: no server code in the bundle). */
export type MediaSummary = Static<typeof MediaSummarySchema>;
export type MediaDetail = Static<typeof MediaDetailSchema>;
export type MediaFacets = Static<typeof MediaFacetsSchema>;
export type MediaOccurrence = Static<typeof MediaOccurrenceSchema>;
export type HashMatch = Static<typeof HashMatchSchema>;
export type Ingest = Static<typeof IngestSchema>;
export type IngestProgress = Static<typeof IngestProgressSchema>;
export type IngestSummary = Static<typeof IngestSummarySchema>;
export type IngestIssue = Static<typeof IngestIssueSchema>;
export type HashSet = Static<typeof HashSetSchema>;
export type HashSetImportResult = Static<typeof HashSetImportResultSchema>;
export type { MediaCategory };

export const CATEGORY_LABELS: Record<MediaCategory, string> = {
  uncategorised: 'Uncategorised',
  'non-pertinent': 'Non-pertinent',
  cam: 'Child-abuse material (CAM)',
  cem: 'Child-exploitation material (CEM)',
  cgi: 'Computer-generated / drawn (CGI)',
  comparison: 'Comparison',
};

export const CATEGORY_SHORT: Record<MediaCategory, string> = {
  uncategorised: 'Uncategorised',
  'non-pertinent': 'Non-pertinent',
  cam: 'CAM',
  cem: 'CEM',
  cgi: 'CGI',
  comparison: 'Comparison',
};

/** One key per category (DESIGN §6): the same keys in the grid and on an item's page. */
export const CATEGORY_KEYS: { key: string; category: MediaCategory }[] = [
  { key: '1', category: 'cam' },
  { key: '2', category: 'cem' },
  { key: '3', category: 'cgi' },
  { key: '4', category: 'comparison' },
  { key: '5', category: 'non-pertinent' },
  { key: '0', category: 'uncategorised' },
];

export const PROBLEM_LABELS: Record<string, string> = {
  unreadable: 'Unreadable',
  vanished: 'Vanished while reading',
  symlink: 'Link (not followed)',
  'special-file': 'Not a regular file',
  'unsafe-path': 'Unsafe path in archive',
  'zip-bomb': 'Decompression bomb',
  'archive-too-large': 'Archive over the size limit',
  'archive-too-deep': 'Archives nested too deep',
  'archive-too-many-entries': 'Too many archive entries',
  encrypted: 'Encrypted entry',
  'corrupt-archive': 'Damaged archive',
  'unsupported-archive-entry': 'Unsupported compression',
  'file-too-large': 'File over the size limit',
  'non-utf8-name': 'Name not UTF-8',
  undecodable: 'Could not be decoded',
  'too-many-pixels': 'Over the pixel limit',
  'decode-timeout': 'Decoding timed out',
};

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const mediaUrl = (caseId: string, mediaId: string, what: 'content' | 'thumbnail') => `/api/v1/cases/${caseId}/media/${mediaId}/${what}`;
