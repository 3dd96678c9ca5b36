import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';

/**
 * The message to show next to `field`: the API's validation error for that body path, or the whole `detail` when the
 * error's code is one that is about this field (e.g. `username-taken` beside the username).
 */
export function fieldError(error: unknown, field: string, codes: readonly string[] = []): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.fieldErrors[field] ?? (codes.includes(error.code) ? error.message : undefined);
}

/** Whether the error is shown beside a field already (so the summary at the top can stay short). */
export function isFieldLevel(error: unknown, codes: readonly string[] = []): boolean {
  return error instanceof ApiError && (Object.keys(error.fieldErrors).length > 0 || codes.includes(error.code));
}

/**
 * Server field errors that disappear from a field once the person edits it (the message described the old value).
 * Cleared marks reset whenever a new error arrives.
 */
export function useFieldErrors(error: unknown) {
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setEdited(new Set()), [error]);
  return {
    of: (field: string, codes: readonly string[] = []) => (edited.has(field) ? undefined : fieldError(error, field, codes)),
    edited: (field: string) => setEdited((current) => (current.has(field) ? current : new Set([...current, field]))),
  };
}
