import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { migrationStatus, ping } from '../../store/migrate.js';

const Health = Type.Object({ status: Type.Enum(['ok', 'unavailable']), detail: Type.Optional(Type.String()) });

/** Liveness says the process answers; readiness says it can serve (database reachable and migrated). */
export const healthRoutes: FastifyPluginAsyncTypebox<{ services: import('../services.js').Services }> = async (app, { services }) => {
  app.get('/health/live', { schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', { schema: { hide: true, response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    try {
      await ping(services.db);
      const { known } = await migrationStatus(services.db);
      if (known.some((m) => m.executedAt === null)) return reply.code(503).send({ status: 'unavailable', detail: 'migrations pending' });
      return { status: 'ok' as const };
    } catch {
      return reply.code(503).send({ status: 'unavailable', detail: 'database unreachable' });
    }
  });
};
