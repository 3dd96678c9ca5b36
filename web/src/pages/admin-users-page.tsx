import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { NewUser, Role, User, UserPatch } from '../api/types.js';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from '../session/roles.js';
import { useMe } from '../session/session.js';
import { RoleBadge } from '../ui/badges.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import { Checkbox, CheckboxGroup, SelectField, TextField } from '../ui/field.js';
import { fieldError, isFieldLevel, useFieldErrors } from '../ui/form-errors.js';
import { formatDateTime } from '../ui/format.js';
import { PlusIcon } from '../ui/icons.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { Loading, PageHeader } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';

const MIN_PASSWORD = 12;

function RolesField({ roles, onChange, error }: { roles: Role[]; onChange: (roles: Role[]) => void; error?: string | undefined }) {
  return (
    <CheckboxGroup legend="Roles" hint="A user may hold several. Admins and auditors see no case content unless they also hold a case role." error={error}>
      <div className="role-grid">
        {ROLES.map((role) => (
          <Checkbox
            key={role}
            label={ROLE_LABELS[role]}
            hint={ROLE_DESCRIPTIONS[role]}
            checked={roles.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))}
          />
        ))}
      </div>
    </CheckboxGroup>
  );
}

function NewUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (user: User) => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['investigator']);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = useFieldErrors(error);
  const edit = (field: string, apply: () => void) => {
    apply();
    fields.edited(field);
    setLocal((current) => {
      if (!(field in current)) return current;
      const { [field]: _gone, ...rest } = current;
      return rest;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (password.length < MIN_PASSWORD) problems.password = `Use at least ${MIN_PASSWORD} characters`;
    if (roles.length === 0) problems.roles = 'Choose at least one role';
    setLocal(problems);
    if (Object.keys(problems).length) return;
    const body: NewUser = { username: username.trim(), roles, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<User>('/users', body));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const userCodes = ['invalid-username', 'username-taken'];
  return (
    <Dialog
      wide
      title="New user"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="new-user" variant="primary" busy={busy}>
            Create user
          </Button>
        </>
      }
    >
      {error && !isFieldLevel(error, [...userCodes, 'weak-password']) ? <ErrorNotice error={error} /> : null}
      <form id="new-user" className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-row form-row-3">
          <TextField label="Username" required value={username} onChange={(e) => edit('username', () => setUsername(e.target.value))} autoComplete="off" spellCheck={false} hint="Letters, digits, dot, dash, underscore" error={fields.of('username', userCodes)} />
          <TextField label="Display name" value={displayName} onChange={(e) => edit('displayName', () => setDisplayName(e.target.value))} maxLength={120} autoComplete="off" error={fields.of('displayName')} />
          <TextField label="Initial password" type="password" required value={password} onChange={(e) => edit('password', () => setPassword(e.target.value))} autoComplete="new-password" hint={`At least ${MIN_PASSWORD} characters. Hand it over in person.`} error={local.password ?? fields.of('password', ['weak-password'])} />
        </div>
        <RolesField roles={roles} onChange={(next) => edit('roles', () => setRoles(next))} error={local.roles ?? fields.of('roles', ['invalid-role'])} />
      </form>
    </Dialog>
  );
}

function EditUserDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: (user: User) => void }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [status, setStatus] = useState(user.status);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: UserPatch = {};
    if (displayName.trim() !== user.displayName) patch.displayName = displayName.trim();
    if (roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r))) patch.roles = roles;
    if (status !== user.status) patch.status = status;
    if (Object.keys(patch).length === 0) return onClose();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.patch<User>(`/users/${user.id}`, patch));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      wide
      title={`Edit ${user.username}`}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="edit-user" variant="primary" busy={busy}>
            Save
          </Button>
        </>
      }
    >
      {error && !isFieldLevel(error, ['invalid-role']) ? <ErrorNotice error={error} /> : null}
      <form id="edit-user" className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-row">
          <TextField label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={120} error={fieldError(error, 'displayName')} />
          <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as User['status'])} hint="A disabled user cannot sign in; their sessions and tokens stop working.">
            <option value="active">Active</option>
            <option value="disabled">Disabled</option>
          </SelectField>
        </div>
        <RolesField roles={roles} onChange={setRoles} error={roles.length === 0 ? 'Choose at least one role' : fieldError(error, 'roles', ['invalid-role'])} />
      </form>
    </Dialog>
  );
}

function isLocked(user: User): boolean {
  return user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > Date.now();
}

/** The users of the admin's own agency. */
export function UsersPage() {
  const me = useMe();
  const { data: users, error, setData } = useApi<User[]>('/users');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const replace = (user: User) => setData((users ?? []).some((u) => u.id === user.id) ? users!.map((u) => (u.id === user.id ? user : u)) : [...(users ?? []), user]);

  const quick = async (user: User, patch: UserPatch, done: string) => {
    setBusy(user.id);
    setActionError(null);
    setNotice(null);
    try {
      replace(await api.patch<User>(`/users/${user.id}`, patch));
      setNotice(done);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeader
        title="Users"
        subtitle={`People of ${me.agency.name} who sign in on this node.`}
        actions={
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      <ErrorNotice error={error ?? actionError} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {!users ? (
        error ? null : <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Users of {me.agency.name}</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>
                    <span className="strong">{u.displayName}</span>
                    <span className="muted small block">{u.username}</span>
                  </td>
                  <td>
                    <span className="badge-list">
                      {u.roles.map((r) => (
                        <RoleBadge key={r} role={r} />
                      ))}
                    </span>
                  </td>
                  <td>
                    {u.status === 'disabled' ? <span className="badge badge-muted">Disabled</span> : isLocked(u) ? <span className="badge badge-warning">Locked</span> : <span className="badge badge-ok">Active</span>}
                    {isLocked(u) ? <span className="muted small block">until {formatDateTime(u.lockedUntil)}</span> : null}
                  </td>
                  <td>{u.totpEnabled ? 'On' : <span className="muted">Off</span>}</td>
                  <td className="nowrap">{formatDateTime(u.lastLoginAt)}</td>
                  <td className="cell-actions">
                    <div className="row-actions">
                      {isLocked(u) ? (
                        <Button size="small" busy={busy === u.id} onClick={() => void quick(u, { unlock: true }, `${u.username} is unlocked.`)}>
                          Unlock
                        </Button>
                      ) : null}
                      {u.id !== me.user.id ? (
                        u.status === 'active' ? (
                          <Button size="small" variant="ghost" className="text-danger" busy={busy === u.id} onClick={() => void quick(u, { status: 'disabled' }, `${u.username} is disabled.`)} aria-label={`Disable ${u.username}`}>
                            Disable
                          </Button>
                        ) : (
                          <Button size="small" variant="ghost" busy={busy === u.id} onClick={() => void quick(u, { status: 'active' }, `${u.username} is active again.`)} aria-label={`Enable ${u.username}`}>
                            Enable
                          </Button>
                        )
                      ) : null}
                      <Button size="small" onClick={() => setEditing(u)} aria-label={`Edit ${u.username}`}>
                        Edit
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? (
        <NewUserDialog
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            replace(user);
            setCreating(false);
            setNotice(`${user.username} is created. Give them the initial password in person; they can add two-factor sign-in from their user menu.`);
          }}
        />
      ) : null}
      {editing ? (
        <EditUserDialog
          user={editing}
          onClose={() => setEditing(null)}
          onSaved={(user) => {
            replace(user);
            setEditing(null);
            setNotice(`${user.username} is saved.`);
          }}
        />
      ) : null}
    </>
  );
}
