import { lazy, Suspense, type ReactNode } from 'react';
import type { Role } from '../../api/types.js';
import { CASE_ROLES } from '../../session/roles.js';
import { Loading } from '../../ui/page.js';
import { LocationListPage } from './location-list-page.js';

// The assessment screen draws with ECharts and the world outlines: they load when it is opened, not with the app.
const AssessmentPage = lazy(() => import('./assessment-page.js').then((m) => ({ default: m.AssessmentPage })));

/** The location screens of a case, added to the app's routes in one place. */
export const LOCATION_ROUTES: { pattern: string; roles: readonly Role[]; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/cases/:id/location', roles: CASE_ROLES, render: (p) => <LocationListPage key={p.id} caseId={p.id!} /> },
  {
    pattern: '/cases/:id/location/:assessmentId',
    roles: CASE_ROLES,
    render: (p) => (
      <Suspense fallback={<Loading label="Loading the assessment…" />}>
        <AssessmentPage key={p.assessmentId} caseId={p.id!} assessmentId={p.assessmentId!} />
      </Suspense>
    ),
  },
];
