import type { ReactNode } from 'react';
import type { Case } from '../../api/types.js';
import { CaseSectionFrame } from '../case-section-frame.js';
import type { CaseSelector, HandlingCode } from './intel-types.js';
import { HANDLING_HINTS, SELECTOR_TYPE_LABELS } from './intel-types.js';
import './intel.css';

export function HandlingBadge({ code }: { code: HandlingCode }) {
  const slug = code.slice(4).toLowerCase().replace('+', '-');
  return (
    <span className={`badge badge-tlp badge-tlp-${slug}`} title={HANDLING_HINTS[code]}>
      {code}
    </span>
  );
}

export function SelectorBadge({ selector }: { selector: Pick<CaseSelector, 'type' | 'valid' | 'reason'> }) {
  return (
    <>
      <span className="badge badge-selector">{SELECTOR_TYPE_LABELS[selector.type]}</span>
      {selector.valid ? null : (
        <span className="badge badge-invalid" title={selector.reason ?? undefined}>
          invalid
        </span>
      )}
    </>
  );
}

const TABS = [
  { path: 'records', label: 'Records' },
  { path: 'selectors', label: 'Selectors' },
  { path: 'graph', label: 'Link analysis' },
  { path: 'timeline', label: 'Timeline' },
  { path: 'import', label: 'Import' },
];

/** The frame of a case's intelligence screens: back to the case, the case's name, and the screens as tabs. */
export function IntelFrame(props: { caseId: string; title: string; actions?: (c: Case) => ReactNode; children: (c: Case) => ReactNode }) {
  return <CaseSectionFrame {...props} section="Intelligence of this case" tabs={TABS} />;
}

/** Marks the spans of a text where selectors were found. */
export function Highlighted({ text, spans }: { text: string; spans: { start: number; end: number }[] }) {
  const sorted = [...spans].filter((s) => s.start >= 0 && s.end <= text.length).sort((a, b) => a.start - b.start);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    if (s.start > at) parts.push(text.slice(at, s.start));
    parts.push(<mark key={s.start}>{text.slice(s.start, s.end)}</mark>);
    at = s.end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
