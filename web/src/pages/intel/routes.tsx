import { lazy, Suspense, type ReactNode } from 'react';
import type { Role } from '../../api/types.js';
import { CASE_ROLES } from '../../session/roles.js';
import { Loading } from '../../ui/page.js';
import { ImportPage } from './import-page.js';
import { RecordsPage } from './records-page.js';
import { SelectorsPage } from './selectors-page.js';
import { TimelinePage } from './timeline-page.js';

// Cytoscape is most of the weight of the link chart: it loads when the chart is opened, not with the app.
const GraphPage = lazy(() => import('./graph-page.js').then((m) => ({ default: m.GraphPage })));

/** The intelligence screens of a case, added to the app's routes in one place. */
export const INTEL_ROUTES: { pattern: string; roles: readonly Role[]; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/cases/:id/records', roles: CASE_ROLES, render: (p) => <RecordsPage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/selectors', roles: CASE_ROLES, render: (p) => <SelectorsPage key={p.id} caseId={p.id!} /> },
  {
    pattern: '/cases/:id/graph',
    roles: CASE_ROLES,
    render: (p) => (
      <Suspense fallback={<Loading label="Loading the link chart…" />}>
        <GraphPage key={p.id} caseId={p.id!} />
      </Suspense>
    ),
  },
  { pattern: '/cases/:id/timeline', roles: CASE_ROLES, render: (p) => <TimelinePage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/import', roles: CASE_ROLES, render: (p) => <ImportPage key={p.id} caseId={p.id!} /> },
];
