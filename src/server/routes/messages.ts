import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { MessageDetailSchema, MessageQuerySchema, MessageSummarySchema, NewMessageSchema, UploadSchema } from '../../exchange/api-schemas.js';
import { MESSAGE_ROLES } from '../../exchange/node/messages.js';
import { commonErrors } from '../problem.js';
import type { RouteAccess } from '../plugins/auth.js';
import type { Services } from '../services.js';

const tags = ['messages'];
const access: RouteAccess = { kind: 'user', roles: MESSAGE_ROLES };
const Id = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Params = Type.Object({ id: Id });
/** Shown inline only when harmless; anything else downloads as bytes. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp)|video\/(mp4|webm)|application\/pdf|text\/plain)$/;

/** The agency's mailbox: messages to and from other agencies of the network, sealed end to end. */
export const messageRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const messages = services.exchange.messages;
  // Attachments stream in as raw bytes and are encrypted chunk by chunk on the way to disk.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.get(
    '/messages',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Inbox or outbox of my agency, newest first (search, per case, per thread, unread)',
        querystring: MessageQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(MessageSummarySchema), total: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => messages.list(request.ctx(), { ...request.query, box: request.query.box ?? 'in' }),
  );

  app.get(
    '/messages/unread',
    {
      config: { access },
      schema: {
        tags,
        summary: 'How many inbox messages I have not opened, requests for information overdue, and a marker that changes with the mailbox',
        response: { 200: Type.Object({ unread: Type.Integer(), overdue: Type.Integer(), changes: Type.String({ description: 'Opaque; changes when a message or receipt arrives or is sent' }) }), ...commonErrors },
      },
    },
    async (request) => messages.unreadCount(request.ctx()),
  );

  app.get(
    '/messages/cases',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Message threads grouped by case reference',
        querystring: Type.Object({ box: Type.Optional(Type.Enum(['in', 'out'], { default: 'in' })) }, { additionalProperties: false }),
        response: { 200: Type.Array(Type.Object({ caseReference: Type.Union([Type.String(), Type.Null()]), messages: Type.Integer(), unread: Type.Integer(), lastAt: Type.String() })), ...commonErrors },
      },
    },
    async (request) => messages.cases(request.ctx(), request.query.box ?? 'in'),
  );

  app.post(
    '/messages',
    {
      config: { access },
      schema: { tags, summary: 'Send a message (sealed now, delivered through the hub)', body: NewMessageSchema, response: { 201: MessageDetailSchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await messages.send(request.ctx(), request.body)),
  );

  app.post(
    '/messages/attachments',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Upload an attachment (raw bytes, application/octet-stream); encrypted as it arrives. Send its id with the message.',
        querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }), type: Type.Optional(Type.String({ maxLength: 255 })) }, { additionalProperties: false }),
        response: { 201: UploadSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const upload = await messages.upload(request.ctx(), { name: request.query.name, mediaType: request.query.type ?? 'application/octet-stream', body: request.body as Readable });
      return reply.code(201).send(upload);
    },
  );

  app.get(
    '/messages/:id',
    { config: { access }, schema: { tags, summary: 'Open a message (recorded; the first opening sends a read receipt)', params: Params, response: { 200: MessageDetailSchema, ...commonErrors } } },
    async (request) => messages.get(request.ctx(), request.params.id),
  );

  app.get(
    '/messages/:id/thread',
    { config: { access }, schema: { tags, summary: 'The messages of the thread, oldest first', params: Params, response: { 200: Type.Array(MessageSummarySchema), ...commonErrors } } },
    async (request) => messages.thread(request.ctx(), request.params.id),
  );

  app.get(
    '/messages/:id/attachments/:index',
    {
      config: { access },
      schema: { tags, summary: 'Download an attachment (decrypted as it streams; recorded)', params: Type.Object({ id: Id, index: Type.Integer({ minimum: 0, maximum: 99 }) }) },
    },
    async (request, reply) => {
      const file = await messages.download(request.ctx(), request.params.id, request.params.index);
      const type = INLINE_TYPES.test(file.mediaType) ? file.mediaType : 'application/octet-stream';
      return reply
        .type(type)
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${file.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('cache-control', 'no-store')
        .send(file.stream);
    },
  );
};
