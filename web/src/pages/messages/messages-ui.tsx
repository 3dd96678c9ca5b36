import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { SelectField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import type { MessageSummary, Priority, RecipientStatus } from './messages-types.js';
import { PRIORITY_LABELS } from './messages-types.js';
import './messages.css';

export { HandlingBadge } from '../intel/intel-ui.js';

export function PriorityBadge({ priority }: { priority: Priority }) {
  if (priority === 'normal') return null;
  return <span className={`badge badge-priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}

/** The priority of a message being composed (the composer and "send this record"). */
export function PrioritySelect({ value, onChange }: { value: Priority; onChange: (p: Priority) => void }) {
  return (
    <SelectField label="Priority" value={value} onChange={(e) => onChange(e.target.value as Priority)}>
      {(Object.keys(PRIORITY_LABELS) as Priority[]).map((p) => (
        <option key={p} value={p}>
          {PRIORITY_LABELS[p]}
        </option>
      ))}
    </SelectField>
  );
}

/** A request for information: its deadline, or that it is overdue (past the deadline, not answered). */
export function RfiBadge({ message }: { message: Pick<MessageSummary, 'rfiDeadline' | 'rfiOverdue'> }) {
  if (!message.rfiDeadline) return null;
  if (message.rfiOverdue) {
    return (
      <span className="badge badge-overdue" title={`Deadline ${formatDateTime(message.rfiDeadline)}`}>
        RFI overdue
      </span>
    );
  }
  return (
    <span className="badge badge-rfi" title="Request for information">
      RFI by {formatDateTime(message.rfiDeadline)}
    </span>
  );
}

export function SendStatusBadge({ status }: { status: MessageSummary['status'] }) {
  if (status === 'queued') return <span className="badge badge-queued" title="Sealed and waiting for the hub">Waiting to send</span>;
  if (status === 'failed') return <span className="badge badge-failed" title="The hub refused it; see the network status">Not sent</span>;
  return null;
}

/** A recipient's three receipts as steps: delivered, read, answered. */
export function Receipts({ recipient }: { recipient: RecipientStatus }) {
  const steps: [string, string | null][] = [
    ['delivered', recipient.deliveredAt],
    ['read', recipient.readAt],
    ['answered', recipient.answeredAt],
  ];
  return (
    <span className="receipts" aria-label={`${recipient.name}: ${steps.filter(([, at]) => at).map(([s]) => s).join(', ') || 'no receipt yet'}`}>
      {steps.map(([label, at]) => (
        <span key={label} className={`receipt-step${at ? ' is-done' : ''}`} title={at ? `${label} ${formatDateTime(at)}` : `not ${label} yet`}>
          {label}
        </span>
      ))}
    </span>
  );
}

/** Unread inbox messages and overdue requests, polled for the navigation; `refreshKey` changes look again at once. */
export function useUnread(enabled: boolean, refreshKey = '', everyMs = 30_000): { unread: number; overdue: number; changes: string } {
  const [counts, setCounts] = useState({ unread: 0, overdue: 0, changes: '' });
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const load = () =>
      api
        .get<{ unread: number; overdue: number; changes: string }>('/messages/unread')
        .then((c) => !stopped && setCounts(c))
        .catch(() => undefined);
    void load();
    const timer = window.setInterval(load, everyMs);
    const onChange = () => void load();
    window.addEventListener('tessera:messages-changed', onChange);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      window.removeEventListener('tessera:messages-changed', onChange);
    };
  }, [enabled, everyMs, refreshKey]);
  return counts;
}

/** Tells the navigation's counters that a message was opened or sent. */
export function messagesChanged(): void {
  window.dispatchEvent(new Event('tessera:messages-changed'));
}

export const MailIcon = () => (
  <svg className="icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <rect x="3" y="5" width="18" height="14" rx="2" />
    <path d="m3 7 9 6 9-6" />
  </svg>
);

export const PaperclipIcon = () => (
  <svg className="icon" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-label="attachments">
    <path d="m21 12-8.5 8.5a5 5 0 0 1-7-7L14 5a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 8" />
  </svg>
);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
