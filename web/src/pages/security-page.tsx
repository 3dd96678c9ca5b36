import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { TotpEnrolment } from '../api/types.js';
import { useMe, useSession } from '../session/session.js';
import { Button } from '../ui/button.js';
import { CopyButton } from '../ui/copy-button.js';
import { Checkbox, TextField } from '../ui/field.js';
import { fieldError } from '../ui/form-errors.js';
import { DownloadIcon, ShieldIcon } from '../ui/icons.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { PageHeader, Section } from '../ui/page.js';
import { AccountTabs } from './account-tabs.js';

function groups(key: string): string {
  return key.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
}

/** The QR code arrives as SVG text; as an <img> data URL it is displayed without ever being parsed into our DOM. */
function qrDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [stored, setStored] = useState(false);
  const [href, setHref] = useState<string | null>(null);
  const text = `Tessera recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [text]);
  return (
    <Section title="Your recovery codes" id="recovery">
      <Notice tone="warning" title="Shown only this once">
        <p>Each code signs you in once if you lose your phone. Store them somewhere safe, away from your phone (a sealed envelope in your locker, or your agency’s password safe).</p>
      </Notice>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c} className="mono">
            {c}
          </li>
        ))}
      </ol>
      <div className="button-row">
        <CopyButton text={text} label="Copy all" />
        {href ? (
          <a className="btn btn-secondary btn-small" href={href} download="tessera-recovery-codes.txt">
            <DownloadIcon /> Download as text
          </a>
        ) : null}
      </div>
      <Checkbox label="I have stored these codes" checked={stored} onChange={(e) => setStored(e.target.checked)} />
      <div className="form-actions">
        <Button variant="primary" disabled={!stored} onClick={onDone}>
          Done
        </Button>
      </div>
    </Section>
  );
}

function Enrol({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  const begin = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api.post<TotpEnrolment>('/me/totp'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (enrolment) codeRef.current?.focus();
  }, [enrolment]);

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ recoveryCodes: string[] }>('/me/totp/confirm', { code: code.replace(/\s+/g, '') });
      onEnabled(result.recoveryCodes);
    } catch (err) {
      setError(err);
      setCode('');
      setBusy(false);
    }
  };

  if (!enrolment) {
    return (
      <Section title="Two-factor sign-in is off" id="totp">
        <p>
          With two-factor sign-in, a stolen password is not enough to enter your account: you also type a 6-digit code from an authenticator app on your
          phone (any TOTP app, for example the one your agency issues).
        </p>
        <ErrorNotice error={error} />
        <div className="form-actions">
          <Button variant="primary" icon={<ShieldIcon />} busy={busy} onClick={() => void begin()}>
            Set up two-factor sign-in
          </Button>
        </div>
      </Section>
    );
  }

  return (
    <Section title="Set up two-factor sign-in" id="totp">
      <div className="enrol-grid">
        <div>
          <h3 className="subheading">1. Scan this code with your authenticator app</h3>
          <img className="qr" src={qrDataUrl(enrolment.qrSvg)} alt="QR code to add Tessera to your authenticator app" width={200} height={200} />
        </div>
        <div>
          <h3 className="subheading">Or type the key by hand</h3>
          <p className="muted small">If you cannot scan, add an account in the app and choose “enter a setup key”; use time-based codes.</p>
          <div className="copy-row">
            <label htmlFor="manual-key" className="visually-hidden">
              Manual setup key
            </label>
            <input id="manual-key" className="input mono manual-key" readOnly value={groups(enrolment.manualKey)} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={enrolment.manualKey.replace(/\s+/g, '')} label="Copy key" />
          </div>
          <h3 className="subheading">2. Enter the code the app shows</h3>
          <ErrorNotice error={error && !fieldError(error, 'code', ['totp-mismatch']) ? error : null} />
          <form className="inline-form" onSubmit={(e) => void confirm(e)}>
            <TextField
              ref={codeRef}
              label="6-digit code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={7}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              error={fieldError(error, 'code', ['totp-mismatch'])}
            />
            <Button type="submit" variant="primary" busy={busy} disabled={code.replace(/\s+/g, '').length !== 6}>
              Turn on
            </Button>
          </form>
        </div>
      </div>
    </Section>
  );
}

function Disable({ onDisabled }: { onDisabled: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.delete('/me/totp', { password });
      onDisabled();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Section title="Two-factor sign-in is on" id="totp">
      <Notice tone="success" title="Your account asks for a code from your authenticator app at every sign-in." />
      <h3 className="subheading">Turn it off</h3>
      <p className="muted">Only if you move to a new phone: turn it off, then set it up again with the new phone. Confirm with your password.</p>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={fieldError(error, 'password', ['invalid-credentials'])} />
        <Button type="submit" variant="danger" busy={busy} disabled={!password}>
          Turn off two-factor sign-in
        </Button>
      </form>
      {error && !fieldError(error, 'password', ['invalid-credentials']) ? <ErrorNotice error={error} /> : null}
    </Section>
  );
}

export function SecurityPage() {
  const me = useMe();
  const { refresh } = useSession();
  const [codes, setCodes] = useState<string[] | null>(null);

  return (
    <>
      <PageHeader title="Your account" subtitle={`${me.user.displayName} · ${me.user.username}`} />
      <AccountTabs />
      <div className="narrow">
        {codes ? (
          <RecoveryCodes
            codes={codes}
            onDone={() => {
              setCodes(null);
              void refresh();
            }}
          />
        ) : me.user.totpEnabled ? (
          <Disable onDisabled={() => void refresh()} />
        ) : (
          <Enrol
            onEnabled={(recoveryCodes) => {
              setCodes(recoveryCodes);
              void refresh();
            }}
          />
        )}
      </div>
    </>
  );
}
