import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../errors.js';
import { commonErrors } from '../problem.js';
import type { RouteAccess } from '../plugins/auth.js';
import { AgencySchema, IdParams, NewAgencySchema, NewUserSchema, UserPatchSchema, UserSchema } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['admin'];
const admins: RouteAccess = { kind: 'user', roles: ['admin'] };

/** Agency admins manage the users of their own agency; every user can see which agencies this node knows. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/agencies',
    { config: { access: { kind: 'user' } }, schema: { tags, summary: 'Agencies known to this node', response: { 200: Type.Array(AgencySchema), ...commonErrors } } },
    async () => services.agencies.list(),
  );

  app.post(
    '/agencies',
    {
      config: { access: admins },
      schema: { tags, summary: 'Host another agency on this node', body: NewAgencySchema, response: { 201: AgencySchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await services.agencies.create(request.ctx(), { ...request.body, hosted: true })),
  );

  app.get(
    '/users',
    { config: { access: admins }, schema: { tags, summary: 'Users of my agency', response: { 200: Type.Array(UserSchema), ...commonErrors } } },
    async (request) => services.users.listByAgency(request.ctx().actor.agencyId),
  );

  app.post(
    '/users',
    { config: { access: admins }, schema: { tags, summary: 'Create a user in my agency', body: NewUserSchema, response: { 201: UserSchema, ...commonErrors } } },
    async (request, reply) => {
      const ctx = request.ctx();
      return reply.code(201).send(await services.users.create(ctx, { ...request.body, agencyId: ctx.actor.agencyId }));
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { access: admins },
      schema: { tags, summary: 'Change roles or status of, or unlock, a user of my agency', params: IdParams, body: UserPatchSchema, response: { 200: UserSchema, ...commonErrors } },
    },
    async (request) => {
      const ctx = request.ctx();
      const target = await services.users.get(request.params.id);
      if (target.agencyId !== ctx.actor.agencyId) throw new NotFoundError('The user');
      return services.users.update(ctx, target.id, request.body);
    },
  );
};
