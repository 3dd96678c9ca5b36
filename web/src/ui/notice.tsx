import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { AlertIcon, CheckIcon, InfoIcon } from './icons.js';

export function Notice({ tone = 'info', title, children }: { tone?: 'info' | 'success' | 'warning' | 'error'; title?: ReactNode; children?: ReactNode }) {
  const Icon = tone === 'success' ? CheckIcon : tone === 'info' ? InfoIcon : AlertIcon;
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon />
      <div>
        {title ? <p className="notice-title">{title}</p> : null}
        {children ? <div className="notice-body">{children}</div> : null}
      </div>
    </div>
  );
}

/**
 * The API's `detail` is written for people. For a fault of the node (5xx) the request id is shown too, so its
 * administrator can find the log line; for the person's own mistakes it would only be noise.
 */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : null;
  return (
    <Notice tone="error" title={title}>
      <p>{message}</p>
      {requestId ? <p className="muted small">Request id {requestId}</p> : null}
    </Notice>
  );
}
