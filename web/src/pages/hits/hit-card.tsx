import { useState } from 'react';
import { api } from '../../api/client.js';
import { Link } from '../../router.js';
import { Button } from '../../ui/button.js';
import { countryName, formatDateTime } from '../../ui/format.js';
import { ErrorNotice } from '../../ui/notice.js';
import type { Hit, HitStatus } from './hits-types.js';
import { MODE_SHORT, NEXT_STATUSES, STATUS_LABELS } from './hits-types.js';
import { HitBasis, hitsChanged, HitStatusBadge } from './hits-ui.js';
import { MessageDialog } from './message-dialog.js';

function itemLink(hit: Hit): string {
  return hit.mine.kind === 'media' ? `/cases/${hit.mine.caseId}/media/${hit.mine.itemId}` : `/cases/${hit.mine.caseId}/selectors`;
}

/**
 * One hit: our item, what we know of the other side, the deconfliction status both agencies share, and the actions
 * open to us (move the status forward, decide on an owner-only item, write to the other agency).
 */
export function HitCard({ hit, onChange, canAct }: { hit: Hit; onChange: (hit: Hit) => void; canAct: boolean }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [writing, setWriting] = useState(false);

  const act = async (key: string, path: string, body: unknown) => {
    setBusy(key);
    setError(null);
    try {
      onChange(await api.post<Hit>(path, body));
      hitsChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const move = (status: HitStatus) => act(status, `/hits/${hit.id}/status`, { status });
  const decide = (decision: 'accept' | 'decline') => act(decision, `/hits/${hit.id}/decision`, { decision });
  const other = hit.other;

  return (
    <article className={`hit-card${hit.decision.needed ? ' hit-card-decide' : ''}`} aria-labelledby={`hit-${hit.id}`}>
      <header className="hit-card-header">
        <h3 id={`hit-${hit.id}`} className="hit-card-title">
          <HitBasis hit={hit} /> <span className="muted">on</span> {hit.mine.label}
        </h3>
        <HitStatusBadge status={hit.status} />
      </header>
      <div className="hit-sides">
        <section className="hit-side" aria-label="Our item">
          <p className="hit-side-label">Ours</p>
          <p>
            <Link to={itemLink(hit)} className="strong-link">
              {hit.mine.label}
            </Link>
          </p>
          <p className="muted small">
            Case <Link to={`/cases/${hit.mine.caseId}`}>{hit.mine.caseReference}</Link> · {hit.mine.handling} · policy: {MODE_SHORT[hit.mine.mode]}
          </p>
        </section>
        <section className="hit-side" aria-label="The other agency's item">
          <p className="hit-side-label">Theirs</p>
          {other.agency ? (
            <>
              <p className="strong">
                {other.agency.name} <span className="muted">({countryName(other.agency.country)})</span>
              </p>
              {other.summary ? (
                <p className="muted small">
                  {other.summary.label}
                  {other.caseReference ? ` · case ${other.caseReference}` : ''} · held since {other.summary.since}
                </p>
              ) : (
                <p className="muted small">{other.kind === 'media' ? 'A media item' : 'A selector'}: the agency shares only whom to contact.</p>
              )}
            </>
          ) : (
            <p className="muted small">Another agency of the network. It decides whether you may know who it is; until then, nobody can contact anybody.</p>
          )}
        </section>
      </div>
      <p className="muted small">
        Found {formatDateTime(hit.createdAt)}
        {hit.statusBy ? ` · ${STATUS_LABELS[hit.status].toLowerCase()} by ${hit.statusBy === 'me' ? 'your agency' : 'the other agency'} on ${formatDateTime(hit.statusAt)}` : ''}
        {hit.decision.mine ? ` · your agency ${hit.decision.mine} to reveal it` : ''}
      </p>
      <ErrorNotice error={error} />
      {canAct ? (
        <div className="button-row hit-actions">
          {hit.decision.needed ? (
            <>
              <span className="hit-decide-text">Your item is handled under “we decide”. Let the other agency know of this hit?</span>
              <Button variant="primary" size="small" busy={busy === 'accept'} onClick={() => void decide('accept')}>
                Reveal: tell them whom to contact
              </Button>
              <Button variant="secondary" size="small" busy={busy === 'decline'} onClick={() => void decide('decline')}>
                Keep it to us
              </Button>
            </>
          ) : null}
          {NEXT_STATUSES[hit.status].map((s) => (
            <Button key={s} size="small" variant="ghost" busy={busy === s} onClick={() => void move(s)}>
              Mark {STATUS_LABELS[s].toLowerCase()}
            </Button>
          ))}
          {/* Writing to them would tell them of a hit our agency has not decided (or declined) to reveal. */}
          {other.agency && !hit.decision.needed && hit.decision.mine !== 'declined' ? (
            <Button size="small" variant="secondary" onClick={() => setWriting(true)}>
              Message {other.agency.name}
            </Button>
          ) : null}
        </div>
      ) : null}
      {writing ? (
        <MessageDialog
          hit={hit}
          onClose={() => setWriting(false)}
          onSent={(updated) => {
            setWriting(false);
            if (updated) onChange(updated);
          }}
        />
      ) : null}
    </article>
  );
}
