import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CasePermission } from '../../cases/case-access.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import type { Actor, UserActor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import type { Role } from '../../identity/roles.js';
import { safeEqual } from '../../identity/secrets.js';
import type { Services } from '../services.js';

export const SESSION_COOKIE = 'tessera_session';
export const CSRF_COOKIE = 'tessera_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Every API route declares who may call it, in its `config.access`; a route without one fails start-up, so a new
 * endpoint cannot ship unprotected by omission.
 * - `public`: no sign-in (health, login, setup).
 * - `user`: any signed-in user, optionally with one of `roles`; `sessionOnly` for what an API token must not do.
 * - `case`: a case permission checked against the case id in the route parameter `param`, before the body is read.
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'user'; roles?: Role[]; sessionOnly?: boolean }
  | { kind: 'case'; permission: CasePermission; param: string };

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api/v1 route with its declared access, for the authorisation tests and the docs. */
    apiRoutes: { method: string; url: string; access: RouteAccess }[];
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
    /** The request's context for services: the actor (asserted), request id, client address, justification. */
    ctx(): RequestContext & { actor: UserActor };
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('ctx', function (this: FastifyRequest) {
    if (!this.actor || this.actor.kind !== 'user') throw new UnauthorizedError();
    const justification = this.headers['x-tessera-justification'];
    return {
      actor: this.actor,
      requestId: this.id,
      ip: this.ip,
      ...(typeof justification === 'string' && justification.trim() ? { justification: justification.trim().slice(0, 500) } : {}),
    };
  });

  app.decorate('apiRoutes', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    if (!route.config?.access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access policy (config.access)`);
    const access = route.config.access;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.apiRoutes.push({ method, url: route.url, access });
    }
    if (access.kind === 'case' && !route.url.includes(`:${access.param}`)) {
      throw new Error(`Route ${String(route.method)} ${route.url} checks case access on a parameter it does not have (${access.param})`);
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const access = request.routeOptions.config?.access;
    if (!access) return; // not an API route (web app, docs, health)

    const token = bearer(request);
    if (token) {
      request.actor = await services.auth.authenticateToken(token);
      if (!request.actor) throw new UnauthorizedError('The API token is not valid or was revoked.', 'invalid-token');
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        const session = await services.auth.authenticateSession(cookie);
        if (session) {
          request.actor = session.actor;
          request.sessionId = session.sessionId;
          // Double-submit check: a cross-site form can send the cookie but cannot read it to echo it in a header.
          if (!SAFE_METHODS.has(request.method)) {
            const header = request.headers[CSRF_HEADER];
            if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) {
              throw new ForbiddenError('The request lacks the CSRF token of your session. Reload the page and try again.', 'csrf-failed');
            }
          }
        }
      }
    }

    if (access.kind === 'public') return;
    const actor = request.actor;
    if (!actor) throw new UnauthorizedError('Sign in to continue (your session may have expired after 30 minutes of inactivity).');
    if (actor.kind !== 'user') throw new UnauthorizedError();
    if (access.kind === 'user') {
      if (access.sessionOnly && actor.via !== 'session') throw new ForbiddenError('API tokens cannot do this; sign in with your password.', 'session-required');
      if (access.roles && !access.roles.some((r) => actor.roles.includes(r))) {
        throw new ForbiddenError(`This needs one of the roles: ${access.roles.join(', ')}.`);
      }
    }
  });

  // Case access runs before validation, so a stranger learns nothing about a case (not even what a valid body is).
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const access = request.routeOptions.config?.access;
    if (access?.kind !== 'case') return;
    const caseId = (request.params as Record<string, string | undefined>)[access.param] ?? '';
    await services.caseAccess.require(request.actor!, access.permission, [caseId]);
  });
}
