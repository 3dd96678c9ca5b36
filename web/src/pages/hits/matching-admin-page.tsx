import { useState } from 'react';
import { api } from '../../api/client.js';
import { Button } from '../../ui/button.js';
import { SelectField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { DisclosureMode, HandlingCode, MatchingStatus, Policy, SyncResult } from './hits-types.js';
import { MODE_LABELS, TLP_CODES } from './hits-types.js';
import './hits.css';

const MODES: DisclosureMode[] = ['full', 'contact', 'owner'];
const plural = (n: number, noun: string) => `${n.toLocaleString('en-GB')} ${noun}${n === 1 ? '' : 's'}`;

function KeySection({ status, onChange }: { status: MatchingStatus; onChange: (s: MatchingStatus) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const create = async () => {
    if (status.key && !window.confirm('Rotate the network match key? Every agency of the network re-tokenises everything it shares; hits found so far stay.')) return;
    setBusy(true);
    setError(null);
    try {
      onChange(await api.post<MatchingStatus>('/matching/key'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Network match key" id="matching-key">
      <ErrorNotice error={error} />
      {!status.member ? <Notice tone="warning">Your agency is not an active member of a network yet: join a hub first (Agencies, network).</Notice> : null}
      {status.member && status.epoch === 0 && !status.mayFound ? <Notice tone="info">The network has no match key yet. Its founding agency creates it and gives it to every member, sealed.</Notice> : null}
      {status.key ? (
        <p>
          Epoch <strong>{status.key.epoch}</strong>, fingerprint <code className="mono">{status.key.fingerprint}</code> ({status.key.origin === 'created' ? 'created by your agency' : 'received from the founding agency'}).
          {status.epoch > status.key.epoch ? ' A newer epoch exists: its key is on its way.' : ''}
        </p>
      ) : status.member && status.epoch > 0 ? (
        <p>The network is at epoch {status.epoch}; the founding agency has been asked for the key.</p>
      ) : null}
      <p className="muted small">The key never reaches the hub: the founding agency seals it to each member agency's encryption key. Nodes compare fingerprints to know they hold the same key.</p>
      {status.mayFound ? (
        <Button variant={status.key ? 'secondary' : 'primary'} busy={busy} onClick={() => void create()}>
          {status.key ? 'Rotate the key' : 'Create the network match key'}
        </Button>
      ) : null}
    </Section>
  );
}

function PolicySection() {
  const { data, error, setData } = useApi<Policy>('/matching/policy');
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const set = async (code: HandlingCode, mode: DisclosureMode) => {
    setBusy(code);
    setActionError(null);
    try {
      setData(await api.put<Policy>('/matching/policy', { [code]: mode }));
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Section title="Disclosure policy" id="matching-policy">
      <p className="muted">What the other agency of a hit learns about your item, by the item's handling code.</p>
      <ErrorNotice error={error ?? actionError} />
      {!data ? <Loading /> : null}
      {data ? (
        <div className="matching-policy">
          {TLP_CODES.map((code) => (
            <SelectField key={code} label={code} value={data[code]} disabled={busy === code} onChange={(e) => void set(code, e.target.value as DisclosureMode)}>
              {MODES.map((m) => (
                <option key={m} value={m}>
                  {MODE_LABELS[m]}
                </option>
              ))}
            </SelectField>
          ))}
        </div>
      ) : null}
    </Section>
  );
}

/** The agency admin's matching screen: the network key, the disclosure policy, and the state of publishing. */
export function MatchingAdminPage() {
  const { data, error, setData, reload } = useApi<MatchingStatus>('/matching/status');
  const [syncing, setSyncing] = useState(false);
  const [result, setResult] = useState<SyncResult | null>(null);
  const [syncError, setSyncError] = useState<unknown>(null);
  const sync = async () => {
    setSyncing(true);
    setSyncError(null);
    try {
      setResult(await api.post<SyncResult>('/matching/sync'));
      reload();
    } catch (err) {
      setSyncError(err);
    } finally {
      setSyncing(false);
    }
  };
  return (
    <>
      <PageHeader title="Network matching" subtitle="Hit/no-hit across the network: selectors, file digests and near-duplicate pictures, compared at the hub as keyed tokens." />
      <ErrorNotice error={error} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <KeySection status={data} onChange={setData} />
          <PolicySection />
          <Section
            title="Publishing"
            id="matching-publishing"
            actions={
              <Button size="small" busy={syncing} disabled={!data.member} onClick={() => void sync()}>
                Synchronise now
              </Button>
            }
          >
            <ErrorNotice error={syncError} />
            <p>
              {plural(data.published.selectors, 'selector')} and {plural(data.published.media, 'media item')} at the hub; {plural(data.hits, 'hit')}.
            </p>
            <p className="muted small">
              Last synchronised {data.lastSyncAt ? formatDateTime(data.lastSyncAt) : 'never'}
              {data.lastError ? ` · last error: ${data.lastError}` : ''}
            </p>
            {result ? (
              <Notice tone={result.skipped ? 'warning' : 'success'}>
                {result.skipped === 'no-key'
                  ? 'Nothing published: the network has no match key yet.'
                  : result.skipped === 'key-pending'
                    ? 'Nothing published: the key of the current epoch has not arrived yet.'
                    : result.skipped === 'not-a-member'
                      ? 'Your agency is not an active member of a network.'
                      : `${result.published} published, ${result.withdrawn} withdrawn, ${result.hitsReceived} new hits, ${result.hitsRemoved} hits gone.`}
              </Notice>
            ) : null}
          </Section>
        </>
      ) : null}
    </>
  );
}
