import { useEffect, useState, type FormEvent } from 'react';
import { withQuery } from '../api/client.js';
import type { CaseList, CaseStatus } from '../api/types.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session/session.js';
import { AccessBadge, CASE_STATUS_LABELS, StatusBadge } from '../ui/badges.js';
import { Button } from '../ui/button.js';
import { SelectField, TextField } from '../ui/field.js';
import { formatDate, formatDateTime } from '../ui/format.js';
import { PlusIcon, SearchIcon } from '../ui/icons.js';
import { ErrorNotice } from '../ui/notice.js';
import { Empty, Loading, PageHeader } from '../ui/page.js';
import { Pager } from '../ui/pager.js';
import { useApi } from '../ui/use-api.js';

const PAGE_SIZE = 25;
const STATUSES = Object.keys(CASE_STATUS_LABELS) as CaseStatus[];

/** The cases the user's agency takes part in; the filters live in the address so back/forward and reload keep them. */
export function CaseListPage() {
  const { hasRole } = useSession();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = (STATUSES as string[]).includes(search.get('status') ?? '') ? (search.get('status') as CaseStatus) : '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const [text, setText] = useState(q);
  const [statusChoice, setStatusChoice] = useState<CaseStatus | ''>(status);

  useEffect(() => {
    setText(q);
    setStatusChoice(status);
  }, [q, status]);

  const { data, error, loading } = useApi<CaseList>(withQuery('/cases', { q, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }));

  const go = (next: { q?: string; status?: string; page?: number }) => {
    const query = { q: next.q ?? q, status: next.status ?? status, page: next.page && next.page > 1 ? next.page : undefined };
    navigate(withQuery('/cases', query));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    go({ q: text.trim(), status: statusChoice, page: 1 });
  };

  const filtered = q !== '' || status !== '';
  return (
    <>
      <PageHeader
        title="Cases"
        subtitle="Cases in which your agency takes part."
        actions={
          hasRole('investigator') ? (
            <Link to="/cases/new" className="btn btn-primary">
              <PlusIcon /> New case
            </Link>
          ) : null
        }
      />
      <form className="filter-bar" role="search" aria-label="Search cases" onSubmit={submit}>
        <TextField label="Search" type="search" placeholder="Reference, title or description" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
        <SelectField label="Status" value={statusChoice} onChange={(e) => setStatusChoice(e.target.value as CaseStatus | '')}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {CASE_STATUS_LABELS[s]}
            </option>
          ))}
        </SelectField>
        <div className="filter-actions">
          <Button type="submit" variant="secondary" icon={<SearchIcon />}>
            Search
          </Button>
          {filtered ? (
            <Button variant="ghost" onClick={() => navigate('/cases')}>
              Clear
            </Button>
          ) : null}
        </div>
      </form>

      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        data.items.length === 0 ? (
          <Empty>{filtered ? 'No case matches these filters.' : hasRole('investigator') ? 'No cases yet. Open the first one with “New case”.' : 'Your agency takes part in no case yet.'}</Empty>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table" aria-busy={loading}>
                <caption className="visually-hidden">Cases, most recently updated first</caption>
                <thead>
                  <tr>
                    <th scope="col">Reference</th>
                    <th scope="col">Title</th>
                    <th scope="col">Status</th>
                    <th scope="col">Lead agency</th>
                    <th scope="col">Our access</th>
                    <th scope="col">Review date</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c) => (
                    <tr key={c.id}>
                      <td className="nowrap">
                        <Link to={`/cases/${c.id}`} className="strong-link">
                          {c.reference}
                        </Link>
                      </td>
                      <td className="cell-title">{c.title}</td>
                      <td>
                        <StatusBadge status={c.status} />
                      </td>
                      <td>{c.leadAgencyName}</td>
                      <td>
                        <AccessBadge access={c.access} />
                      </td>
                      <td className="nowrap">{formatDate(c.reviewDate)}</td>
                      <td className="nowrap" title={c.updatedAt}>
                        {formatDateTime(c.updatedAt)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => go({ page: p })} noun="cases" />
          </>
        )
      ) : null}
    </>
  );
}
