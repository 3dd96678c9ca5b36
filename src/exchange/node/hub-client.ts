import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { PrivateKey } from '../crypto/keys.js';
import { sha256Digest } from '../digests.js';
import { signRequest, SIGNATURE_HEADER } from '../request-signing.js';

/** The hub could not be reached or is not serving (network error, timeout, 5xx): try again later. */
export class HubUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubUnavailableError';
  }
}

/** The hub answered and refused (4xx): `code` is its problem code. */
export class HubRefusedError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** The hub's Retry-After (429: this agency is over its request allowance), in milliseconds. */
    public readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = 'HubRefusedError';
  }

  /** Refusals that a later attempt may not meet (pending approval, clock skew, suspension lifted). */
  get transient(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 408 || this.status === 429;
  }
}

export interface HubIdentity {
  hubId: string;
  kid: string;
  key: unknown;
  protocol: number;
}

const TIMEOUT_MS = 30_000;

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

async function send(url: string, init: RequestInit & { timeoutMs?: number }): Promise<Response> {
  const timeout = AbortSignal.timeout(init.timeoutMs ?? TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new HubUnavailableError(`the hub at ${new URL(url).origin} is unreachable (${(err as Error).cause ? String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message) : (err as Error).message})`);
  }
  if (res.status >= 500) {
    await res.body?.cancel();
    throw new HubUnavailableError(`the hub answered ${res.status}`);
  }
  if (res.status >= 400) {
    let code = 'refused';
    let detail = `the hub refused the request (${res.status})`;
    try {
      const problem = (await res.json()) as { code?: string; detail?: string };
      code = problem.code ?? code;
      detail = problem.detail ?? detail;
    } catch {
      /* not a problem document */
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new HubRefusedError(res.status, code, detail, Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 3600) * 1000 : 0);
  }
  return res;
}

/** The hub's public identity, fetched before joining (not signed: the enrolment token pins the key). */
export async function fetchHubIdentity(hubUrl: string): Promise<HubIdentity> {
  const res = await send(joinUrl(hubUrl, '/hub/v1/info'), { method: 'GET' });
  return (await res.json()) as HubIdentity;
}

export type HubClient = ReturnType<typeof createHubClient>;

/** Signed calls to the hub on behalf of one agency. Every request carries a fresh signature and nonce. */
export function createHubClient(options: { hubUrl: string; agencyId: string; signingKey: () => Promise<PrivateKey<'sig'>> }) {
  const { hubUrl, agencyId } = options;

  async function signedFetch(method: string, path: string, body?: string | Uint8Array<ArrayBuffer>, extra: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
    const key = await options.signingKey();
    const signature = await signRequest(key, { agency: agencyId, method, path, digest: sha256Digest(body ?? '') });
    const headers: Record<string, string> = { [SIGNATURE_HEADER]: signature };
    if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/json' : 'application/octet-stream';
    return send(joinUrl(hubUrl, path), { ...extra, method, headers, ...(body !== undefined ? { body } : {}) });
  }

  async function json<T>(method: string, path: string, payload?: unknown, extra: RequestInit & { timeoutMs?: number } = {}): Promise<T> {
    const res = await signedFetch(method, path, payload === undefined ? undefined : JSON.stringify(payload), extra);
    return (await res.json()) as T;
  }

  return {
    agencyId,
    hubUrl,

    /** A signed JSON call to another service of the hub (e.g. matching under /hub/v1/match). */
    signedJson: json,

    async join(body: { token: string; agency: { id: string; name: string; country: string }; keys: { sig: unknown; enc: unknown }; nodeUrl?: string }) {
      return json<{ member: { status: 'pending' | 'active' | 'suspended'; name: string; country: string }; directory: { version: number; jws: string } }>('POST', '/hub/v1/join', body);
    },

    directory: () => json<{ version: number; jws: string }>('GET', '/hub/v1/directory'),

    updateKeys: (update: string, continuity: string) => json<{ directoryVersion: number }>('POST', '/hub/v1/keys', { update, continuity }),

    async putPart(envelopeId: string, partId: string, bytes: Uint8Array<ArrayBuffer>): Promise<{ stored: boolean }> {
      const res = await signedFetch('PUT', `/hub/v1/parts/${envelopeId}/${partId}`, bytes);
      return (await res.json()) as { stored: boolean };
    },

    submit: (envelope: { routing: string; jwe: string }) => json<{ seq: number; duplicate: boolean }>('POST', '/hub/v1/envelopes', envelope),

    inbox: (options: { waitSeconds: number; limit: number; signal?: AbortSignal }) =>
      json<{ directoryVersion: number; envelopes: { seq: number; id: string; routing: string; jwe: string }[] }>('GET', `/hub/v1/inbox?wait=${options.waitSeconds}&limit=${options.limit}`, undefined, {
        ...(options.signal ? { signal: options.signal } : {}),
        timeoutMs: options.waitSeconds * 1000 + TIMEOUT_MS,
      }),

    ack: (ids: string[]) => json<{ acked: number; deleted: number }>('POST', '/hub/v1/ack', { ids }),

    /** Streams a part to `file` (no whole-part string in memory). */
    async downloadPart(envelopeId: string, partId: string, file: string): Promise<void> {
      const res = await signedFetch('GET', `/hub/v1/parts/${envelopeId}/${partId}`);
      if (!res.body) throw new HubUnavailableError('the hub sent an empty part');
      await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream), createWriteStream(file));
    },
  };
}
