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

  app.get(
    '/cases/:id/records/:recordId/versions',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Every saved version of a record, oldest first', params: RecordParams, response: { 200: Type.Array(RecordVersionSchema), ...commonErrors } },
    },
    async (request) => services.records.history(request.ctx(), request.params.id, request.params.recordId),
  );
};
