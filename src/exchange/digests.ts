import { createHash, type Hash } from 'node:crypto';

/** Digests as the protocol writes them: `sha256:` followed by the base64url SHA-256 of the exact bytes. */
export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('base64url')}`;
}

export function digestOf(hash: Hash): string {
  return `sha256:${hash.digest('base64url')}`;
}

export const DIGEST_PATTERN = '^sha256:[A-Za-z0-9_-]{43}$';
