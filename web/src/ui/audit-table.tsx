import { Fragment, useState } from 'react';
import type { AuditEvent } from '../api/types.js';
import { OperationBadge } from './badges.js';
import { formatDateTime } from './format.js';

/** Plain words for the actions the node records; an action not listed here shows as its code. */
const ACTION_LABELS: Record<string, string> = {
  'agency.create': 'Added an agency',
  'case.create': 'Opened the case',
  'case.list': 'Listed cases',
  'case.read': 'Read the case',
  'case.update': 'Changed the case',
  'case.participant.set': 'Set a participant’s access',
  'case.participant.remove': 'Removed a participant',
  'session.create': 'Signed in',
  'session.delete': 'Signed out',
  'session.failed': 'Failed sign-in',
  'session.lockout': 'Account locked after failed sign-ins',
  'token.create': 'Created an API token',
  'token.revoke': 'Revoked an API token',
  'totp.begin': 'Started two-factor enrolment',
  'totp.enable': 'Turned on two-factor sign-in',
  'totp.disable': 'Turned off two-factor sign-in',
  'user.create': 'Created a user',
  'user.update': 'Changed a user',
  'user.preferences': 'Changed wellness preferences',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

function shortId(id: string | null): string {
  return id ? `${id.slice(0, 8)}…${id.slice(-4)}` : '—';
}

interface AuditTableProps {
  events: AuditEvent[];
  /** Show the case column (the agency-wide browser); clicking a case id filters by it. */
  onCase?: (caseId: string) => void;
  caption: string;
}

/** The trail as a table; each row opens to the full event (details, request id, chain hash). */
export function AuditTable({ events, onCase, caption }: AuditTableProps) {
  const [open, setOpen] = useState<number | null>(null);
  const columns = onCase ? 7 : 6;
  return (
    <div className="table-wrap">
      <table className="table table-audit">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Operation</th>
            <th scope="col">What</th>
            {onCase ? <th scope="col">Case</th> : null}
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const expanded = open === e.seq;
            const detailsId = `audit-${e.seq}`;
            return (
              <Fragment key={e.seq}>
                <tr className={expanded ? 'is-expanded' : undefined}>
                  <td className="num muted">{e.seq}</td>
                  <td className="nowrap" title={e.at}>
                    {formatDateTime(e.at, true)}
                  </td>
                  <td>{e.actorName}</td>
                  <td>
                    <OperationBadge operation={e.operation} />
                  </td>
                  <td>
                    <span className="audit-action">{actionLabel(e.action)}</span>
                    {e.justification ? <span className="audit-justification">Justification: {e.justification}</span> : null}
                  </td>
                  {onCase ? (
                    <td className="nowrap">
                      {e.caseId ? (
                        <button type="button" className="link-button mono" onClick={() => onCase(e.caseId!)} title={`Show only events of case ${e.caseId}`}>
                          {e.caseReference ?? shortId(e.caseId)}
                        </button>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  ) : null}
                  <td className="cell-actions">
                    <button type="button" className="link-button" aria-expanded={expanded} aria-controls={detailsId} onClick={() => setOpen(expanded ? null : e.seq)}>
                      {expanded ? 'Hide' : 'Details'}
                      <span className="visually-hidden"> of event {e.seq}</span>
                    </button>
                  </td>
                </tr>
                {expanded ? (
                  <tr className="audit-details-row">
                    <td colSpan={columns} id={detailsId}>
                      <dl className="audit-details">
                        <dt>Action</dt>
                        <dd className="mono">{e.action}</dd>
                        <dt>Object</dt>
                        <dd className="mono">
                          {e.objectType}
                          {e.objectId ? ` ${e.objectId}` : ''}
                        </dd>
                        {e.caseId ? (
                          <>
                            <dt>Case</dt>
                            <dd className="mono">{e.caseId}</dd>
                          </>
                        ) : null}
                        {e.recipients?.length ? (
                          <>
                            <dt>Recipients</dt>
                            <dd>{e.recipients.join(', ')}</dd>
                          </>
                        ) : null}
                        <dt>Time (UTC)</dt>
                        <dd className="mono">{e.at}</dd>
                        <dt>Request id</dt>
                        <dd className="mono">{e.requestId ?? '—'}</dd>
                        <dt>Chain hash</dt>
                        <dd className="mono break">{e.hash}</dd>
                        {e.details ? (
                          <>
                            <dt>Details</dt>
                            <dd>
                              <pre className="json">{JSON.stringify(e.details, null, 2)}</pre>
                            </dd>
                          </>
                        ) : null}
                      </dl>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
