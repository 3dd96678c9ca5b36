import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Role, SetupRequest } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from '../session/roles.js';
import { Button } from '../ui/button.js';
import { Checkbox, CheckboxGroup, SelectField, TextField } from '../ui/field.js';
import { isFieldLevel, useFieldErrors } from '../ui/form-errors.js';
import { countryOptions } from '../ui/format.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { AuthLayout } from './auth-layout.js';

const MIN_PASSWORD = 12;

function tokenFromFragment(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return params.get('token');
}

/** First start: create the node's first agency and its admin with the one-time link printed on the console. */
export function SetupPage({ pending, onDone }: { pending: boolean; onDone: () => void }) {
  // The token lives in the fragment so it never reaches a server log or a Referer header.
  const [token] = useState(tokenFromFragment);
  const countries = useMemo(countryOptions, []);
  const [agencyName, setAgencyName] = useState('');
  const [country, setCountry] = useState('');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [roles, setRoles] = useState<Role[]>(['admin', 'investigator']);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const fields = useFieldErrors(error);
  // Editing a field clears what was said about its old value, from the server or from the checks here.
  const edit = (field: string, apply: () => void) => {
    apply();
    fields.edited(field);
    setLocal((current) => {
      if (!(field in current)) return current;
      const { [field]: _gone, ...rest } = current;
      return rest;
    });
  };

  if (!pending) {
    return (
      <AuthLayout title="This node is set up" subtitle="Its first agency and admin exist already; the setup link works only once.">
        <p>
          <Link to="/login" className="btn btn-primary">
            Go to sign-in
          </Link>
        </p>
      </AuthLayout>
    );
  }

  if (!token) {
    return (
      <AuthLayout title="Set up this node" subtitle="This Tessera node has no agency yet.">
        <Notice tone="info" title="Open the one-time setup link">
          <p>
            When the node started it printed a link on its console that ends with <code>#token=…</code>. Open that link to create the first
            agency and its admin. Restarting the node prints a new link.
          </p>
        </Notice>
      </AuthLayout>
    );
  }

  const toggleRole = (role: Role, on: boolean) => setRoles((current) => (on ? [...current, role] : current.filter((r) => r !== role)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!country) problems.country = 'Choose the country of the agency';
    if (password.length < MIN_PASSWORD) problems.password = `Use at least ${MIN_PASSWORD} characters`;
    else if (password !== confirm) problems.confirm = 'The two passwords differ';
    if (roles.length === 0) problems.roles = 'Choose at least one role';
    setLocal(problems);
    if (Object.keys(problems).length) return;

    const body: SetupRequest = {
      token,
      agency: { name: agencyName.trim(), country },
      admin: { username: username.trim(), password, roles, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) },
    };
    setBusy(true);
    setError(null);
    try {
      await api.post('/setup', body, { expectUnauthenticated: true });
      onDone();
      navigate(`/login?${new URLSearchParams({ username: body.admin.username, welcome: '1' }).toString()}`, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const userCodes = ['invalid-username', 'username-taken'];
  return (
    <AuthLayout wide title="Set up this node" subtitle="Create the first agency hosted on this node and its administrator. You can add more users afterwards.">
      {error && !isFieldLevel(error, [...userCodes, 'weak-password']) ? <ErrorNotice error={error} title="Setup did not complete" /> : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-columns">
          <fieldset className="form-section">
            <legend>Agency</legend>
            <TextField label="Agency name" required value={agencyName} onChange={(e) => edit('agency/name', () => setAgencyName(e.target.value))} minLength={2} maxLength={200} autoComplete="organization" hint="As other agencies will see it, e.g. Polícia Judiciária – UNC3T" error={fields.of('agency/name')} />
            <SelectField label="Country" required value={country} onChange={(e) => edit('country', () => setCountry(e.target.value))} error={local.country ?? fields.of('agency/country', ['invalid-country'])}>
              <option value="">Choose…</option>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name} ({c.code})
                </option>
              ))}
            </SelectField>
          </fieldset>
          <fieldset className="form-section">
            <legend>Administrator</legend>
            <div className="form-row">
              <TextField label="Username" required value={username} onChange={(e) => edit('admin/username', () => setUsername(e.target.value))} autoComplete="username" hint="Letters, digits, dot, dash, underscore" error={fields.of('admin/username', userCodes)} />
              <TextField label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="name" maxLength={120} error={fields.of('admin/displayName')} />
            </div>
            <div className="form-row">
              <TextField label="Password" type="password" required value={password} onChange={(e) => edit('password', () => setPassword(e.target.value))} autoComplete="new-password" hint={`At least ${MIN_PASSWORD} characters; a passphrase is easiest`} error={local.password ?? fields.of('admin/password', ['weak-password'])} />
              <TextField label="Repeat password" type="password" required value={confirm} onChange={(e) => edit('confirm', () => setConfirm(e.target.value))} autoComplete="new-password" error={local.confirm} />
            </div>
          </fieldset>
        </div>
        <CheckboxGroup
          legend="Roles of this first user"
          hint="Agency admin is needed to create the other users. An admin alone sees no case content, so Investigator is preselected too for a small team where the administrator also works cases; untick it if this account is for administration only."
          error={local.roles ?? fields.of('admin/roles', ['invalid-role'])}
        >
          <div className="role-grid">
            {ROLES.map((role) => (
              <Checkbox key={role} label={ROLE_LABELS[role]} hint={ROLE_DESCRIPTIONS[role]} checked={roles.includes(role)} onChange={(e) => edit('roles', () => toggleRole(role, e.target.checked))} />
            ))}
          </div>
        </CheckboxGroup>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Create agency and administrator
          </Button>
        </div>
      </form>
    </AuthLayout>
  );
}
