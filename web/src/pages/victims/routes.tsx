import type { ReactNode } from 'react';
import type { Role } from '../../api/types.js';
import { CASE_ROLES } from '../../session/roles.js';
import { CluePage } from './clue-page.js';
import { DashboardPage } from './dashboard-page.js';
import { SeriesListPage } from './series-list-page.js';
import { SeriesPage } from './series-page.js';
import { TriagePage } from './triage-page.js';
import { VictimsPage } from './victims-page.js';

/** The victim-identification screens, added to the app's routes in one place. */
export const VICTIM_ROUTES: { pattern: string; roles: readonly Role[]; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/cases/:id/dashboard', roles: CASE_ROLES, render: (p) => <DashboardPage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/triage', roles: CASE_ROLES, render: (p) => <TriagePage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/series', roles: CASE_ROLES, render: (p) => <SeriesListPage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/series/:seriesId', roles: CASE_ROLES, render: (p) => <SeriesPage key={`${p.id}/${p.seriesId}`} caseId={p.id!} seriesId={p.seriesId!} /> },
  { pattern: '/cases/:id/victims', roles: CASE_ROLES, render: (p) => <VictimsPage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/media/:mediaId/clues', roles: CASE_ROLES, render: (p) => <CluePage key={`${p.id}/${p.mediaId}`} caseId={p.id!} mediaId={p.mediaId!} /> },
];
