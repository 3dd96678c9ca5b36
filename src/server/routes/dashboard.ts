import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { DashboardSchema } from '../../cases/victims-schemas.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

/** The case dashboard: media, series, victims by status, open hits, identifications (issue 9). */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/cases/:id/dashboard',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags: ['cases'], summary: 'Counts at a glance: media (new, known, categorised), series, victims by status, open hits, latest identifications', params: Type.Object({ id: Id }), response: { 200: DashboardSchema, ...commonErrors } },
    },
    async (request) => services.dashboard.get(request.ctx(), request.params.id),
  );
};
