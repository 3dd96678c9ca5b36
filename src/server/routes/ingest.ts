import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { BadRequestError } from '../../errors.js';
import { IngestIssueSchema, IngestSchema } from '../../ingest/ingest-schemas.js';
import type { UploadedFile } from '../../ingest/ingest-service.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['ingest'];
const CaseParams = Type.Object({ id: Id });
const IngestParams = Type.Object({ id: Id, ingestId: Id });
/** Largest single uploaded file (a zip of a phone's contents). */
const MAX_UPLOAD_BYTES = 64 * 2 ** 30;

/** Ingest from the web app: upload files or archives, follow the background job, read what was refused. */
export const ingestRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1000, fields: 10, parts: 1010 } });

  app.post(
    '/cases/:id/ingests',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: {
        tags,
        summary: 'Upload files or archives (multipart/form-data); they are ingested by a background job whose progress the ingest shows',
        consumes: ['multipart/form-data'],
        params: CaseParams,
        querystring: Type.Object({ source: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Where the files come from' })) }, { additionalProperties: false }),
        response: { 202: IngestSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new BadRequestError('Send the files as multipart/form-data.', 'not-multipart');
      const parts = request.parts();
      async function* files(): AsyncGenerator<UploadedFile> {
        for await (const part of parts) {
          if (part.type === 'file') yield { filename: part.filename || 'upload', stream: part.file };
        }
      }
      const ingest = await services.ingest.upload(request.ctx(), request.params.id, files(), request.query.source);
      return reply.code(202).send(ingest);
    },
  );

  app.get(
    '/cases/:id/ingests',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Ingests of the case, newest first', params: CaseParams, response: { 200: Type.Array(IngestSchema), ...commonErrors } },
    },
    async (request) => services.ingest.list(request.ctx(), request.params.id),
  );

  app.get(
    '/cases/:id/ingests/:ingestId',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'One ingest: status, progress, summary', params: IngestParams, response: { 200: IngestSchema, ...commonErrors } },
    },
    async (request) => services.ingest.get(request.ctx(), request.params.id, request.params.ingestId),
  );

  app.get(
    '/cases/:id/ingests/:ingestId/issues',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'Files of the ingest that were refused or stored with a caveat, with the reason',
        params: IngestParams,
        querystring: Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(IngestIssueSchema), ...commonErrors },
      },
    },
    async (request) => services.ingest.issues(request.ctx(), request.params.id, request.params.ingestId, request.query),
  );
};
