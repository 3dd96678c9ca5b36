import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commonErrors } from '../problem.js';
import { AuditPageSchema, AuditQuerySchema } from '../schemas.js';
import type { Services } from '../services.js';

/** Admins and auditors read their agency's trail; it shows who did what, never the case content itself. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/audit',
    {
      config: { access: { kind: 'user', roles: ['admin', 'auditor'] } },
      schema: {
        tags: ['audit'],
        summary: "My agency's audit trail, newest first",
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema, ...commonErrors },
      },
    },
    async (request) => {
      const ctx = request.ctx();
      const q = request.query;
      let actorId: string | undefined;
      if (q.user) {
        const user = await services.users.findByUsername(q.user);
        if (!user || user.agencyId !== ctx.actor.agencyId) return { items: [], nextBefore: null };
        actorId = user.id;
      }
      const limit = q.limit ?? 100;
      const items = await services.audit.list({
        agencyId: ctx.actor.agencyId,
        ...(actorId ? { actorId } : {}),
        ...(q.caseId ? { caseId: q.caseId } : {}),
        ...(q.operation ? { operation: q.operation } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.from ? { from: new Date(q.from).toISOString() } : {}),
        ...(q.to ? { to: new Date(q.to).toISOString() } : {}),
        ...(q.before ? { beforeSeq: q.before } : {}),
        limit,
      });
      return { items, nextBefore: items.length === limit ? items[items.length - 1]!.seq : null };
    },
  );
};
