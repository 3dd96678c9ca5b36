import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import {
  NewRecordSchema,
  RecordDeleteSchema,
  RecordListQuerySchema,
  RecordPatchSchema,
  RecordSchema,
  RecordVersionSchema,
} from '../../intel/records/record-schemas.js';
import { PostImportOptionsSchema, PostImportSchema } from '../../intel/posts/import-service.js';
import { RecordSentSchema, SendRecordSchema } from '../../intel/records/record-sending.js';
import { AppError } from '../../errors.js';
import { commonErrors } from '../problem.js';
import { Empty } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['intelligence'];
const CaseParams = Type.Object({ id: Id });
const RecordParams = Type.Object({ id: Id, recordId: Id });

export const recordRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/cases/:id/records',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'Intelligence records of the case that your agency may see (handling codes apply)',
        params: CaseParams,
        querystring: RecordListQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(RecordSchema), total: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => services.records.list(request.ctx(), request.params.id, request.query),
  );

  app.post(
    '/cases/:id/records',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: { tags, summary: 'Record intelligence; its selectors become suggestions', params: CaseParams, body: NewRecordSchema, response: { 201: RecordSchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await services.records.create(request.ctx(), request.params.id, request.body)),
  );

  app.get(
    '/cases/:id/records/:recordId',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'One record (a consultation, logged)', params: RecordParams, response: { 200: RecordSchema, ...commonErrors } },
    },
    async (request) => services.records.get(request.ctx(), request.params.id, request.params.recordId),
  );

  app.patch(
    '/cases/:id/records/:recordId',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: { tags, summary: 'Edit a record of your agency; the previous version is kept', params: RecordParams, body: RecordPatchSchema, response: { 200: RecordSchema, ...commonErrors } },
    },
    async (request) => services.records.update(request.ctx(), request.params.id, request.params.recordId, request.body),
  );

  app.delete(
    '/cases/:id/records/:recordId',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: { tags, summary: 'Erase a record of your agency (soft; the reason is logged)', params: RecordParams, body: RecordDeleteSchema, response: { 204: Empty, ...commonErrors } },
    },
    async (request, reply) => {
      await services.records.remove(request.ctx(), request.params.id, request.params.recordId, request.body.reason);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/cases/:id/records/:recordId/send',
    {
      // Reading the record is the case's rule; sending takes a messaging role too (the service asks the exchange).
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'Send the record to agencies of the network, as a message under its own handling code (logged as a disclosure)',
        description: 'The node composes the message from the stored record. Refused with 403 record-not-sendable when the handling code does not allow these recipients (TLP:RED never; AMBER+STRICT and H2 by the originator only; AMBER by others only within the case).',
        params: RecordParams,
        body: SendRecordSchema,
        response: { 201: RecordSentSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await services.recordSending.send(request.ctx(), request.params.id, request.params.recordId, request.body)),
  );

  app.get(
    '/cases/:id/records/:recordId/versions',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Every saved version of a record, oldest first', params: RecordParams, response: { 200: Type.Array(RecordVersionSchema), ...commonErrors } },
    },
    async (request) => services.records.history(request.ctx(), request.params.id, request.params.recordId),
  );
};

/** Content types an upload of captured posts may carry; the body is kept as bytes and parsed by the import job. */
export const POST_UPLOAD_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain', 'application/octet-stream'];
export const POST_UPLOAD_LIMIT = 200 * 1024 * 1024;

export const postImportRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  // Encapsulated: these parsers apply to this plugin's routes only.
  app.addContentTypeParser(POST_UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: POST_UPLOAD_LIMIT }, (_request, body, done) => done(null, body));

  app.post(
    '/cases/:id/imports',
    {
      bodyLimit: POST_UPLOAD_LIMIT,
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: {
        tags,
        summary: 'Upload captured posts (CSV or JSON lines) to import in the background',
        description: `Send the file as the body (Content-Type ${POST_UPLOAD_TYPES.join(', ')}); options in the query string. Poll GET /cases/{id}/imports/{importId} for progress.`,
        params: CaseParams,
        querystring: PostImportOptionsSchema,
        response: { 202: PostImportSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new AppError(415, 'unsupported-media-type', `Send the file itself as the body, as one of: ${POST_UPLOAD_TYPES.join(', ')}.`);
      return reply.code(202).send(await services.postImports.upload(request.ctx(), request.params.id, request.body, request.query));
    },
  );

  app.get(
    '/cases/:id/imports',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Post imports of the case, newest first', params: CaseParams, response: { 200: Type.Array(PostImportSchema), ...commonErrors } },
    },
    async (request) => services.postImports.list(request.ctx(), request.params.id),
  );

  app.get(
    '/cases/:id/imports/:importId',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Progress and malformed lines of one import', params: Type.Object({ id: Id, importId: Id }), response: { 200: PostImportSchema, ...commonErrors } },
    },
    async (request) => services.postImports.get(request.ctx(), request.params.id, request.params.importId),
  );
};
