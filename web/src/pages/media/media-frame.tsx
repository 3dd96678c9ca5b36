import type { ReactNode } from 'react';
import type { Case } from '../../api/types.js';
import { CaseSectionFrame } from '../case-section-frame.js';
import './media.css';

const TABS = [
  { path: 'media', label: 'Media library' },
  { path: 'ingest', label: 'Ingest' },
];
const LINKS = [{ to: () => '/hashsets', label: 'Known hash sets' }];

/** The frame of a case's media screens: back to the case, the case's name, and the screens as tabs. */
export function MediaFrame(props: { caseId: string; title: string; subtitle?: ReactNode; actions?: (c: Case) => ReactNode; children: (c: Case) => ReactNode }) {
  return <CaseSectionFrame {...props} section="Media of this case" tabs={TABS} links={LINKS} />;
}
