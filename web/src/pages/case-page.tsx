import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, withQuery } from '../api/client.js';
import type { Agency, AuditEvent, Case, Participant } from '../api/types.js';
import { Link } from '../router.js';
import { useMe } from '../session/session.js';
import { AccessBadge, StatusBadge } from '../ui/badges.js';
import { AuditTable } from '../ui/audit-table.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import { SelectField } from '../ui/field.js';
import { formatDate, formatDateTime } from '../ui/format.js';
import { ArrowLeftIcon, PencilIcon, PlusIcon } from '../ui/icons.js';
import { ErrorNotice } from '../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';
import { CaseIntelPanel } from './intel/also-seen-in.js';
import { CaseLocationPanel } from './location/case-location-panel.js';
import { CaseMatchingPanel } from './hits/case-matching-page.js';
import { CaseMediaPanel } from './media/case-media-panel.js';
import { CaseVictimsPanel } from './victims/case-victims-panel.js';

const AUDIT_PAGE = 20;

function Details({ c }: { c: Case }) {
  return (
    <Section title="Details" id="case-details">
      <dl className="details-grid">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={c.status} />
          </dd>
        </div>
        <div>
          <dt>Lead agency</dt>
          <dd>{c.leadAgencyName}</dd>
        </div>
        <div>
          <dt>Our access</dt>
          <dd>
            <AccessBadge access={c.access} />
          </dd>
        </div>
        <div>
          <dt>Review date</dt>
          <dd>{formatDate(c.reviewDate)}</dd>
        </div>
        <div className="span-2">
          <dt>Legal authority</dt>
          <dd>{c.legalAuthority ?? <span className="muted">Not recorded</span>}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd title={c.createdAt}>
            {formatDateTime(c.createdAt)} by {c.createdBy}
          </dd>
        </div>
        <div>
          <dt>Last changed</dt>
          <dd title={c.updatedAt}>{formatDateTime(c.updatedAt)}</dd>
        </div>
      </dl>
      <h3 className="subheading">Description</h3>
      {c.description ? <p className="prose">{c.description}</p> : <p className="muted">No description.</p>}
    </Section>
  );
}

function AddParticipantDialog({ c, agencies, onClose, onSaved }: { c: Case; agencies: Agency[]; onClose: () => void; onSaved: (c: Case) => void }) {
  const taken = new Set(c.participants.map((p) => p.agencyId));
  const candidates = agencies.filter((a) => !taken.has(a.id) && a.status === 'active');
  const [agencyId, setAgencyId] = useState(candidates[0]?.id ?? '');
  const [access, setAccess] = useState<'contribute' | 'read'>('contribute');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!agencyId) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.put<Case>(`/cases/${c.id}/participants/${agencyId}`, { access }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Add a participating agency"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="add-participant" variant="primary" busy={busy} disabled={!agencyId}>
            Add agency
          </Button>
        </>
      }
    >
      <ErrorNotice error={error} />
      {candidates.length === 0 ? (
        <p>Every agency known to this node already takes part in this case. An admin can add agencies under Administration → Agencies.</p>
      ) : (
        <form id="add-participant" className="stack" onSubmit={(e) => void submit(e)}>
          <SelectField label="Agency" value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
            {candidates.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.country})
              </option>
            ))}
          </SelectField>
          <SelectField label="Access" value={access} onChange={(e) => setAccess(e.target.value as 'contribute' | 'read')} hint="Contribute: add intelligence and media. Read: see the case only (e.g. a prosecutor’s office).">
            <option value="contribute">Contribute</option>
            <option value="read">Read</option>
          </SelectField>
        </form>
      )}
    </Dialog>
  );
}

function Participants({ c, onChange }: { c: Case; onChange: (c: Case) => void }) {
  const me = useMe();
  const agencies = useApi<Agency[]>(c.can.update ? '/agencies' : null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Participant | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (key: string, call: () => Promise<Case>) => {
    setBusy(key);
    setError(null);
    try {
      onChange(await call());
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(null);
    }
  };

  return (
    <Section
      title="Participants"
      id="case-participants"
      actions={
        c.can.update ? (
          <Button size="small" icon={<PlusIcon />} onClick={() => setAdding(true)} disabled={!agencies.data}>
            Add agency
          </Button>
        ) : null
      }
    >
      <ErrorNotice error={error ?? agencies.error} />
      <ul className="participant-list">
        {c.participants.map((p) => (
          <li key={p.agencyId} className="participant">
            <div className="participant-main">
              <span className="participant-name">
                {p.agencyName}
                {p.agencyId === me.agency.id ? <span className="muted small"> (us)</span> : null}
              </span>
              <span className="muted small">
                {p.country} · since {formatDate(p.addedAt)}
              </span>
            </div>
            <AccessBadge access={p.access} />
            {c.can.update && p.access !== 'lead' ? (
              <div className="participant-actions">
                <Button
                  size="small"
                  variant="ghost"
                  busy={busy === `access-${p.agencyId}`}
                  onClick={() => void run(`access-${p.agencyId}`, () => api.put<Case>(`/cases/${c.id}/participants/${p.agencyId}`, { access: p.access === 'read' ? 'contribute' : 'read' }))}
                  aria-label={p.access === 'read' ? `Allow ${p.agencyName} to contribute` : `Make ${p.agencyName} read-only`}
                >
                  {p.access === 'read' ? 'Allow contributing' : 'Make read-only'}
                </Button>
                <Button size="small" variant="ghost" className="text-danger" onClick={() => setRemoving(p)} aria-label={`Remove ${p.agencyName}`}>
                  Remove
                </Button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {adding && agencies.data ? (
        <AddParticipantDialog
          c={c}
          agencies={agencies.data}
          onClose={() => setAdding(false)}
          onSaved={(updated) => {
            onChange(updated);
            setAdding(false);
          }}
        />
      ) : null}
      {removing ? (
        <Dialog
          title={`Remove ${removing.agencyName}?`}
          onClose={() => setRemoving(null)}
          footer={
            <>
              <Button variant="ghost" onClick={() => setRemoving(null)}>
                Cancel
              </Button>
              <Button
                variant="danger"
                busy={busy === 'remove'}
                onClick={() => void run('remove', () => api.delete<Case>(`/cases/${c.id}/participants/${removing.agencyId}`)).then((ok) => ok && setRemoving(null))}
              >
                Remove agency
              </Button>
            </>
          }
        >
          <p>{removing.agencyName} will no longer see this case. What it already received stays with it; the removal is recorded in the audit trail.</p>
        </Dialog>
      ) : null}
    </Section>
  );
}

function CaseAudit({ caseId, version }: { caseId: string; version: string }) {
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (before?: number) => {
      setBusy(true);
      setError(null);
      try {
        const page = await api.get<{ items: AuditEvent[]; nextBefore: number | null }>(withQuery(`/cases/${caseId}/audit`, { limit: AUDIT_PAGE, before }));
        setEvents((current) => (before && current ? [...current, ...page.items] : page.items));
        setMore(page.nextBefore !== null);
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [caseId],
  );

  // Reload whenever the case changes (an edit or a participant change adds events).
  useEffect(() => void load(), [load, version]);

  return (
    <Section title="Audit trail" id="case-audit" actions={<span className="muted small">Every read and change of this case, newest first</span>}>
      <ErrorNotice error={error} />
      {events === null ? (
        <Loading />
      ) : events.length === 0 ? (
        <Empty>No events yet.</Empty>
      ) : (
        <>
          <AuditTable events={events} caption="Audit trail of this case, newest first" />
          {more ? (
            <div className="table-footer">
              <Button size="small" busy={busy} onClick={() => void load(events[events.length - 1]!.seq)}>
                Show older events
              </Button>
            </div>
          ) : null}
        </>
      )}
    </Section>
  );
}

/** One case: details, participating agencies (managed by the lead) and its audit trail. */
export function CasePage({ caseId }: { caseId: string }) {
  const { data: c, error, setData } = useApi<Case>(`/cases/${caseId}`);
  const version = useMemo(() => (c ? `${c.updatedAt}|${c.participants.map((p) => p.agencyId + p.access).join(',')}` : ''), [c]);

  if (error) {
    return (
      <>
        <PageHeader title="Case" />
        <ErrorNotice error={error} title="The case could not be opened" />
        <p>
          <Link to="/cases">Back to cases</Link>
        </p>
      </>
    );
  }
  if (!c) return <Loading />;

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to="/cases" className="back-link">
            <ArrowLeftIcon /> Cases
          </Link>
        }
        title={
          <>
            <span className="case-ref">{c.reference}</span> {c.title}
          </>
        }
        actions={
          c.can.update ? (
            <Link to={`/cases/${c.id}/edit`} className="btn btn-secondary">
              <PencilIcon /> Edit case
            </Link>
          ) : null
        }
      />
      <div className="case-grid">
        <Details c={c} />
        <Participants c={c} onChange={setData} />
      </div>
      <CaseIntelPanel caseId={c.id} />
      <CaseMediaPanel c={c} />
      <CaseVictimsPanel c={c} />
      <CaseMatchingPanel c={c} />
      <CaseLocationPanel c={c} />
      {version ? <CaseAudit caseId={c.id} version={version} /> : null}
    </>
  );
}
