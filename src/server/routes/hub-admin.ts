import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { commonErrors } from '../problem.js';
import type { RouteAccess } from '../plugins/auth.js';
import { NewAgencySchema } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['hub administration'];
const admins: RouteAccess = { kind: 'user', roles: ['admin'] };
const AgencyId = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

const HubMemberSchema = Type.Object({
  agencyId: Type.String(),
  name: Type.String(),
  country: Type.String(),
  status: Type.Enum(['pending', 'active', 'suspended']),
  joinedAt: Type.String(),
  approvedAt: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Array(Type.Object({ kid: Type.String(), use: Type.Enum(['sig', 'enc']), status: Type.Enum(['current', 'retired']) })),
});

const EnrolmentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  country: Type.String(),
  expiresAt: Type.String(),
  createdAt: Type.String(),
  usedAt: Type.Union([Type.String(), Type.Null()]),
  agencyId: Type.Union([Type.String(), Type.Null()]),
});

/** The hub administrator's face (on a hub node): enrolment tokens, member approval and suspension, mailbox counts. */
export const hubAdminRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const hub = services.exchange.hub;

  app.get(
    '/hub/overview',
    {
      config: { access: admins },
      schema: {
        tags,
        summary: "The hub's identity and mailbox counts",
        response: {
          200: Type.Object({
            hubId: Type.String(),
            kid: Type.String(),
            directoryVersion: Type.Integer(),
            envelopes: Type.Integer(),
            pendingDeliveries: Type.Integer(),
            parts: Type.Integer(),
          }),
          ...commonErrors,
        },
      },
    },
    async () => {
      const { hubId, kid } = await hub.members.identity();
      return { hubId, kid, directoryVersion: await hub.members.directoryVersion(), ...(await hub.mailbox.stats()) };
    },
  );

  app.get(
    '/hub/members',
    { config: { access: admins }, schema: { tags, summary: 'Member agencies of the network', response: { 200: Type.Array(HubMemberSchema), ...commonErrors } } },
    async () => hub.members.members(),
  );

  app.get(
    '/hub/enrolments',
    { config: { access: admins }, schema: { tags, summary: 'Enrolment tokens issued (the tokens themselves are shown once)', response: { 200: Type.Array(EnrolmentSchema), ...commonErrors } } },
    async () => hub.members.enrolments(),
  );

  app.post(
    '/hub/enrolments',
    {
      config: { access: { ...admins, sessionOnly: true } as RouteAccess },
      schema: {
        tags,
        summary: 'Issue a one-time enrolment token for a named agency',
        body: NewAgencySchema,
        response: { 201: Type.Object({ token: Type.String(), enrolment: EnrolmentSchema }), ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await hub.members.enrol(request.ctx(), request.body)),
  );

  for (const [verb, action] of [
    ['approve', 'approve'],
    ['suspend', 'suspend'],
  ] as const) {
    app.post(
      `/hub/members/:agencyId/${verb}`,
      {
        config: { access: admins },
        schema: { tags, summary: `${verb === 'approve' ? 'Approve (or reinstate)' : 'Suspend'} a member agency`, params: Type.Object({ agencyId: AgencyId }), response: { 200: HubMemberSchema, ...commonErrors } },
      },
      async (request) => hub.members[action](request.ctx(), request.params.agencyId),
    );
  }
};
