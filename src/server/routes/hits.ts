import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HandlingCode } from '../../intel/vocabulary.js';
import {
  CaseSharingSchema,
  HitQuerySchema,
  HitSchema,
  Id,
  MatchingStatusSchema,
  MessageDraftSchema,
  PolicyPatchSchema,
  PolicySchema,
  SharedItemSchema,
  SyncResultSchema,
} from '../../matching/api-schemas.js';
import { HIT_ROLES } from '../../matching/node/hit-service.js';
import { HitStatusSchema, ItemKindSchema } from '../../matching/vocabulary.js';
import { ForbiddenError } from '../../errors.js';
import type { RouteAccess } from '../plugins/auth.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['hits'];
const hitUsers: RouteAccess = { kind: 'user', roles: HIT_ROLES };
const admins: RouteAccess = { kind: 'user', roles: ['admin'] };
const HitParams = Type.Object({ id: Id });

/** Network hits of my agency, deconfliction, and what my agency shares for matching. */
export const hitRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { hits, sharing, sync } = services.matching;

  app.get(
    '/hits',
    {
      config: { access: hitUsers },
      schema: { tags, summary: 'Hits of my agency’s items, those waiting for a decision first', querystring: HitQuerySchema, response: { 200: Type.Object({ items: Type.Array(HitSchema), total: Type.Integer() }), ...commonErrors } },
    },
    async (request) => hits.list(request.ctx(), request.query),
  );

  app.get(
    '/hits/counts',
    { config: { access: hitUsers }, schema: { tags, summary: 'How many hits are new and how many wait for a decision', response: { 200: Type.Object({ new: Type.Integer(), needsDecision: Type.Integer() }), ...commonErrors } } },
    async (request) => hits.counts(request.ctx()),
  );

  app.get(
    '/hits/:id',
    { config: { access: hitUsers }, schema: { tags, summary: 'One hit', params: HitParams, response: { 200: HitSchema, ...commonErrors } } },
    async (request) => hits.get(request.ctx(), request.params.id),
  );

  app.post(
    '/hits/:id/status',
    {
      config: { access: hitUsers },
      schema: { tags, summary: 'Move a hit forward: acknowledged, in contact, deconflicted or not relevant (both agencies see it)', params: HitParams, body: Type.Object({ status: HitStatusSchema }, { additionalProperties: false }), response: { 200: HitSchema, ...commonErrors } },
    },
    async (request) => hits.setStatus(request.ctx(), request.params.id, request.body.status),
  );

  app.post(
    '/hits/:id/decision',
    {
      config: { access: hitUsers },
      schema: {
        tags,
        summary: 'For an item whose policy is “owner decides”: accept (the other agency learns of the hit and whom to contact) or decline (it never does)',
        params: HitParams,
        body: Type.Object({ decision: Type.Enum(['accept', 'decline']) }, { additionalProperties: false }),
        response: { 200: HitSchema, ...commonErrors },
      },
    },
    async (request) => hits.decide(request.ctx(), request.params.id, request.body.decision),
  );

  app.get(
    '/hits/:id/draft',
    { config: { access: hitUsers }, schema: { tags, summary: 'A message to the other agency naming both items (for the compose form)', params: HitParams, response: { 200: MessageDraftSchema, ...commonErrors } } },
    async (request) => hits.draft(request.ctx(), request.params.id),
  );

  app.get(
    '/cases/:id/hits',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'Hits on the case’s items, or on one item',
        params: HitParams,
        querystring: Type.Object({ kind: Type.Optional(ItemKindSchema), itemId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Array(HitSchema), ...commonErrors },
      },
    },
    async (request) => {
      const { kind, itemId } = request.query;
      if (kind && itemId) return hits.forItem(request.ctx(), request.params.id, kind, itemId);
      return (await hits.list(request.ctx(), { caseId: request.params.id, limit: 200 })).items;
    },
  );

  app.get(
    '/cases/:id/matching',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'What my agency shares of this case for matching, item by item',
        params: HitParams,
        querystring: Type.Object(
          { kind: Type.Optional(ItemKindSchema), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) },
          { additionalProperties: false },
        ),
        response: { 200: CaseSharingSchema, ...commonErrors },
      },
    },
    async (request) => sharing.caseSharing(request.ctx(), request.params.id, request.query),
  );

  app.put(
    '/cases/:id/matching',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: {
        tags,
        summary: 'The handling code the case’s media are matched under (media carry none of their own)',
        params: HitParams,
        body: Type.Object({ mediaHandling: HandlingCode }, { additionalProperties: false }),
        response: { 200: Type.Object({ mediaHandling: HandlingCode }), ...commonErrors },
      },
    },
    async (request) => ({ mediaHandling: await sharing.setMediaHandling(request.ctx(), request.params.id, request.body.mediaHandling) }),
  );

  app.put(
    '/cases/:id/matching/items/:kind/:itemId',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: {
        tags,
        summary: 'Share one item for matching whatever its handling code (true), never (false), or by default again (null)',
        params: Type.Object({ id: Id, kind: ItemKindSchema, itemId: Id }),
        body: Type.Object({ shared: Type.Union([Type.Boolean(), Type.Null()]) }, { additionalProperties: false }),
        response: { 200: SharedItemSchema, ...commonErrors },
      },
    },
    async (request) => sharing.setItemSharing(request.ctx(), request.params.id, request.params.kind, request.params.itemId, request.body.shared),
  );

  app.get(
    '/matching/status',
    { config: { access: { kind: 'user', roles: [...HIT_ROLES, 'admin'] } }, schema: { tags, summary: 'Network key, what my agency has published, last synchronisation', response: { 200: MatchingStatusSchema, ...commonErrors } } },
    async (request) => sharing.status(request.ctx()),
  );

  app.get(
    '/matching/policy',
    { config: { access: { kind: 'user', roles: [...HIT_ROLES, 'admin'] } }, schema: { tags, summary: 'What the other side of a hit learns, per handling code', response: { 200: PolicySchema, ...commonErrors } } },
    async (request) => sharing.policy(request.ctx()),
  );

  app.put(
    '/matching/policy',
    { config: { access: admins }, schema: { tags, summary: 'Change the disclosure policy for some handling codes', body: PolicyPatchSchema, response: { 200: PolicySchema, ...commonErrors } } },
    async (request) => sharing.setPolicy(request.ctx(), request.body),
  );

  app.post(
    '/matching/key',
    {
      config: { access: { ...admins, sessionOnly: true } as RouteAccess },
      schema: { tags, summary: 'Create the network match key, or rotate it (the founding agency)', response: { 200: MatchingStatusSchema, ...commonErrors } },
    },
    async (request) => sharing.createKey(request.ctx()),
  );

  app.post(
    '/matching/sync',
    { config: { access: admins }, schema: { tags, summary: 'Publish, withdraw and fetch hits now', response: { 200: SyncResultSchema, ...commonErrors } } },
    async (request) => {
      const agencyId = request.ctx().actor.agencyId;
      if (!agencyId) throw new ForbiddenError();
      return sync.sync(agencyId);
    },
  );
};
