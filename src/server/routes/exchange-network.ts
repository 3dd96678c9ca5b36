import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DirectoryEntrySchema, MembershipSchema, NetworkStatusSchema, RejectionSchema } from '../../exchange/api-schemas.js';
import { MESSAGE_ROLES } from '../../exchange/node/messages.js';
import { commonErrors } from '../problem.js';
import type { RouteAccess } from '../plugins/auth.js';
import type { Services } from '../services.js';

const tags = ['network'];
const admins: RouteAccess = { kind: 'user', roles: ['admin'] };

/** My agency's network membership: the directory, joining a hub, key rotation, rejected envelopes. */
export const networkRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { membership, outbox, keys, messages, inbox } = services.exchange;

  app.get(
    '/network/directory',
    {
      config: { access: { kind: 'user', roles: [...MESSAGE_ROLES, 'admin'] } },
      schema: { tags, summary: 'Agencies of the network (from the hub’s signed directory)', response: { 200: Type.Array(DirectoryEntrySchema), ...commonErrors } },
    },
    async () => membership.directory(),
  );

  app.get(
    '/network/status',
    { config: { access: admins }, schema: { tags, summary: 'My agency’s membership, outbox and rejected envelopes', response: { 200: NetworkStatusSchema, ...commonErrors } } },
    async (request) => {
      const agencyId = request.ctx().actor.agencyId;
      const rejections = await messages.rejections(agencyId, 1000);
      return {
        membership: (await membership.membership(agencyId)) ?? null,
        outboxPending: await outbox.pending(agencyId),
        rejections: rejections.length,
        keys: (await keys.publicKeys(agencyId)).map((k) => ({ kid: k.kid, use: k.use, status: k.status })),
      };
    },
  );

  app.get(
    '/network/rejections',
    { config: { access: admins }, schema: { tags, summary: 'Envelopes refused on arrival (never shown to anyone), newest first', response: { 200: Type.Array(RejectionSchema), ...commonErrors } } },
    async (request) => messages.rejections(request.ctx().actor.agencyId),
  );

  app.post(
    '/network/join',
    {
      config: { access: { ...admins, sessionOnly: true } as RouteAccess },
      schema: {
        tags,
        summary: 'Join a hub with the enrolment token its administrator issued for my agency',
        body: Type.Object({ hubUrl: Type.String({ minLength: 8, maxLength: 500 }), token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: MembershipSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const ctx = request.ctx();
      return reply.code(201).send(await membership.join(ctx, { hubUrl: request.body.hubUrl, token: request.body.token, agencyId: ctx.actor.agencyId }));
    },
  );

  app.post(
    '/network/keys/rotate',
    {
      config: { access: { ...admins, sessionOnly: true } as RouteAccess },
      schema: { tags, summary: 'New signing and encryption keys for my agency (old ones kept for reading)', response: { 200: Type.Object({ sig: Type.String(), enc: Type.String() }), ...commonErrors } },
    },
    async (request) => {
      const ctx = request.ctx();
      return membership.rotateKeys(ctx, ctx.actor.agencyId);
    },
  );

  app.post(
    '/network/sync',
    {
      config: { access: admins },
      schema: { tags, summary: 'Fetch the directory and inbox and send the outbox now', response: { 200: Type.Object({ accepted: Type.Integer(), rejected: Type.Integer(), duplicate: Type.Integer(), sent: Type.Integer(), waiting: Type.Integer() }), ...commonErrors } },
    },
    async (request) => {
      const agencyId = request.ctx().actor.agencyId;
      await membership.refreshDirectory(agencyId);
      const sent = await outbox.flush(agencyId);
      const polled = await inbox.pollOnce(agencyId, 0);
      return { ...polled, sent: sent.sent, waiting: sent.waiting };
    },
  );
};
