/**
 * Setting up what a browser test needs through the node's own API (faster than clicking through it): the first
 * agency and its admin from the setup link, and a signed-in client for everything else.
 */
export interface ApiSession {
  cookie: string;
  csrf: string;
  /** Calls `/api/v1{path}`: a JSON body, or FormData / bytes / text sent as they are (with `headers`); throws on 4xx/5xx. */
  call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

/** Creates the first agency (PT unless given) and its admin with the one-time token of the node's setup link. */
export async function setUpFirstAgency(
  node: { url: string; setupUrl: string },
  admin: { username: string; password: string; displayName: string; roles: string[] },
  agency = { name: 'Polícia Judiciária', country: 'PT' },
): Promise<void> {
  const token = new URL(node.setupUrl).hash.replace('#token=', '');
  const setup = await fetch(`${node.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, agency, admin }) });
  if (!setup.ok) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
}

export async function apiSession(base: string, username: string, password: string): Promise<ApiSession> {
  const login = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const raw = body instanceof FormData || body instanceof Buffer || typeof body === 'string';
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: raw ? (body as RequestInit['body']) : JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return { cookie, csrf, call };
}
