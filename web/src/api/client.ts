import type { Problem } from './types.js';

/** An API failure, carrying the RFC 9457 problem document: `detail` is written for people, `fieldErrors` per field. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly retryAfter: number | null;
  /** Keyed by the field's path in the request body, e.g. `reference` or `admin/password`. */
  readonly fieldErrors: Record<string, string>;

  constructor(status: number, problem: Partial<Problem> | null) {
    super(problem?.detail ?? (status === 0 ? 'The node could not be reached. Check your connection and try again.' : `The node answered ${status}.`));
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network-error' : 'http-error');
    this.requestId = problem?.requestId ?? null;
    this.retryAfter = typeof problem?.retryAfter === 'number' ? problem.retryAfter : null;
    this.fieldErrors = {};
    for (const e of problem?.errors ?? []) {
      const field = e.path.replace(/^body\/?/, '');
      this.fieldErrors[field] ??= humanise(e.message);
    }
  }
}

/** Ajv's messages are written for developers; the few that reach people get plainer words. */
function humanise(message: string): string {
  if (message.startsWith('must match pattern')) return 'contains characters that are not allowed here';
  if (message.startsWith('must match format "date"')) return 'must be a date';
  const fewer = /^must NOT have fewer than (\d+) characters$/.exec(message);
  if (fewer) return fewer[1] === '1' ? 'is required' : `must be at least ${fewer[1]} characters`;
  const more = /^must NOT have more than (\d+) characters$/.exec(message);
  if (more) return `must be at most ${more[1]} characters`;
  return message;
}

let csrfToken: string | null = null;
let lastActivity = Date.now();
let unauthenticatedHandler: ((error: ApiError) => void) | null = null;

/** State-changing requests of a session must echo this token (double-submit CSRF protection). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an API call answers 401 outside sign-in: the session ended (idle timeout, signed out elsewhere). */
export function onUnauthenticated(handler: ((error: ApiError) => void) | null): void {
  unauthenticatedHandler = handler;
}

/** When the node last saw this session active, as far as this page knows (for the idle lock). */
export function lastApiActivity(): number {
  return lastActivity;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** A 401 is an answer for this call (sign-in, session probe), not a reason to leave the page. */
  expectUnauthenticated?: boolean;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, null);
  }
  if (response.ok) {
    lastActivity = Date.now();
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  let problem: Partial<Problem> | null = null;
  try {
    problem = (await response.json()) as Partial<Problem>;
  } catch {
    problem = null;
  }
  const error = new ApiError(response.status, problem);
  // Only `unauthenticated` means the session is gone; other 401s (a wrong password when confirming) are answers.
  if (response.status === 401 && error.code === 'unauthenticated' && !options.expectUnauthenticated) unauthenticatedHandler?.(error);
  throw error;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body ?? {}, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body ?? {}, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  delete: <T = void>(path: string, body?: unknown, options?: RequestOptions) => request<T>('DELETE', path, body, options),
};
