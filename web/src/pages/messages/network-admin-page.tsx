import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.js';
import { Button } from '../../ui/button.js';
import { CopyButton } from '../../ui/copy-button.js';
import { SelectField, TextField } from '../../ui/field.js';
import { countryName, countryOptions, formatDateTime } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { HubMember, HubOverview, NetworkStatus, Rejection } from './messages-types.js';
import './messages.css';

const STATUS_BADGE: Record<string, string> = { active: 'badge-ok', pending: 'badge-warning', suspended: 'badge-muted' };

function MembershipPanel() {
  const status = useApi<NetworkStatus>('/network/status');
  const rejections = useApi<Rejection[]>('/network/rejections');
  const [hubUrl, setHubUrl] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState<'join' | 'rotate' | 'sync' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = async (what: 'join' | 'rotate' | 'sync', run: () => Promise<string>) => {
    setBusy(what);
    setError(null);
    setNotice(null);
    try {
      setNotice(await run());
      status.reload();
      rejections.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  if (status.error) return <ErrorNotice error={status.error} />;
  if (!status.data) return <Loading />;
  const m = status.data.membership;
  return (
    <>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <ErrorNotice error={error} />
      {m?.lastError?.startsWith('SECURITY') ? (
        <Notice tone="error" title="The hub lists keys for your agency that this node does not hold">
          {m.lastError}
        </Notice>
      ) : null}
      <Section title="Membership" id="network-membership">
        {m ? (
          <dl className="message-head">
            <dt>Hub</dt>
            <dd>
              {m.hubUrl} <span className="muted small">({m.hubId})</span>
            </dd>
            <dt>Status</dt>
            <dd>
              <span className={`badge ${STATUS_BADGE[m.status] ?? ''}`}>{m.status}</span>
              {m.status === 'pending' ? <span className="muted small"> — waiting for the hub administrator’s approval</span> : null}
            </dd>
            <dt>Directory</dt>
            <dd>version {m.directoryVersion}</dd>
            <dt>Last contact</dt>
            <dd>
              {formatDateTime(m.lastContactAt)}
              {m.lastError && !m.lastError.startsWith('SECURITY') ? <span className="field-error"> {m.lastError}</span> : null}
            </dd>
            <dt>Outbox</dt>
            <dd>{status.data.outboxPending} envelope(s) waiting for the hub</dd>
          </dl>
        ) : (
          <form className="stack" onSubmit={(e: FormEvent) => (e.preventDefault(), void act('join', async () => (await api.post<{ status: string }>('/network/join', { hubUrl: hubUrl.trim(), token: token.trim() }), 'Joined: the hub administrator must now approve your agency.')))}>
            <p className="muted">Your agency has not joined a network. The hub administrator gives you the hub’s address and a one-time enrolment token for your agency.</p>
            <TextField label="Hub address" required placeholder="https://hub.example.org" value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} />
            <TextField label="Enrolment token" required placeholder="tsn1.…" value={token} onChange={(e) => setToken(e.target.value)} hint="It also names the hub’s key: a hub presenting another key is refused." />
            <div className="form-actions">
              <Button type="submit" variant="primary" busy={busy === 'join'} disabled={!hubUrl.trim() || !token.trim()}>
                Join
              </Button>
            </div>
          </form>
        )}
        {m ? (
          <div className="form-actions">
            <Button busy={busy === 'sync'} onClick={() => void act('sync', async () => {
              const r = await api.post<{ accepted: number; rejected: number; sent: number; waiting: number }>('/network/sync');
              return `Sent ${r.sent} (${r.waiting} waiting); received ${r.accepted}, rejected ${r.rejected}.`;
            })}>
              Exchange now
            </Button>
          </div>
        ) : null}
      </Section>
      <Section title="Keys of your agency" id="network-keys" actions={
        <Button size="small" busy={busy === 'rotate'} onClick={() => void act('rotate', async () => {
          const r = await api.post<{ sig: string; enc: string }>('/network/keys/rotate');
          return `New keys ${r.sig.slice(0, 10)}… and ${r.enc.slice(0, 10)}…; the old ones stay to read what was sealed to them.`;
        })}>
          Rotate keys
        </Button>
      }>
        <p className="muted small">Key ids are thumbprints of the public keys: compare them with the hub administrator when you join.</p>
        <ul className="attachment-list">
          {status.data.keys.map((k) => (
            <li key={k.kid}>
              <span className="badge badge-muted">{k.use === 'sig' ? 'signing' : 'encryption'}</span>
              <code>{k.kid}</code>
              <span className={`badge ${k.status === 'current' ? 'badge-ok' : 'badge-muted'}`}>{k.status}</span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Rejected envelopes" id="network-rejections">
        {rejections.data && rejections.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Envelopes refused on arrival, newest first; their content was shown to nobody</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Claimed sender</th>
                  <th scope="col">Envelope</th>
                </tr>
              </thead>
              <tbody>
                {rejections.data.map((r) => (
                  <tr key={r.id}>
                    <td className="nowrap">{formatDateTime(r.at)}</td>
                    <td>
                      <span className="badge badge-failed">{r.code}</span> {r.reason}
                    </td>
                    <td>
                      <code className="small">{r.fromAgencyId ?? '—'}</code>
                    </td>
                    <td>
                      <code className="small">{r.envelopeId ?? '—'}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>No envelope has been refused.</Empty>
        )}
      </Section>
    </>
  );
}

/** On a hub node: enrolment tokens and the member agencies, to approve or suspend. */
function HubPanel() {
  const overview = useApi<HubOverview>('/hub/overview');
  const members = useApi<HubMember[]>(overview.data ? '/hub/members' : null);
  const countries = useMemo(countryOptions, []);
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [issued, setIssued] = useState<{ token: string; name: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  // Not a hub: the endpoint does not exist here.
  if (overview.error instanceof ApiError && overview.error.status === 404) return null;
  if (overview.error) return <ErrorNotice error={overview.error} />;
  if (!overview.data) return null;

  const enrol = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('enrol');
    setError(null);
    try {
      const r = await api.post<{ token: string; enrolment: { name: string } }>('/hub/enrolments', { name: name.trim(), country });
      setIssued({ token: r.token, name: r.enrolment.name });
      setName('');
      setCountry('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const setStatus = async (agencyId: string, verb: 'approve' | 'suspend') => {
    setBusy(agencyId);
    setError(null);
    try {
      await api.post(`/hub/members/${agencyId}/${verb}`);
      members.reload();
      overview.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Section title="This hub" id="hub-overview">
        <dl className="message-head">
          <dt>Hub id</dt>
          <dd>
            <code>{overview.data.hubId}</code>
          </dd>
          <dt>Signing key</dt>
          <dd>
            <code>{overview.data.kid}</code> <span className="muted small">(carried in every enrolment token)</span>
          </dd>
          <dt>Directory</dt>
          <dd>version {overview.data.directoryVersion}</dd>
          <dt>Mailbox</dt>
          <dd>
            {overview.data.envelopes} sealed envelope(s), {overview.data.pendingDeliveries} delivery(ies) waiting, {overview.data.parts} attachment part(s)
          </dd>
        </dl>
      </Section>
      <ErrorNotice error={error} />
      <Section title="Enrol an agency" id="hub-enrol">
        {issued ? (
          <Notice tone="success" title={`Enrolment token for ${issued.name}`}>
            <p>Give it to the agency’s administrator over a trusted channel; it is shown only now and works once, for 7 days.</p>
            <p>
              <code className="token-value">{issued.token}</code> <CopyButton text={issued.token} />
            </p>
          </Notice>
        ) : null}
        <form className="compose-grid" onSubmit={(e) => void enrol(e)}>
          <TextField label="Agency name" required value={name} onChange={(e) => setName(e.target.value)} maxLength={200} hint="As the network will see it." />
          <SelectField label="Country" required value={country} onChange={(e) => setCountry(e.target.value)}>
            <option value="">Choose…</option>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </SelectField>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy === 'enrol'} disabled={name.trim().length < 2 || !country}>
              Issue token
            </Button>
          </div>
        </form>
      </Section>
      <Section title="Member agencies" id="hub-members">
        {members.data && members.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Member agencies of the network</caption>
              <thead>
                <tr>
                  <th scope="col">Agency</th>
                  <th scope="col">Country</th>
                  <th scope="col">Status</th>
                  <th scope="col">Current keys</th>
                  <th scope="col">Joined</th>
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {members.data.map((mb) => (
                  <tr key={mb.agencyId}>
                    <td>{mb.name}</td>
                    <td>{countryName(mb.country)}</td>
                    <td>
                      <span className={`badge ${STATUS_BADGE[mb.status] ?? ''}`}>{mb.status}</span>
                    </td>
                    <td>
                      {mb.keys
                        .filter((k) => k.status === 'current')
                        .map((k) => (
                          <div key={k.kid} className="small">
                            {k.use}: <code>{k.kid.slice(0, 16)}…</code>
                          </div>
                        ))}
                    </td>
                    <td className="nowrap">{formatDateTime(mb.joinedAt)}</td>
                    <td className="cell-actions">
                      {mb.status !== 'active' ? (
                        <Button size="small" variant="primary" busy={busy === mb.agencyId} onClick={() => void setStatus(mb.agencyId, 'approve')}>
                          {mb.status === 'pending' ? 'Approve' : 'Reinstate'}
                        </Button>
                      ) : (
                        <Button size="small" variant="danger" busy={busy === mb.agencyId} onClick={() => void setStatus(mb.agencyId, 'suspend')}>
                          Suspend
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>No agency has joined yet.</Empty>
        )}
      </Section>
    </>
  );
}

/** The agency admin's view of the exchange network (and, on a hub node, the hub's administration). */
export function NetworkAdminPage() {
  return (
    <>
      <PageHeader title="Network" subtitle="Your agency’s membership of the exchange network: the hub, your keys, envelopes refused on arrival." />
      <HubPanel />
      <MembershipPanel />
    </>
  );
}
