import type { Static } from 'typebox';
import type { ClueSchema, RegionSchema } from '../../../../src/cases/clues-schemas.js';
import type {
  ElsewhereSchema,
  HistoryEventSchema,
  ProposalSchema,
  SeriesDetailSchema,
  SeriesSummarySchema,
  TriageItemSchema,
  VicsImportResultSchema,
} from '../../../../src/cases/series-schemas.js';
import type { DashboardSchema, VictimSchema } from '../../../../src/cases/victims-schemas.js';

/* The victim-identification API's shapes, from the server's TypeBox schemas (type-only: no server code in the bundle). */
export type SeriesSummary = Static<typeof SeriesSummarySchema>;
export type SeriesDetail = Static<typeof SeriesDetailSchema>;
export type Proposal = Static<typeof ProposalSchema>;
export type HistoryEvent = Static<typeof HistoryEventSchema>;
export type TriageItem = Static<typeof TriageItemSchema>;
export type Elsewhere = Static<typeof ElsewhereSchema>;
export type VicsImportResult = Static<typeof VicsImportResultSchema>;
export type Victim = Static<typeof VictimSchema>;
export type Dashboard = Static<typeof DashboardSchema>;
export type Clue = Static<typeof ClueSchema>;
export type Region = Static<typeof RegionSchema>;
export type VictimStatus = Victim['status'];

export const VICTIM_STATUS_LABELS: Record<VictimStatus, string> = { unidentified: 'Unidentified', identified: 'Identified', safeguarded: 'Safeguarded' };

export const BASIS_LABELS: Record<Proposal['bases'][number], string> = {
  'near-duplicate': 'Near-duplicates',
  'camera-serial': 'Same camera',
  tag: 'Same tag',
  'hash-set': 'Known hash set',
};

export const CLUE_KIND_LABELS: Record<Clue['kind'], string> = { object: 'Object', logo: 'Logo', text: 'Text', landscape: 'Landscape', other: 'Other' };

export const clueCropUrl = (caseId: string, clueId: string) => `/api/v1/cases/${caseId}/clues/${clueId}/crop`;

/** "identified by PJ (PT) on 2 May 2024" — the words the network's news is told in, everywhere. */
export function elsewhereText(e: Elsewhere, formatDate: (d: string | null) => string): string {
  const who = `${e.agency.name}${e.agency.country ? ` (${e.agency.country})` : ''}`;
  return e.status === 'identified'
    ? `Identified by ${who}${e.identifiedOn ? ` on ${formatDate(e.identifiedOn)}` : ''}`
    : `${who} withdrew its identification`;
}
