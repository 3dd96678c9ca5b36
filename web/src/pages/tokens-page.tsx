import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { ApiToken, NewApiToken } from '../api/types.js';
import { useMe } from '../session/session.js';
import { Button } from '../ui/button.js';
import { CopyButton } from '../ui/copy-button.js';
import { Dialog } from '../ui/dialog.js';
import { TextField } from '../ui/field.js';
import { fieldError } from '../ui/form-errors.js';
import { formatDateTime } from '../ui/format.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';
import { AccountTabs } from './account-tabs.js';

/** Personal API tokens for scripts: created here, shown once, revocable; they act as this user. */
export function TokensPage() {
  const me = useMe();
  const { data: tokens, error, setData } = useApi<ApiToken[]>('/me/tokens');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [createError, setCreateError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setCreateError(null);
    try {
      const token = await api.post<NewApiToken>('/me/tokens', { name: name.trim() });
      setCreated(token);
      setName('');
      const { token: _secret, ...listed } = token;
      setData([listed, ...(tokens ?? [])]);
    } catch (err) {
      setCreateError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: ApiToken) => {
    setBusy(true);
    setRevokeError(null);
    try {
      await api.delete(`/me/tokens/${token.id}`);
      setData((tokens ?? []).map((t) => (t.id === token.id ? { ...t, revokedAt: new Date().toISOString() } : t)));
      setRevoking(null);
    } catch (err) {
      setRevokeError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Your account" subtitle={`${me.user.displayName} · ${me.user.username}`} />
      <AccountTabs />
      <Section title="API tokens" id="tokens">
        <p className="muted">
          A token lets a script call the Tessera API as you: send it as <code>Authorization: Bearer …</code>. It can do what you can, except sign-in
          settings. Revoke tokens you no longer use.
        </p>
        {created ? (
          <div className="token-reveal" role="status">
            <Notice tone="warning" title={`Copy the token “${created.name}” now`}>
              <p>This is the only time it is shown. Tessera keeps only a hash of it; if you lose it, revoke it and create a new one.</p>
            </Notice>
            <div className="copy-row">
              <label htmlFor="new-token" className="visually-hidden">
                New API token
              </label>
              <input id="new-token" className="input mono token-value" readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} />
              <CopyButton text={created.token} label="Copy token" />
            </div>
            <Button size="small" variant="ghost" onClick={() => setCreated(null)}>
              I have copied it
            </Button>
          </div>
        ) : null}
        <form className="inline-form" onSubmit={(e) => void create(e)}>
          <TextField label="Token name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. nightly hash-set import" hint="Say what it is for, so you can tell tokens apart later" error={fieldError(createError, 'name', ['invalid-token-name'])} />
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            Create token
          </Button>
        </form>
        {createError && !fieldError(createError, 'name', ['invalid-token-name']) ? <ErrorNotice error={createError} /> : null}
        <ErrorNotice error={error} />
        {!tokens ? (
          error ? null : <Loading />
        ) : tokens.length === 0 ? (
          <Empty>No tokens yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Your API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td className="strong">{t.name}</td>
                    <td className="mono">{t.prefix}…</td>
                    <td className="nowrap">{formatDateTime(t.createdAt)}</td>
                    <td className="nowrap">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : <span className="muted">Never</span>}</td>
                    <td>{t.revokedAt ? <span className="badge badge-muted">Revoked</span> : <span className="badge badge-ok">Active</span>}</td>
                    <td className="cell-actions">
                      {t.revokedAt ? null : (
                        <Button size="small" variant="ghost" className="text-danger" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {revoking ? (
        <Dialog
          title={`Revoke “${revoking.name}”?`}
          onClose={() => setRevoking(null)}
          footer={
            <>
              <Button variant="ghost" onClick={() => setRevoking(null)}>
                Cancel
              </Button>
              <Button variant="danger" busy={busy} onClick={() => void revoke(revoking)}>
                Revoke token
              </Button>
            </>
          }
        >
          <ErrorNotice error={revokeError} />
          <p>Scripts using this token stop working at once. This cannot be undone.</p>
        </Dialog>
      ) : null}
    </>
  );
}
