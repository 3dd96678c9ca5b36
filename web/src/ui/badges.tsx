import type { CaseStatus, LoggedOperation, ParticipantAccess, Role } from '../api/types.js';
import { ROLE_LABELS } from '../session/roles.js';

export const CASE_STATUS_LABELS = {
  open: 'Open',
  'handed-over': 'Handed over',
  closed: 'Closed',
} as const satisfies Record<CaseStatus, string>;

export const ACCESS_LABELS = {
  lead: 'Lead',
  contribute: 'Contribute',
  read: 'Read',
} as const satisfies Record<ParticipantAccess, string>;

/** DESIGN §6 logged operations (Directive 2016/680 art. 25) plus sign-in events. */
export const OPERATION_LABELS = {
  collection: 'Collection',
  alteration: 'Alteration',
  consultation: 'Consultation',
  disclosure: 'Disclosure',
  combination: 'Combination',
  erasure: 'Erasure',
  authentication: 'Authentication',
} as const satisfies Record<LoggedOperation, string>;

export function StatusBadge({ status }: { status: CaseStatus }) {
  return <span className={`badge badge-status-${status}`}>{CASE_STATUS_LABELS[status]}</span>;
}

export function AccessBadge({ access }: { access: ParticipantAccess }) {
  return <span className={`badge badge-access-${access}`}>{ACCESS_LABELS[access]}</span>;
}

export function RoleBadge({ role }: { role: Role }) {
  return <span className="badge badge-role">{ROLE_LABELS[role]}</span>;
}

export function OperationBadge({ operation }: { operation: LoggedOperation }) {
  return <span className={`badge badge-op-${operation}`}>{OPERATION_LABELS[operation]}</span>;
}
