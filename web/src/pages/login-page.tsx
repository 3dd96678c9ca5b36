import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { useLocation } from '../router.js';
import { useSession } from '../session/session.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/field.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { AuthLayout } from './auth-layout.js';

function minutes(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** Sign-in, with a second step for the authenticator code when the account has one. */
export function LoginPage() {
  const session = useSession();
  const { search } = useLocation();
  const [username, setUsername] = useState(search.get('username') ?? (session.state.status === 'anonymous' ? (session.state.username ?? '') : ''));
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const userRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step === 'totp') codeRef.current?.focus();
    else if (username) passwordRef.current?.focus();
    else userRef.current?.focus();
    // Only when the step changes: focusing on every keystroke would fight the person typing.
  }, [step]);

  const reason = session.state.status === 'anonymous' ? session.state.reason : 'none';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api.post<Me>('/session', { username: username.trim(), password, ...(step === 'totp' ? { totp: code.replace(/\s+/g, '') } : {}) }, { expectUnauthenticated: true });
      session.signedIn(me);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp-required' && step === 'password') {
        setStep('totp');
      } else {
        setError(err);
        if (step === 'totp') setCode('');
      }
      setBusy(false);
    }
  };

  const locked = error instanceof ApiError && error.code === 'account-locked';
  return (
    <AuthLayout title={step === 'password' ? 'Sign in' : 'Two-factor sign-in'} subtitle={step === 'password' ? 'Use the account your agency admin gave you.' : 'Enter the 6-digit code from your authenticator app.'}>
      {step === 'password' && search.get('welcome') && !error ? (
        <Notice tone="success" title="The agency and its administrator are ready">
          <p>Sign in with the account you just created.</p>
        </Notice>
      ) : null}
      {step === 'password' && reason === 'expired' && !error ? (
        <Notice tone="info" title="Your session ended">
          <p>You were signed out after a period of inactivity. Sign in again to continue where you were.</p>
        </Notice>
      ) : null}
      {step === 'password' && reason === 'signed-out' && !error && !search.get('welcome') ? <Notice tone="success" title="You are signed out" /> : null}
      {locked ? (
        <Notice tone="error" title="Account locked">
          <p>
            Too many failed attempts. Try again in {minutes((error as ApiError).retryAfter ?? 900)}, or ask your agency admin to unlock the account.
          </p>
        </Notice>
      ) : (
        <ErrorNotice error={error} />
      )}
      <form onSubmit={(e) => void submit(e)} className="stack">
        {step === 'password' ? (
          <>
            <TextField ref={userRef} label="Username" name="username" required autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} />
            <TextField ref={passwordRef} label="Password" name="password" type="password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </>
        ) : (
          <TextField
            ref={codeRef}
            label="Authentication code"
            name="totp"
            required
            inputMode="text"
            autoComplete="one-time-code"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            maxLength={20}
            hint="Lost your phone? Enter one of your recovery codes instead; each works once."
          />
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            {step === 'password' ? 'Sign in' : 'Verify and sign in'}
          </Button>
          {step === 'totp' ? (
            <Button
              variant="ghost"
              onClick={() => {
                setStep('password');
                setCode('');
                setError(null);
              }}
            >
              Back
            </Button>
          ) : null}
        </div>
      </form>
    </AuthLayout>
  );
}
