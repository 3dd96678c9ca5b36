import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { BadRequestError } from '../../errors.js';
import { HASH_SET_FORMATS, HashSetImportResultSchema, HashSetSchema, type HashSetFormat } from '../../ingest/ingest-schemas.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['hash sets'];
const MAX_SET_BYTES = 512 * 2 ** 20;

/** Known hash sets are node-wide reference lists: everyone working on cases sees them; victim-ID and admins manage them. */
export const hashSetRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_SET_BYTES, files: 1, fields: 5 } });

  app.get(
    '/hashsets',
    {
      config: { access: { kind: 'user', roles: ['investigator', 'victim-id', 'analyst', 'prosecutor', 'admin'] } },
      schema: { tags, summary: 'Known hash sets with their entries and matched media', response: { 200: Type.Array(HashSetSchema), ...commonErrors } },
    },
    async (request) => services.hashSets.list(request.ctx()),
  );

  app.post(
    '/hashsets',
    {
      config: { access: { kind: 'user', roles: ['victim-id', 'admin'] } },
      schema: {
        tags,
        summary: 'Import a hash set (multipart: fields name and format = vics|csv, then the file) and match it against all media',
        consumes: ['multipart/form-data'],
        response: { 201: HashSetImportResultSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new BadRequestError('Send the hash set as multipart/form-data with fields name and format, then the file.', 'not-multipart');
      const fields: Record<string, string> = {};
      let file: { name: string; content: Buffer } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'field') fields[part.fieldname] = String(part.value);
        else if (!file) file = { name: part.filename, content: await part.toBuffer() };
        else part.file.resume();
      }
      if (!file) throw new BadRequestError('The request holds no file.', 'no-file');
      const format = fields.format as HashSetFormat;
      if (!(HASH_SET_FORMATS as readonly string[]).includes(format)) throw new BadRequestError('format is vics or csv.', 'bad-format');
      const result = await services.hashSets.import(request.ctx(), { name: fields.name ?? '', format, content: file.content, fileName: file.name });
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/hashsets/:id',
    {
      config: { access: { kind: 'user', roles: ['victim-id', 'admin'] } },
      schema: { tags, summary: 'Delete a hash set with its matches and the categories it set', params: Type.Object({ id: Id }), response: { 204: Type.Null(), ...commonErrors } },
    },
    async (request, reply) => {
      await services.hashSets.remove(request.ctx(), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
