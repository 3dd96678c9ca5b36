import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { commonErrors } from '../problem.js';
import { AgencySchema, SetupSchema, UserSchema } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['setup'];

export const setupRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/setup',
    {
      config: { access: { kind: 'public' } },
      schema: { tags, summary: 'Is first-start setup pending?', response: { 200: Type.Object({ pending: Type.Boolean() }) } },
    },
    async () => ({ pending: await services.setup.pending() }),
  );

  app.post(
    '/setup',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags,
        summary: 'Create the first agency and its admin with the one-time setup token',
        body: SetupSchema,
        response: { 201: Type.Object({ agency: AgencySchema, admin: UserSchema }), ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await services.setup.complete(request.body, { requestId: request.id, ip: request.ip })),
  );
};
