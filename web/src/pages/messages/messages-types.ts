import type { Static } from 'typebox';
import type {
  DirectoryEntrySchema,
  MessageDetailSchema,
  MessageSummarySchema,
  NetworkStatusSchema,
  NewMessageSchema,
  RecipientStatusSchema,
  RejectionSchema,
  UploadSchema,
} from '../../../../src/exchange/api-schemas.js';
import type { HandlingCode, HandlingRestrictionCode } from '../../../../src/intel/vocabulary.js';

/* The messages API's shapes, from the server's TypeBox schemas (type-only imports: no server code in the bundle). */
export type MessageSummary = Static<typeof MessageSummarySchema>;
export type MessageDetail = Static<typeof MessageDetailSchema>;
export type RecipientStatus = Static<typeof RecipientStatusSchema>;
export type NewMessage = Static<typeof NewMessageSchema>;
export type Upload = Static<typeof UploadSchema>;
export type DirectoryEntry = Static<typeof DirectoryEntrySchema>;
export type NetworkStatus = Static<typeof NetworkStatusSchema>;
export type Rejection = Static<typeof RejectionSchema>;
export type Priority = MessageSummary['priority'];
export type Box = MessageSummary['box'];
export type { HandlingCode, HandlingRestrictionCode };

export interface MessageList {
  items: MessageSummary[];
  total: number;
}

export interface CaseThreads {
  caseReference: string | null;
  messages: number;
  unread: number;
  lastAt: string;
}

export const PRIORITY_LABELS: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

export const TLP_CODES: HandlingCode[] = ['TLP:RED', 'TLP:AMBER+STRICT', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'];

/** What each code asks of the recipients (FIRST TLP 2.0), for the compose form. */
export const TLP_MEANING: Record<HandlingCode, string> = {
  'TLP:RED': 'For the named recipients only: not to be shared further, even within their agency beyond those who need it.',
  'TLP:AMBER+STRICT': 'Recipients may share it within their own agency only.',
  'TLP:AMBER': 'Recipients may share it within their agency and with its partners who need to know.',
  'TLP:GREEN': 'Recipients may share it within their community, not publicly.',
  'TLP:CLEAR': 'No restriction on disclosure.',
};

export const RESTRICTION_LABELS: Record<HandlingRestrictionCode, string> = {
  H0: 'H0 — use only to prevent and combat crime',
  H1: 'H1 — not in judicial proceedings without our permission',
  H2: 'H2 — not to be disseminated without our permission',
  H3: 'H3 — other restriction (say which)',
};

export interface HubMember {
  agencyId: string;
  name: string;
  country: string;
  status: 'pending' | 'active' | 'suspended';
  joinedAt: string;
  approvedAt: string | null;
  keys: { kid: string; use: 'sig' | 'enc'; status: 'current' | 'retired' }[];
}

export interface HubOverview {
  hubId: string;
  kid: string;
  directoryVersion: number;
  envelopes: number;
  pendingDeliveries: number;
  parts: number;
}
