import { ApiError } from '../../api/client.js';

/**
 * Sends files as multipart/form-data with XMLHttpRequest, because fetch cannot report upload progress; the session's
 * CSRF token goes in its header as for every other change.
 */
export function uploadFiles<T>(path: string, files: File[], fields: Record<string, string>, csrf: string | undefined, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('file', f, f.name);
    const total = files.reduce((s, f) => s + f.size, 0);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || total);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, body as ConstructorParameters<typeof ApiError>[1]));
    };
    xhr.send(form);
  });
}

export function csrfFromCookie(): string | undefined {
  return /(?:^|;\s*)tessera_csrf=([^;]+)/.exec(document.cookie)?.[1];
}
