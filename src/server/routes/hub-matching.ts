import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { BadRequestError } from '../../errors.js';
import { sha256Digest } from '../../exchange/digests.js';
import type { AuthenticatedRequest } from '../../exchange/hub/hub-service.js';
import { SIGNATURE_HEADER } from '../../exchange/request-signing.js';
import {
  AnnounceSchema,
  ChangesQuerySchema,
  ChangesSchema,
  DecisionSchema,
  HitParamsSchema,
  HubHitViewSchema,
  MatchStateSchema,
  PublishResultSchema,
  PublishSchema,
  StatusSchema,
  WithdrawResultSchema,
  WithdrawSchema,
} from '../../matching/hub-protocol.js';
import type { RouteAccess } from '../plugins/auth.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['hub protocol'];
/** 1 000 items of 8 tokens and a PDQ hash stay well under this. */
const BODY_LIMIT = 2 * 1024 * 1024;
const rawBodies = new WeakMap<FastifyRequest, Buffer>();
const callers = new WeakMap<FastifyRequest, AuthenticatedRequest>();

/**
 * The matching part of the node→hub protocol, under /hub/v1/match on a hub node. Every request is signed by the
 * acting member agency (the exchange's request signatures: method, path, body digest, time, nonce), like the
 * mailbox's; only active members take part.
 */
export const hubMatchingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const hub = services.exchange.hub;
  const matching = services.matching.hub;

  // The signature covers the exact body bytes: keep them, then parse.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    rawBodies.set(request, body as Buffer);
    try {
      done(null, (body as Buffer).length === 0 ? undefined : JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new BadRequestError('The request body is not valid JSON.', 'invalid-json'), undefined);
    }
  });

  app.addHook('preHandler', async (request) => {
    const header = request.headers[SIGNATURE_HEADER];
    const bodyDigest = sha256Digest(rawBodies.get(request) ?? Buffer.alloc(0));
    callers.set(request, await hub.authenticate(typeof header === 'string' ? header : undefined, { method: request.method, path: request.url, bodyDigest }, undefined, { requestId: request.id, ip: request.ip }));
  });
  const agencyOf = (request: FastifyRequest) => callers.get(request)!.agencyId;
  const meta = (request: FastifyRequest) => ({ requestId: request.id, ip: request.ip });

  app.get('/state', { schema: { tags, summary: 'The network match key epoch and founding agency', response: { 200: MatchStateSchema, ...commonErrors } } }, async () => matching.state());

  app.post(
    '/epochs',
    { schema: { tags, summary: 'The founding agency announces the next key epoch', body: AnnounceSchema, response: { 200: MatchStateSchema, ...commonErrors } } },
    async (request) => matching.announce(agencyOf(request), request.body.epoch, meta(request)),
  );

  app.post(
    '/items',
    {
      bodyLimit: BODY_LIMIT,
      schema: { tags, summary: 'Publish items (tokens, transformed PDQ) under opaque references; hits are recorded', body: PublishSchema, response: { 200: PublishResultSchema, ...commonErrors } },
    },
    async (request) => matching.publish(agencyOf(request), request.body, meta(request)),
  );

  app.post(
    '/withdraw',
    { schema: { tags, summary: 'Withdraw items: their tokens and the hits resting on them go', body: WithdrawSchema, response: { 200: WithdrawResultSchema, ...commonErrors } } },
    async (request) => matching.withdraw(agencyOf(request), request.body.refs, meta(request)),
  );

  app.get(
    '/changes',
    { schema: { tags, summary: 'Hits that changed for my agency since a cursor, as my agency may see them', querystring: ChangesQuerySchema, response: { 200: ChangesSchema, ...commonErrors } } },
    async (request) => matching.changes(agencyOf(request), request.query.after ?? 0, request.query.limit ?? 500),
  );

  app.post(
    '/hits/:hitId/status',
    { schema: { tags, summary: 'Move a hit forward in deconfliction (both sides see it)', params: HitParamsSchema, body: StatusSchema, response: { 200: HubHitViewSchema, ...commonErrors } } },
    async (request) => matching.setStatus(agencyOf(request), request.params.hitId, request.body.status, meta(request)),
  );

  app.post(
    '/hits/:hitId/decision',
    { schema: { tags, summary: 'Accept or decline disclosing an owner-only item’s hit', params: HitParamsSchema, body: DecisionSchema, response: { 200: HubHitViewSchema, ...commonErrors } } },
    async (request) => matching.decide(agencyOf(request), request.params.hitId, request.body.decision, meta(request)),
  );
};

const admins: RouteAccess = { kind: 'user', roles: ['admin'] };

/** The hub administrator's view of the match index (counts only) and the choice of founding agency. */
export const hubMatchingAdminRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const matching = services.matching.hub;

  app.get(
    '/hub/matching',
    {
      config: { access: admins },
      schema: {
        tags: ['hub administration'],
        summary: 'Match index counts, the key epoch and the founding agency',
        response: {
          200: Type.Object({ state: MatchStateSchema, items: Type.Integer(), tokens: Type.Integer(), pdq: Type.Integer(), hits: Type.Integer(), indexBytes: Type.Integer() }),
          ...commonErrors,
        },
      },
    },
    async () => matching.overview(),
  );

  app.put(
    '/hub/matching/founder',
    {
      config: { access: { ...admins, sessionOnly: true } as RouteAccess },
      schema: {
        tags: ['hub administration'],
        summary: 'Name the member agency that creates (and rotates) the network match key',
        body: Type.Object({ agencyId: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }) }, { additionalProperties: false }),
        response: { 200: MatchStateSchema, ...commonErrors },
      },
    },
    async (request) => matching.setFounder(request.ctx(), request.body.agencyId),
  );
};
