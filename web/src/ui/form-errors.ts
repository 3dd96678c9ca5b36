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
