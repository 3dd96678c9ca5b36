import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { BadRequestError } from '../../errors.js';
import { sha256Digest } from '../../exchange/digests.js';
import { MAX_ENVELOPE_BYTES, MAX_PART_BYTES } from '../../exchange/hub/hub-mailbox.js';
import type { AuthenticatedRequest } from '../../exchange/hub/hub-service.js';
import type { MemberStatus } from '../../exchange/protocol.js';
import { SIGNATURE_HEADER } from '../../exchange/request-signing.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['hub protocol'];
const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const PartParams = Type.Object({ envelopeId: Uuid, partId: Type.String({ pattern: '^[0-9]{1,2}\\.[0-9]{1,6}$' }) });
const Jwk = Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String() });
const MemberSchema = Type.Object({
  agencyId: Type.String(),
  name: Type.String(),
  country: Type.String(),
  status: Type.Enum(['pending', 'active', 'suspended']),
  joinedAt: Type.String(),
  approvedAt: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Array(Type.Object({ kid: Type.String(), use: Type.Enum(['sig', 'enc']), status: Type.Enum(['current', 'retired']) })),
});

const rawBodies = new WeakMap<FastifyRequest, Buffer>();
const callers = new WeakMap<FastifyRequest, AuthenticatedRequest>();

/**
 * The node→hub protocol (docs/protocol.md), registered only on a node started with the hub role, under /hub/v1. It
 * is not part of the user API: nodes authenticate every request with the acting agency's signature (except `info`,
 * which serves the hub's public key, and `join`, signed with the key being enrolled), so these routes sit outside
 * /api/v1 and its session/token policy.
 */
export const hubRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const hub = services.exchange.hub;

  // The signature covers the exact body bytes: keep them, then parse.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_ENVELOPE_BYTES + 64 * 1024 }, (request, body, done) => {
    rawBodies.set(request, body as Buffer);
    try {
      done(null, (body as Buffer).length === 0 ? undefined : JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new BadRequestError('The request body is not valid JSON.', 'invalid-json'), undefined);
    }
  });
  // Parts stream straight to disk; the handler enforces their size.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  // Shutting down: long polls answer at once; then sockets that nodes keep open (keep-alive, or connected and never
  // used) must not hold the close for minutes. In-flight requests get a short grace first.
  app.addHook('preClose', async () => {
    hub.releaseWaiters();
    app.server.closeIdleConnections();
    setTimeout(() => app.server.closeAllConnections(), 2_000).unref();
  });

  function signed(allow: MemberStatus[] = ['active'], streamed = false) {
    return async (request: FastifyRequest) => {
      const header = request.headers[SIGNATURE_HEADER];
      const bodyDigest = streamed ? undefined : sha256Digest(rawBodies.get(request) ?? Buffer.alloc(0));
      callers.set(request, await hub.authenticate(typeof header === 'string' ? header : undefined, { method: request.method, path: request.url, ...(bodyDigest ? { bodyDigest } : {}) }, allow, { requestId: request.id, ip: request.ip }));
    };
  }
  const caller = (request: FastifyRequest) => callers.get(request)!;

  app.get(
    '/info',
    {
      schema: { tags, summary: "The hub's identity and public signing key (pinned by joining nodes through the enrolment token)", response: { 200: Type.Object({ hubId: Type.String(), kid: Type.String(), key: Jwk, protocol: Type.Integer() }) } },
    },
    async () => ({ ...(await hub.members.identity()), protocol: 1 }),
  );

  app.post(
    '/join',
    {
      schema: {
        tags,
        summary: 'Join with an enrolment token and the agency public keys (signed with the signing key presented)',
        body: Type.Object(
          {
            token: Type.String({ maxLength: 200 }),
            agency: Type.Object({ id: Uuid, name: Type.String({ maxLength: 200 }), country: Type.String({ maxLength: 3 }) }, { additionalProperties: false }),
            keys: Type.Object({ sig: Type.Unknown(), enc: Type.Unknown() }, { additionalProperties: false }),
            nodeUrl: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ member: MemberSchema, directory: Type.Object({ version: Type.Integer(), jws: Type.String() }) }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const header = request.headers[SIGNATURE_HEADER];
      await hub.authenticateJoin(
        typeof header === 'string' ? header : undefined,
        { method: request.method, path: request.url, bodyDigest: sha256Digest(rawBodies.get(request) ?? Buffer.alloc(0)) },
        { agencyId: request.body.agency.id, sig: request.body.keys.sig },
      );
      const member = await hub.members.join(request.body, { requestId: request.id, ip: request.ip });
      return reply.code(201).send({ member, directory: (await hub.members.directory())! });
    },
  );

  app.get(
    '/directory',
    {
      preHandler: signed(['pending', 'active', 'suspended']),
      schema: { tags, summary: 'The signed directory of member agencies', response: { 200: Type.Object({ version: Type.Integer(), jws: Type.String() }), ...commonErrors } },
    },
    async () => (await hub.members.directory())!,
  );

  app.post(
    '/keys',
    {
      preHandler: signed(['pending', 'active']),
      schema: {
        tags,
        summary: 'Replace the agency keys (rotation): signed with the current key, the update signed with the new one, the continuity proof with the current one',
        body: Type.Object({ update: Type.String({ maxLength: 10_000 }), continuity: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ directoryVersion: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => ({ directoryVersion: await hub.members.updateKeys(caller(request).agencyId, request.body.update, request.body.continuity, { requestId: request.id, ip: request.ip }) }),
  );

  app.put(
    '/parts/:envelopeId/:partId',
    {
      preHandler: signed(['active'], true),
      bodyLimit: MAX_PART_BYTES,
      schema: { tags, summary: 'Upload one sealed attachment part (before its envelope)', params: PartParams, response: { 200: Type.Object({ stored: Type.Boolean() }), ...commonErrors } },
    },
    async (request) => {
      const { envelopeId, partId } = request.params;
      const c = caller(request);
      return hub.mailbox.putPart(c.agencyId, envelopeId, partId, request.body as Readable, c.claims.digest);
    },
  );

  app.get(
    '/parts/:envelopeId/:partId',
    { preHandler: signed(['active', 'suspended']), schema: { tags, summary: 'Download one sealed attachment part', params: PartParams } },
    async (request, reply) => {
      const part = await hub.mailbox.getPart(caller(request).agencyId, request.params.envelopeId, request.params.partId);
      return reply.type('application/octet-stream').header('content-length', String(part.size)).send(part.stream);
    },
  );

  app.post(
    '/envelopes',
    {
      preHandler: signed(['active']),
      bodyLimit: MAX_ENVELOPE_BYTES + 64 * 1024,
      schema: {
        tags,
        summary: 'Submit a sealed envelope (its parts already uploaded)',
        body: Type.Object({ routing: Type.String({ maxLength: 1_000_000 }), jwe: Type.String({ maxLength: MAX_ENVELOPE_BYTES }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ seq: Type.Integer(), duplicate: Type.Boolean() }), ...commonErrors },
      },
    },
    async (request) => hub.mailbox.submit(caller(request).agencyId, request.body),
  );

  app.get(
    '/inbox',
    {
      preHandler: signed(['active', 'suspended']),
      schema: {
        tags,
        summary: 'Envelopes waiting for the agency, oldest first (long poll)',
        querystring: Type.Object(
          { wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, default: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            directoryVersion: Type.Integer(),
            envelopes: Type.Array(Type.Object({ seq: Type.Integer(), id: Type.String(), routing: Type.String(), jwe: Type.String() })),
          }),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      // A node that hangs up (or shuts down) ends its long poll.
      const abort = new AbortController();
      reply.raw.once('close', () => abort.abort());
      const envelopes = await hub.mailbox.inbox(caller(request).agencyId, { limit: request.query.limit ?? 20, waitMs: (request.query.wait ?? 0) * 1000, signal: abort.signal });
      return { directoryVersion: await hub.members.directoryVersion(), envelopes };
    },
  );

  app.post(
    '/ack',
    {
      preHandler: signed(['active', 'suspended']),
      schema: {
        tags,
        summary: 'Acknowledge envelopes taken in; the hub deletes each one every recipient has acknowledged',
        body: Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ acked: Type.Integer(), deleted: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => hub.mailbox.ack(caller(request).agencyId, request.body.ids),
  );
};
