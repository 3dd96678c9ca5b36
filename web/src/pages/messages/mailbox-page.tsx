import { useEffect, useRef, useState, type FormEvent } from 'react';
import { withQuery } from '../../api/client.js';
import { Link, navigate, useLocation } from '../../router.js';
import { Button } from '../../ui/button.js';
import { TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { PlusIcon, SearchIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader } from '../../ui/page.js';
import { Pager } from '../../ui/pager.js';
import { useApi } from '../../ui/use-api.js';
import type { Box, CaseThreads, MessageList, MessageSummary } from './messages-types.js';
import { HandlingBadge, PaperclipIcon, PriorityBadge, Receipts, RfiBadge, SendStatusBadge, useUnread } from './messages-ui.js';

const PAGE_SIZE = 30;
/** The value of the case filter for messages without a case reference. */
const NO_CASE = '-';

function boxPath(box: Box): string {
  return box === 'in' ? '/messages' : '/messages/outbox';
}

function MessageRow({ m }: { m: MessageSummary }) {
  const people = m.box === 'in' ? m.from.name : m.to.map((t) => t.name).join(', ');
  return (
    <li className={`message-row${m.unread ? ' is-unread' : ''}`} data-message={m.messageId}>
      <span className="dot" aria-hidden="true" />
      <div>
        <div className="message-line">
          <Link to={`/messages/${m.id}`} className="message-subject">
            {m.unread ? <span className="visually-hidden">Unread: </span> : null}
            {m.subject}
          </Link>
          <PriorityBadge priority={m.priority} />
          <RfiBadge message={m} />
          <SendStatusBadge status={m.status} />
        </div>
        <div className="message-meta message-line">
          <span>
            {m.box === 'in' ? 'From' : 'To'} {people}
          </span>
          {m.caseReference ? <span className="badge badge-case">{m.caseReference}</span> : null}
          <HandlingBadge code={m.handling.tlp} />
          {m.handling.restriction ? <span className="badge badge-muted">{m.handling.restriction.code}</span> : null}
          {m.attachmentCount > 0 ? (
            <span title={`${m.attachmentCount} attachment(s)`}>
              <PaperclipIcon /> {m.attachmentCount}
            </span>
          ) : null}
        </div>
        {m.box === 'out' ? (
          <div className="message-meta">
            {m.recipients.map((r) => (
              <div key={r.id} className="message-line">
                <span>{r.name}</span> <Receipts recipient={r} />
                {r.rfiOverdue ? <span className="badge badge-overdue">overdue</span> : null}
              </div>
            ))}
          </div>
        ) : null}
      </div>
      <div className="message-when" title={m.box === 'in' ? (m.receivedAt ?? m.createdAt) : m.createdAt}>
        {formatDateTime(m.box === 'in' ? (m.receivedAt ?? m.createdAt) : m.createdAt)}
      </div>
    </li>
  );
}

/** Inbox or outbox, threads grouped by case on the left; the filters live in the address (back, reload, links). */
export function MailboxPage({ box }: { box: Box }) {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const caseFilter = search.get('case');
  const page = Math.max(1, Number(search.get('page')) || 1);
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  // Polled often and cheaply (no audit event); the list, whose reading is recorded, reloads only when it changed.
  const unread = useUnread(true, '', 10_000);

  const caseReference = caseFilter === null ? undefined : caseFilter === NO_CASE ? '' : caseFilter;
  const list = useApi<MessageList>(withQuery('/messages', { box, q, caseReference, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }));
  const cases = useApi<CaseThreads[]>(withQuery('/messages/cases', { box }));
  const { reload: reloadList } = list;
  const { reload: reloadCases } = cases;

  // New messages and receipts arrive on their own: reload when the mailbox's change marker moves.
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!unread.changes) return;
    if (seen.current !== null && seen.current !== unread.changes) {
      reloadList();
      reloadCases();
    }
    seen.current = unread.changes;
  }, [unread.changes, reloadList, reloadCases]);

  const go = (next: { q?: string; case?: string | null; page?: number }) => {
    const c = next.case === undefined ? caseFilter : next.case;
    navigate(withQuery(boxPath(box), { q: next.q ?? q, case: c ?? undefined, page: next.page && next.page > 1 ? next.page : undefined }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go({ q: text.trim(), page: 1 });
  };

  return (
    <>
      <PageHeader
        title="Messages"
        subtitle="Signed and end-to-end encrypted messages with the agencies of the network."
        actions={
          <Link to="/messages/new" className="btn btn-primary">
            <PlusIcon /> New message
          </Link>
        }
      />
      <nav className="tabs" aria-label="Mailbox">
        <Link to="/messages" className={`tab${box === 'in' ? ' is-active' : ''}`} aria-current={box === 'in' ? 'page' : undefined}>
          Inbox {unread.unread > 0 ? <span className="count count-unread">{unread.unread}</span> : null}
        </Link>
        <Link to="/messages/outbox" className={`tab${box === 'out' ? ' is-active' : ''}`} aria-current={box === 'out' ? 'page' : undefined}>
          Sent
        </Link>
      </nav>
      <div className="mailbox">
        <aside className="mailbox-cases" aria-label="Threads per case">
          <h2>Cases</h2>
          <ul>
            <li>
              <Link to={withQuery(boxPath(box), { q })} className={`mailbox-case${caseFilter === null ? ' is-active' : ''}`}>
                <span className="mailbox-case-name">All messages</span>
              </Link>
            </li>
            {(cases.data ?? []).map((c) => {
              const value = c.caseReference ?? NO_CASE;
              return (
                <li key={value}>
                  <Link to={withQuery(boxPath(box), { q, case: value })} className={`mailbox-case${caseFilter === value ? ' is-active' : ''}`} title={c.caseReference ?? 'Messages without a case reference'}>
                    <span className="mailbox-case-name">{c.caseReference ?? 'No case'}</span>
                    <span className={`count${c.unread > 0 ? ' count-unread' : ''}`} aria-label={c.unread > 0 ? `${c.unread} unread of ${c.messages}` : `${c.messages} messages`}>
                      {c.unread > 0 ? c.unread : c.messages}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </aside>
        <div>
          <form className="filter-bar" role="search" aria-label="Search messages" onSubmit={submit}>
            <TextField label="Search" type="search" placeholder="Subject, text or case reference" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
            <div className="filter-actions">
              <Button type="submit" variant="secondary" icon={<SearchIcon />}>
                Search
              </Button>
              {q || caseFilter !== null ? (
                <Button variant="ghost" onClick={() => navigate(boxPath(box))}>
                  Clear
                </Button>
              ) : null}
            </div>
          </form>
          <ErrorNotice error={list.error} />
          {list.loading && !list.data ? <Loading /> : null}
          {list.data ? (
            list.data.items.length === 0 ? (
              <Empty>{q || caseFilter !== null ? 'No message matches.' : box === 'in' ? 'No message has arrived yet.' : 'Your agency has sent no message yet.'}</Empty>
            ) : (
              <>
                <ul className="message-list" aria-label={box === 'in' ? 'Inbox, newest first' : 'Sent messages, newest first'} aria-busy={list.loading}>
                  {list.data.items.map((m) => (
                    <MessageRow key={m.id} m={m} />
                  ))}
                </ul>
                <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(p) => go({ page: p })} noun="messages" />
              </>
            )
          ) : null}
        </div>
      </div>
    </>
  );
}
