import type { ReactNode } from 'react';
import type { Role } from '../../api/types.js';
import { CASE_ROLES } from '../../session/roles.js';
import { HashSetsPage } from './hash-sets-page.js';
import { IngestPage } from './ingest-page.js';
import { MediaLibraryPage } from './media-library-page.js';
import { MediaPage } from './media-page.js';

/** The media screens, added to the app's routes in one place. */
export const MEDIA_ROUTES: { pattern: string; roles: readonly Role[]; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/cases/:id/media', roles: CASE_ROLES, render: (p) => <MediaLibraryPage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/media/:mediaId', roles: CASE_ROLES, render: (p) => <MediaPage key={p.id} caseId={p.id!} mediaId={p.mediaId!} /> },
  { pattern: '/cases/:id/ingest', roles: CASE_ROLES, render: (p) => <IngestPage key={p.id} caseId={p.id!} /> },
  { pattern: '/hashsets', roles: [...CASE_ROLES, 'admin'], render: () => <HashSetsPage /> },
];
