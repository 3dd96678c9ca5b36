import type { ReactNode } from 'react';
import type { Role } from '../../api/types.js';
import { CASE_ROLES } from '../../session/roles.js';
import { CaseMatchingPage } from './case-matching-page.js';
import { HitPage, HitsPage } from './hits-page.js';
import { HIT_ROLES } from './hits-ui.js';
import { MatchingAdminPage } from './matching-admin-page.js';

/** The hit/no-hit screens, added to the app's routes in one place. */
export const HIT_ROUTES: { pattern: string; roles: readonly Role[]; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/hits', roles: HIT_ROLES, render: () => <HitsPage /> },
  { pattern: '/hits/:id', roles: HIT_ROLES, render: (p) => <HitPage key={p.id} id={p.id!} /> },
  { pattern: '/cases/:id/matching', roles: CASE_ROLES, render: (p) => <CaseMatchingPage key={p.id} caseId={p.id!} /> },
  { pattern: '/admin/matching', roles: ['admin'], render: () => <MatchingAdminPage /> },
];
