import { useEffect, useState, type FormEvent } from 'react';
import { withQuery } from '../api/client.js';
import type { AuditPage as AuditPageData, LoggedOperation, User } from '../api/types.js';
import { navigate, useLocation } from '../router.js';
import { useSession } from '../session/session.js';
import { OPERATION_LABELS } from '../ui/badges.js';
import { AuditTable } from '../ui/audit-table.js';
import { Button } from '../ui/button.js';
import { SelectField, TextField } from '../ui/field.js';
import { isoToLocalInput, localInputToIso } from '../ui/format.js';
import { ErrorNotice } from '../ui/notice.js';
import { Empty, Loading, PageHeader } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';

const PAGE_SIZES = [25, 50, 100, 200];
const DEFAULT_PAGE_SIZE = 50;
const OPERATIONS = Object.keys(OPERATION_LABELS) as LoggedOperation[];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILTER_KEYS = ['user', 'caseId', 'operation', 'action', 'from', 'to'] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ''])) as Filters;
}

/**
 * The agency's audit trail for admins and auditors: who did what, when, to which object; never the content. Filters
 * and the page position live in the address, so a finding can be shared as a link.
 */
export function AuditPage() {
  const { hasRole } = useSession();
  const { search } = useLocation();
  const applied = filtersOf(search);
  const before = Number(search.get('before')) || undefined;
  const limit = PAGE_SIZES.includes(Number(search.get('limit'))) ? Number(search.get('limit')) : DEFAULT_PAGE_SIZE;
  const [form, setForm] = useState<Filters>(applied);
  const [fromInput, setFromInput] = useState(isoToLocalInput(applied.from || null));
  const [toInput, setToInput] = useState(isoToLocalInput(applied.to || null));
  const [local, setLocal] = useState<Record<string, string>>({});
  // The `before` values of the pages we came from, for "Newer" (the API pages backwards only).
  const [newer, setNewer] = useState<(number | undefined)[]>([]);
  const users = useApi<User[]>(hasRole('admin') ? '/users' : null);

  const key = search.toString();
  useEffect(() => {
    const f = filtersOf(new URLSearchParams(key));
    setForm(f);
    setFromInput(isoToLocalInput(f.from || null));
    setToInput(isoToLocalInput(f.to || null));
  }, [key]);

  const path = withQuery('/audit', { ...applied, operation: applied.operation || undefined, before, limit });
  const { data, error, loading } = useApi<AuditPageData>(path);

  const go = (filters: Filters, nextBefore?: number, pageSize = limit) =>
    navigate(withQuery('/audit', { ...filters, before: nextBefore, limit: pageSize === DEFAULT_PAGE_SIZE ? undefined : pageSize }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    const caseId = form.caseId.trim().toLowerCase();
    if (caseId && !UUID.test(caseId)) problems.caseId = 'A case id looks like 0190a1b2-…: copy it from an event or the case address';
    const from = fromInput ? localInputToIso(fromInput) : '';
    const to = toInput ? localInputToIso(toInput) : '';
    if (from === undefined) problems.from = 'Not a valid time';
    if (to === undefined) problems.to = 'Not a valid time';
    if (from && to && from > to) problems.to = 'Must be after “From”';
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setNewer([]);
    go({ ...form, user: form.user.trim(), action: form.action.trim(), caseId, from: from ?? '', to: to ?? '' });
  };

  const set = (k: keyof Filters, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const filtered = FILTER_KEYS.some((k) => applied[k]);

  return (
    <>
      <PageHeader title="Audit trail" subtitle="Every sign-in, read, change and disclosure in your agency, newest first. It shows who did what, never the content." />
      <form className="filter-bar filter-bar-audit" aria-label="Filter the audit trail" onSubmit={submit}>
        <TextField label="User" value={form.user} onChange={(e) => set('user', e.target.value)} list={users.data ? 'audit-users' : undefined} placeholder="username" spellCheck={false} autoCapitalize="none" />
        {users.data ? (
          <datalist id="audit-users">
            {users.data.map((u) => (
              <option key={u.id} value={u.username}>
                {u.displayName}
              </option>
            ))}
          </datalist>
        ) : null}
        <TextField label="Case id" value={form.caseId} onChange={(e) => set('caseId', e.target.value)} placeholder="UUID" spellCheck={false} error={local.caseId} />
        <SelectField label="Operation" value={form.operation} onChange={(e) => set('operation', e.target.value)}>
          <option value="">Any</option>
          {OPERATIONS.map((o) => (
            <option key={o} value={o}>
              {OPERATION_LABELS[o]}
            </option>
          ))}
        </SelectField>
        <TextField label="Action" value={form.action} onChange={(e) => set('action', e.target.value)} placeholder="e.g. case.read" spellCheck={false} />
        <TextField label="From" type="datetime-local" value={fromInput} onChange={(e) => setFromInput(e.target.value)} error={local.from} />
        <TextField label="To" type="datetime-local" value={toInput} onChange={(e) => setToInput(e.target.value)} error={local.to} />
        <div className="filter-actions">
          <Button type="submit" variant="secondary">
            Apply
          </Button>
          {filtered ? (
            <Button
              variant="ghost"
              onClick={() => {
                setNewer([]);
                navigate('/audit');
              }}
            >
              Clear
            </Button>
          ) : null}
        </div>
      </form>
      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        data.items.length === 0 ? (
          <Empty>{filtered ? 'No event matches these filters.' : 'The trail is empty.'}</Empty>
        ) : (
          <>
            <AuditTable
              events={data.items}
              caption="Audit events, newest first"
              onCase={(caseId) => {
                setNewer([]);
                go({ ...applied, caseId });
              }}
            />
            <nav className="pager" aria-label="Pages of audit events">
              <p className="muted">
                Events {data.items[0]!.seq} to {data.items[data.items.length - 1]!.seq}
                {before ? '' : ' (newest)'}
              </p>
              <div className="pager-buttons">
                {before ? (
                  <Button
                    size="small"
                    onClick={() => {
                      const stack = [...newer];
                      const target = stack.pop();
                      setNewer(stack);
                      go(applied, target);
                    }}
                  >
                    Newer
                  </Button>
                ) : null}
                <Button
                  size="small"
                  disabled={data.nextBefore === null}
                  onClick={() => {
                    setNewer([...newer, before]);
                    go(applied, data.nextBefore ?? undefined);
                  }}
                >
                  Older
                </Button>
                <label className="per-page">
                  <span>Per page</span>
                  <select
                    className="input select"
                    value={limit}
                    onChange={(e) => {
                      setNewer([]);
                      go(applied, undefined, Number(e.target.value));
                    }}
                  >
                    {PAGE_SIZES.map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            </nav>
          </>
        )
      ) : null}
    </>
  );
}
