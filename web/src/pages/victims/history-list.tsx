import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { Button } from '../../ui/button.js';
import { formatDateTime } from '../../ui/format.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { HistoryEvent } from './victims-types.js';

/** A series' or victim's history, newest first, each change with its undo (itself a change that can be undone). */
export function HistoryList({ caseId, path, canUndo, version, onChange }: { caseId: string; path: string; canUndo: boolean; version: unknown; onChange: () => void }) {
  const history = useApi<{ items: HistoryEvent[] }>(path);
  const { reload } = history;
  // The subject changed elsewhere on the page (a rename, an item moved): its history has a new entry.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else reload();
  }, [version, reload]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const undo = async (e: HistoryEvent) => {
    setBusy(e.id);
    setError(null);
    try {
      await api.post(`/cases/${caseId}/identification-history/${e.id}/revert`, {});
      history.reload();
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  if (!history.data) return history.error ? <ErrorNotice error={history.error} /> : <Loading />;
  if (history.data.items.length === 0) return <Empty>No change yet.</Empty>;
  return (
    <>
      <ErrorNotice error={error} />
      <ol className="vid-history">
        {history.data.items.map((e) => (
          <li key={e.id} className={e.revertedBy ? 'is-undone' : undefined}>
            <div>
              <span className="vid-history-summary">{e.summary}</span>
              {e.revertedBy ? <span className="badge badge-muted">undone</span> : null}
              <p className="muted small">
                {formatDateTime(e.at)} · {e.actorName}
                {e.reason ? ` · “${e.reason}”` : ''}
              </p>
            </div>
            {canUndo && e.revertible ? (
              <Button size="small" variant="ghost" busy={busy === e.id} onClick={() => void undo(e)} aria-label={`Undo: ${e.summary}`}>
                Undo
              </Button>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}
