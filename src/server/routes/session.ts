import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { commonErrors } from '../problem.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../plugins/auth.js';
import { Empty, LoginSchema, MeSchema } from '../schemas.js';
import type { Services } from '../services.js';

export function cookieOptions(request: FastifyRequest, services: Services, httpOnly: boolean) {
  const secure = request.protocol === 'https' || (services.config.publicUrl?.startsWith('https://') ?? false);
  return { path: '/', httpOnly, sameSite: 'strict' as const, secure };
}

export async function meOf(services: Services, userId: string, csrfToken?: string) {
  const user = await services.users.get(userId);
  const agency = await services.agencies.get(user.agencyId);
  return {
    user,
    agency,
    preferences: user.preferences,
    ...(csrfToken ? { csrfToken } : {}),
    idleTimeoutMinutes: services.config.sessionIdleMinutes,
  };
}

function clearCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

export const sessionRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/session',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['session'],
        summary: 'Sign in; sets the session cookie and returns the CSRF token',
        body: LoginSchema,
        response: { 200: MeSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { username, password, totp } = request.body;
      const result = await services.auth.login({
        username,
        password,
        ...(totp ? { totp } : {}),
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        requestId: request.id,
      });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, cookieOptions(request, services, true));
      reply.setCookie(CSRF_COOKIE, result.csrfToken, cookieOptions(request, services, false));
      return meOf(services, result.user.id, result.csrfToken);
    },
  );

  app.delete(
    '/session',
    {
      config: { access: { kind: 'user', sessionOnly: true } },
      schema: { tags: ['session'], summary: 'Sign out', response: { 204: Empty, ...commonErrors } },
    },
    async (request, reply) => {
      await services.auth.logout(request.ctx(), request.sessionId!);
      clearCookies(reply);
      return reply.code(204).send(null);
    },
  );
};
