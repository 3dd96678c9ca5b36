import { useEffect } from 'react';
import { Link } from '../../router.js';
import { countryName, formatDateTime } from '../../ui/format.js';
import { ArrowLeftIcon, DownloadIcon } from '../../ui/icons.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { MessageDetail, MessageSummary } from './messages-types.js';
import { PRIORITY_LABELS, RESTRICTION_LABELS } from './messages-types.js';
import { formatSize, HandlingBadge, messagesChanged, PriorityBadge, Receipts, RfiBadge, SendStatusBadge } from './messages-ui.js';

/**
 * One message. Opening it is recorded in the audit trail (a consultation), and the first opening in the agency sends
 * the sender a read receipt. Attachments download decrypted, each download recorded too.
 */
export function MessagePage({ id }: { id: string }) {
  const { data: m, error } = useApi<MessageDetail>(`/messages/${id}`);
  const thread = useApi<MessageSummary[]>(`/messages/${id}/thread`);

  useEffect(() => {
    if (m) messagesChanged();
  }, [m]);

  if (error) return <ErrorNotice error={error} title="The message could not be opened" />;
  if (!m) return <Loading />;
  const back = m.box === 'in' ? '/messages' : '/messages/outbox';
  const restriction = m.handling.restriction;

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={back} className="back-link">
            <ArrowLeftIcon /> {m.box === 'in' ? 'Inbox' : 'Sent'}
          </Link>
        }
        title={m.subject}
        subtitle={
          <span className="message-line">
            <HandlingBadge code={m.handling.tlp} />
            {restriction ? <span className="badge badge-muted">{restriction.code}</span> : null}
            <PriorityBadge priority={m.priority} />
            <RfiBadge message={m} />
            <SendStatusBadge status={m.status} />
            {m.caseReference ? <span className="badge badge-case">{m.caseReference}</span> : null}
          </span>
        }
        actions={
          <Link to={`/messages/new?replyTo=${m.id}`} className="btn btn-primary">
            Reply
          </Link>
        }
      />
      {m.rfiOverdue ? (
        <Notice tone="warning" title="Request for information overdue">
          {m.box === 'in' ? 'The deadline has passed and your agency has not answered yet.' : 'The deadline has passed and not every recipient has answered.'}
        </Notice>
      ) : null}
      <Section title="Message" id="message">
        <dl className="message-head">
          <dt>From</dt>
          <dd>
            {m.from.name} <span className="muted">({countryName(m.from.country)})</span>
          </dd>
          <dt>To</dt>
          <dd>{m.to.map((t) => t.name).join(', ')}</dd>
          <dt>{m.box === 'in' ? 'Sent' : 'Written'}</dt>
          <dd title={m.createdAt}>{formatDateTime(m.createdAt)}</dd>
          {m.receivedAt ? (
            <>
              <dt>Received</dt>
              <dd title={m.receivedAt}>{formatDateTime(m.receivedAt)}</dd>
            </>
          ) : null}
          <dt>Handling</dt>
          <dd>
            {m.handling.tlp}
            {restriction ? ` · ${RESTRICTION_LABELS[restriction.code]}${restriction.code === 'H3' && 'text' in restriction ? `: ${restriction.text}` : ''}` : ''}
          </dd>
          <dt>Priority</dt>
          <dd>{PRIORITY_LABELS[m.priority]}</dd>
          {m.rfiDeadline ? (
            <>
              <dt>Answer by</dt>
              <dd title={m.rfiDeadline}>{formatDateTime(m.rfiDeadline)}</dd>
            </>
          ) : null}
          {m.box === 'in' && m.answeredAt ? (
            <>
              <dt>Answered</dt>
              <dd title={m.answeredAt}>{formatDateTime(m.answeredAt)}</dd>
            </>
          ) : null}
        </dl>
        <hr />
        <div className="message-body">{m.body || <span className="muted">(no text)</span>}</div>
      </Section>

      {m.attachments.length > 0 ? (
        <Section title="Attachments" id="attachments">
          <ul className="attachment-list">
            {m.attachments.map((a) => (
              <li key={a.index}>
                <a className="btn btn-secondary btn-small" href={`/api/v1/messages/${m.id}/attachments/${a.index}`} download={a.name}>
                  <DownloadIcon /> {a.name}
                </a>
                <span className="muted small">
                  {a.mediaType} · {formatSize(a.size)}
                </span>
                <code className="muted small" title="SHA-256 of the file, as its sender signed it">
                  {a.sha256.slice(0, 16)}…
                </code>
              </li>
            ))}
          </ul>
          <p className="muted small">Files were checked on arrival against the digest their sender signed; they download decrypted, and each download is recorded.</p>
        </Section>
      ) : null}

      {m.box === 'out' ? (
        <Section title="Recipients" id="recipients">
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Receipts of each recipient agency</caption>
              <thead>
                <tr>
                  <th scope="col">Agency</th>
                  <th scope="col">Receipts</th>
                  <th scope="col">Delivered</th>
                  <th scope="col">Read</th>
                  <th scope="col">Answered</th>
                </tr>
              </thead>
              <tbody>
                {m.recipients.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {r.name} {r.rfiOverdue ? <span className="badge badge-overdue">RFI overdue</span> : null}
                    </td>
                    <td>
                      <Receipts recipient={r} />
                    </td>
                    <td className="nowrap">{formatDateTime(r.deliveredAt)}</td>
                    <td className="nowrap">{formatDateTime(r.readAt)}</td>
                    <td className="nowrap">{formatDateTime(r.answeredAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}

      <Section title="Thread" id="thread">
        {thread.data && thread.data.length > 1 ? (
          <ol className="thread-list">
            {thread.data.map((t) => (
              <li key={t.id} className={t.id === m.id ? 'is-current' : undefined} aria-current={t.id === m.id ? 'true' : undefined}>
                <span className="muted small">{formatDateTime(t.createdAt)}</span> · {t.box === 'in' ? t.from.name : `to ${t.to.map((x) => x.name).join(', ')}`} ·{' '}
                {t.id === m.id ? t.subject : <Link to={`/messages/${t.id}`}>{t.subject}</Link>}
              </li>
            ))}
          </ol>
        ) : (
          <Empty>No other message in this thread yet.</Empty>
        )}
      </Section>
    </>
  );
}
