import type { Static } from 'typebox';
import type { AlsoSeenInSchema, CaseSelectorSchema, NewSelectorSchema, SelectorSourceSchema } from '../../../../src/intel/correlation/selector-schemas.js';
import type { ChartSchema, ChartSummarySchema, GraphEdgeSchema, GraphNodeSchema, GraphSchema, NewChartSchema, NodeType, TimelineItemSchema, TimelineSchema } from '../../../../src/intel/graph/graph-schemas.js';
import type { PostImportSchema } from '../../../../src/intel/posts/import-service.js';
import type { NewRecordSchema, RecordPatchSchema, RecordSchema, RecordVersionSchema } from '../../../../src/intel/records/record-schemas.js';
import type { RecordSentSchema, SendRecordSchema } from '../../../../src/intel/records/record-sending.js';
import type { DataSubjectCategory, FactOrAssessment, Grading, GradingScheme, HandlingCode, RecordKind, SelectorType } from '../../../../src/intel/vocabulary.js';
import type { ExtractedSelectorSchema } from '../../../../src/intel/selectors/types.js';
import type { MispImportResultSchema } from '../../../../src/interop/misp/misp-service.js';

/* The intelligence API's shapes, from the server's TypeBox schemas (type-only imports: no server code in the bundle). */
export type IntelRecord = Static<typeof RecordSchema>;
export type NewRecord = Static<typeof NewRecordSchema>;
export type RecordPatch = Static<typeof RecordPatchSchema>;
export type RecordVersion = Static<typeof RecordVersionSchema>;
export type SendRecord = Static<typeof SendRecordSchema>;
export type RecordSent = Static<typeof RecordSentSchema>;
export type CaseSelector = Static<typeof CaseSelectorSchema>;
export type NewSelector = Static<typeof NewSelectorSchema>;
export type SelectorSource = Static<typeof SelectorSourceSchema>;
export type AlsoSeenIn = Static<typeof AlsoSeenInSchema>;
export type ExtractedSelector = Static<typeof ExtractedSelectorSchema>;
export type Graph = Static<typeof GraphSchema>;
export type GraphNode = Static<typeof GraphNodeSchema>;
export type GraphEdge = Static<typeof GraphEdgeSchema>;
export type Chart = Static<typeof ChartSchema>;
export type ChartSummary = Static<typeof ChartSummarySchema>;
export type NewChart = Static<typeof NewChartSchema>;
export type Timeline = Static<typeof TimelineSchema>;
export type TimelineItem = Static<typeof TimelineItemSchema>;
export type PostImport = Static<typeof PostImportSchema>;
export type MispImportResult = Static<typeof MispImportResultSchema>;
export type { DataSubjectCategory, FactOrAssessment, Grading, GradingScheme, HandlingCode, NodeType, RecordKind, SelectorType };

export interface Paged<T> {
  items: T[];
  total: number;
}

export const HANDLING_CODES: HandlingCode[] = ['TLP:RED', 'TLP:AMBER+STRICT', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'];

export const HANDLING_HINTS: Record<HandlingCode, string> = {
  'TLP:RED': 'Only your agency sees it; it never leaves this node (no export, no message).',
  'TLP:AMBER+STRICT': 'Only your agency sees it; only your agency may export it.',
  'TLP:AMBER': 'Every agency in the case sees it; only the originating agency may send it beyond the case.',
  'TLP:GREEN': 'Every agency in the case sees it; may be shared with the community.',
  'TLP:CLEAR': 'No restriction on disclosure.',
};

export const RECORD_KIND_LABELS: Record<RecordKind, string> = {
  report: 'Report',
  observation: 'Observation',
  'online-identity': 'Online identity',
  post: 'Post',
  'message-excerpt': 'Message excerpt',
  note: 'Note',
};

export const DATA_SUBJECT_LABELS: Record<DataSubjectCategory, string> = {
  suspect: 'Suspect',
  convicted: 'Convicted',
  victim: 'Victim',
  witness: 'Witness',
  other: 'Other',
};

export const SELECTOR_TYPE_LABELS: Record<SelectorType, string> = {
  handle: 'Handle',
  onion: 'Onion address',
  email: 'E-mail',
  phone: 'Phone',
  url: 'URL',
  ip: 'IP address',
  btc: 'Bitcoin',
  eth: 'Ethereum',
  xmr: 'Monero',
  'camera-serial': 'Camera serial',
  'file-digest': 'File digest',
  pdq: 'PDQ hash',
};

export const GRADING_SCALES: Record<GradingScheme, { label: string; source: string[]; information: string[]; handling?: string[] }> = {
  'europol-4x4': { label: 'Europol 4×4', source: ['A', 'B', 'C', 'X'], information: ['1', '2', '3', '4'] },
  'admiralty-6x6': { label: 'Admiralty 6×6', source: ['A', 'B', 'C', 'D', 'E', 'F'], information: ['1', '2', '3', '4', '5', '6'] },
  'uk-3x5x2': { label: 'UK 3×5×2', source: ['A', 'B', 'C'], information: ['1', '2', '3', '4', '5'], handling: ['P', 'C'] },
};
