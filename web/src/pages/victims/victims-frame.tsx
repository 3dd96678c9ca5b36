import type { ReactNode } from 'react';
import type { Case } from '../../api/types.js';
import { CaseSectionFrame } from '../case-section-frame.js';
import '../media/media.css';
import './victims.css';

const TABS = [
  { path: 'dashboard', label: 'Dashboard' },
  { path: 'triage', label: 'Triage' },
  { path: 'series', label: 'Series', nested: true },
  { path: 'victims', label: 'Victims' },
];
const LINKS = [{ to: (c: Case) => `/cases/${c.id}/media`, label: 'Media library' }];

/** The frame of a case's victim-identification screens: back to the case, its name, the screens as tabs. */
export function VictimsFrame(props: { caseId: string; title: string; subtitle?: ReactNode; actions?: (c: Case) => ReactNode; children: (c: Case) => ReactNode }) {
  return <CaseSectionFrame {...props} section="Victim identification in this case" tabs={TABS} links={LINKS} />;
}
