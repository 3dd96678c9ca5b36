import type { ReactNode } from 'react';
import type { Role } from '../../api/types.js';
import { ComposePage } from './compose-page.js';
import { MailboxPage } from './mailbox-page.js';
import { MessagePage } from './message-page.js';
import { NetworkAdminPage } from './network-admin-page.js';

/** The roles that exchange messages (the server's MESSAGE_ROLES): prosecutors see one case, admins no content. */
export const MESSAGE_ROLES: readonly Role[] = ['investigator', 'victim-id', 'analyst'];

/** The mailbox screens, added to the app's routes in one place. */
export const MESSAGE_ROUTES: { pattern: string; roles: readonly Role[]; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/messages', roles: MESSAGE_ROLES, render: () => <MailboxPage box="in" /> },
  { pattern: '/messages/outbox', roles: MESSAGE_ROLES, render: () => <MailboxPage box="out" /> },
  { pattern: '/messages/new', roles: MESSAGE_ROLES, render: () => <ComposePage /> },
  { pattern: '/messages/:id', roles: MESSAGE_ROLES, render: (p) => <MessagePage key={p.id} id={p.id!} /> },
  { pattern: '/admin/network', roles: ['admin'], render: () => <NetworkAdminPage /> },
];
