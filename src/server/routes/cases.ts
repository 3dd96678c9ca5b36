import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CaseListQuerySchema, CasePatchSchema, CaseSchema, CaseSummarySchema, Id, NewCaseSchema } from '../../cases/case-schemas.js';
import { commonErrors } from '../problem.js';
import { AuditPageSchema, AuditQuerySchema } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['cases'];
const CaseParams = Type.Object({ id: Id });
const caseRoles = ['investigator', 'victim-id', 'analyst', 'prosecutor'] as const;

export const caseRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/cases',
    {
      config: { access: { kind: 'user', roles: [...caseRoles] } },
      schema: {
        tags,
        summary: 'Cases my agency takes part in',
        querystring: CaseListQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(CaseSummarySchema), total: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => services.cases.list(request.ctx(), request.query),
  );

  app.post(
    '/cases',
    {
      config: { access: { kind: 'user', roles: ['investigator'] } },
      schema: { tags, summary: 'Open a case, led by my agency', body: NewCaseSchema, response: { 201: CaseSchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await services.cases.create(request.ctx(), request.body)),
  );

  app.get(
    '/cases/:id',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'A case with its participants', params: CaseParams, response: { 200: CaseSchema, ...commonErrors } },
    },
    async (request) => services.cases.get(request.ctx(), request.params.id),
  );

  app.patch(
    '/cases/:id',
    {
      config: { access: { kind: 'case', permission: 'case.update', param: 'id' } },
      schema: { tags, summary: 'Edit a case (lead agency investigators)', params: CaseParams, body: CasePatchSchema, response: { 200: CaseSchema, ...commonErrors } },
    },
    async (request) => services.cases.update(request.ctx(), request.params.id, request.body),
  );

  app.put(
    '/cases/:id/participants/:agencyId',
    {
      config: { access: { kind: 'case', permission: 'case.update', param: 'id' } },
      schema: {
        tags,
        summary: 'Add an agency to the case, or change its access',
        params: Type.Object({ id: Id, agencyId: Id }),
        body: Type.Object({ access: Type.Enum(['contribute', 'read']) }, { additionalProperties: false }),
        response: { 200: CaseSchema, ...commonErrors },
      },
    },
    async (request) => services.cases.setParticipant(request.ctx(), request.params.id, request.params.agencyId, request.body.access),
  );

  app.delete(
    '/cases/:id/participants/:agencyId',
    {
      config: { access: { kind: 'case', permission: 'case.update', param: 'id' } },
      schema: { tags, summary: 'Remove an agency from the case', params: Type.Object({ id: Id, agencyId: Id }), response: { 200: CaseSchema, ...commonErrors } },
    },
    async (request) => services.cases.setParticipant(request.ctx(), request.params.id, request.params.agencyId, null),
  );

  app.get(
    '/cases/:id/audit',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: "The case's audit trail: who collected, read, changed or disclosed what",
        params: CaseParams,
        querystring: Type.Pick(AuditQuerySchema, ['before', 'limit', 'operation']),
        response: { 200: AuditPageSchema, ...commonErrors },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const items = await services.audit.list({ caseId: request.params.id, beforeSeq: request.query.before, limit, operation: request.query.operation });
      return { items, nextBefore: items.length === limit ? items[items.length - 1]!.seq : null };
    },
  );
};
