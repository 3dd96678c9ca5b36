import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { TextField } from '../../ui/field.js';
import { countryName, countryOptions } from '../../ui/format.js';
import { PlusIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { KIND_LABELS, ORIGIN_LABELS, percent, type Assessment, type EvidenceItem } from './location-types.js';

const KNOWN = new Set(countryOptions().map((c) => c.code));

function parseCountries(text: string): { codes: string[]; unknown: string[] } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);
  return { codes: [...new Set(parts.filter((p) => KNOWN.has(p)))], unknown: parts.filter((p) => !KNOWN.has(p)) };
}

/** What switching the item would do to the leading country, in words. */
function effect(item: EvidenceItem, top: { name: string; probability: number }): string {
  if (!item.contribution.usable) return 'Not usable, so it changes nothing.';
  const other = item.contribution.topProbabilityWithoutThisItem;
  if (!item.enabled) return `Switched on: ${top.name} ${percent(top.probability)} → ${percent(other)}.`;
  const bf = item.contribution.log10BayesFactorForTop;
  const strength = Math.abs(bf) < 0.05 ? 'hardly moves' : bf > 0 ? `supports it ×${formatFactor(bf)}` : `speaks against it ×${formatFactor(-bf)}`;
  return `Without it: ${top.name} ${percent(top.probability)} → ${percent(other)}; ${strength}.`;
}

function formatFactor(log10: number): string {
  const f = 10 ** log10;
  return f >= 1000 ? f.toExponential(0).replace('e+', 'e') : f >= 10 ? Math.round(f).toString() : f.toFixed(1);
}

function ItemRow({ item, top, canEdit, busy, onToggle, onRemove }: { item: EvidenceItem; top: { name: string; probability: number }; canEdit: boolean; busy: boolean; onToggle: () => void; onRemove: () => void }) {
  const id = `evidence-${item.id}`;
  return (
    <li className={`evidence-item${item.enabled ? '' : ' is-off'}${item.contribution.usable ? '' : ' is-unusable'}`} data-testid={id}>
      <div className="evidence-head">
        <label className="switch" htmlFor={id}>
          <input id={id} type="checkbox" role="switch" checked={item.enabled} disabled={!canEdit || busy} onChange={onToggle} aria-describedby={`${id}-effect`} />
          <span className="switch-track" aria-hidden="true" />
          <span className="evidence-label">{item.label}</span>
        </label>
        {item.origin === 'analyst' && canEdit ? (
          <button type="button" className="link-button small" onClick={onRemove} disabled={busy} aria-label={`Remove ${item.label}`}>
            Remove
          </button>
        ) : null}
      </div>
      <p className="evidence-meta">
        <span className="badge badge-muted">{KIND_LABELS[item.kind]}</span> <span className="muted small">{ORIGIN_LABELS[item.origin]}</span>
      </p>
      <p className="evidence-summary">{item.contribution.summary}</p>
      <p id={`${id}-effect`} className="evidence-effect">
        {effect(item, top)}
        {item.contribution.favours.length > 0 ? ` Alone it favours ${item.contribution.favours.slice(0, 3).map((f) => f.name).join(', ')}.` : ''}
      </p>
    </li>
  );
}

export function ClueDialog({ path, onClose, onSaved }: { path: string; onClose: () => void; onSaved: (a: Assessment) => void }) {
  const [text, setText] = useState('');
  const [countries, setCountries] = useState('');
  const [confidence, setConfidence] = useState(0.6);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const parsed = parseCountries(countries);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSaved(await api.post<Assessment>(`${path}/items`, { kind: 'clue', text: text.trim(), countries: parsed.codes, confidence }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Add an analyst clue"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="clue-form" variant="primary" busy={busy} disabled={!text.trim() || parsed.codes.length === 0 || parsed.unknown.length > 0}>
            Add clue
          </Button>
        </>
      }
    >
      <form id="clue-form" className="stack" onSubmit={submit}>
        <ErrorNotice error={error} />
        <TextField label="What was seen" hint="An object, brand, plug type, vehicle or sign, e.g. “type F socket”." value={text} maxLength={500} required onChange={(e) => setText(e.target.value)} />
        <TextField
          label="Candidate countries"
          hint={
            parsed.unknown.length > 0
              ? `Not a country code: ${parsed.unknown.join(', ')}`
              : parsed.codes.length > 0
                ? parsed.codes.map(countryName).join(', ')
                : 'ISO codes separated by commas, e.g. PT, ES, FR.'
          }
          value={countries}
          required
          onChange={(e) => setCountries(e.target.value)}
        />
        <div className="field">
          <label className="field-label" htmlFor="clue-confidence">
            Confidence: {Math.round(confidence * 100)} %
          </label>
          <input id="clue-confidence" type="range" min={0.05} max={0.95} step={0.05} value={confidence} onChange={(e) => setConfidence(Number(e.target.value))} />
          <p className="field-hint">How strongly the clue points to these countries rather than anywhere else.</p>
        </div>
      </form>
    </Dialog>
  );
}

/** The evidence items with their toggles: switching one recomputes the assessment, and the page re-renders. */
export function EvidenceList({ assessment, path, onChange }: { assessment: Assessment; path: string; onChange: (a: Assessment) => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const top = assessment.result.countries[0]!;
  const run = async (id: string, call: () => Promise<Assessment>) => {
    setBusy(id);
    setError(null);
    try {
      onChange(await call());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <ErrorNotice error={error} />
      {assessment.evidence.length === 0 ? <p className="muted">No evidence yet: this subject has no timed posts or media metadata in the case. Add a clue to start.</p> : null}
      <ul className="evidence-list" aria-label="Evidence items">
        {assessment.evidence.map((item) => (
          <ItemRow
            key={item.id}
            item={item}
            top={top}
            canEdit={assessment.can.edit}
            busy={busy !== null}
            onToggle={() => void run(item.id, () => api.patch<Assessment>(`${path}/items/${item.id}`, { enabled: !item.enabled }))}
            onRemove={() => void run(item.id, () => api.delete<Assessment>(`${path}/items/${item.id}`))}
          />
        ))}
      </ul>
      {assessment.can.edit ? (
        <Button size="small" icon={<PlusIcon />} onClick={() => setAdding(true)}>
          Add a clue
        </Button>
      ) : null}
      {adding ? (
        <ClueDialog
          path={path}
          onClose={() => setAdding(false)}
          onSaved={(a) => {
            setAdding(false);
            onChange(a);
          }}
        />
      ) : null}
    </>
  );
}
