import { ApiError } from '../../api/client.js';

/**
 * Sends a request body with XMLHttpRequest, because fetch cannot report upload progress; the session's CSRF token
 * goes in its header as for every other change. `total` is what progress counts against when the browser cannot say.
 */
export function sendWithProgress<T>(
  path: string,
  body: XMLHttpRequestBodyInit,
  total: number,
  csrf: string | undefined,
  onProgress: (sent: number, total: number) => void,
  headers: Record<string, string> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || total);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else reject(new ApiError(xhr.status, parsed as ConstructorParameters<typeof ApiError>[1]));
    };
    xhr.send(body);
  });
}

/** Sends files as multipart/form-data (with extra fields), reporting progress. */
export function uploadFiles<T>(path: string, files: File[], fields: Record<string, string>, csrf: string | undefined, onProgress: (sent: number, total: number) => void): Promise<T> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('file', f, f.name);
  return sendWithProgress<T>(path, form, files.reduce((s, f) => s + f.size, 0), csrf, onProgress);
}

/** Sends one file as the raw request body (the node reads it as it arrives), reporting progress. */
export function uploadRaw<T>(path: string, file: File, csrf: string | undefined, onProgress: (sent: number, total: number) => void): Promise<T> {
  return sendWithProgress<T>(path, file, file.size, csrf, onProgress, { 'content-type': 'application/octet-stream' });
}

export function csrfFromCookie(): string | undefined {
  return /(?:^|;\s*)tessera_csrf=([^;]+)/.exec(document.cookie)?.[1];
}
