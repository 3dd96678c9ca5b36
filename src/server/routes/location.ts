import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import {
  AnalystItemInputSchema,
  AssessmentPatchSchema,
  AssessmentSchema,
  AssessmentSummarySchema,
  CompareQuerySchema,
  ComparisonSchema,
  DeleteAssessmentSchema,
  ItemPatchSchema,
  NewAssessmentSchema,
  VersionSchema,
  VersionSummarySchema,
} from '../../geo/assessment-schemas.js';
import { commonErrors } from '../problem.js';
import { Empty } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['location'];
const base = '/cases/:id/location-assessments';
const CaseParams = Type.Object({ id: Id });
const AssessmentParams = Type.Object({ id: Id, assessmentId: Id });
const ItemParams = Type.Object({ id: Id, assessmentId: Id, itemId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$' }) });
const VersionParams = Type.Object({ id: Id, assessmentId: Id, version: Type.Integer({ minimum: 1 }) });
const read = { access: { kind: 'case', permission: 'case.read', param: 'id' } } as const;
const contribute = { access: { kind: 'case', permission: 'case.contribute', param: 'id' } } as const;

/** Location assessments of a case (issue 8): where an identity most likely lives, with its evidence and versions. */
export const locationRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const location = services.locationAssessments;

  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: 'Location assessments of the case that you may read (each brought up to date with its sources)',
        params: CaseParams,
        response: { 200: Type.Array(AssessmentSummarySchema), ...commonErrors },
      },
    },
    async (request) => location.list(request.ctx(), request.params.id),
  );

  app.post(
    base,
    {
      config: contribute,
      schema: {
        tags,
        summary: 'Assess where an online identity of the case (or the case as a whole) most likely is',
        description:
          'Evidence is gathered from the case: times and texts of the identity\'s posts, GPS and capture offsets of the case\'s media, camera serials shared with media of other cases; analyst items may be given too. The audience decides what may be gathered (see the schema).',
        params: CaseParams,
        body: NewAssessmentSchema,
        response: { 201: AssessmentSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await location.create(request.ctx(), request.params.id, request.body)),
  );

  app.get(
    `${base}/:assessmentId`,
    {
      config: read,
      schema: {
        tags,
        summary: 'One assessment: the current version with its evidence, result and charts (recomputed first if its sources changed)',
        params: AssessmentParams,
        response: { 200: AssessmentSchema, ...commonErrors },
      },
    },
    async (request) => location.get(request.ctx(), request.params.id, request.params.assessmentId),
  );

  app.patch(
    `${base}/:assessmentId`,
    {
      config: contribute,
      schema: {
        tags,
        summary: 'Rename, change the country prior, or switch evidence items on and off (a new version)',
        params: AssessmentParams,
        body: AssessmentPatchSchema,
        response: { 200: AssessmentSchema, ...commonErrors },
      },
    },
    async (request) => location.update(request.ctx(), request.params.id, request.params.assessmentId, request.body),
  );

  app.delete(
    `${base}/:assessmentId`,
    {
      config: contribute,
      schema: { tags, summary: 'Erase an assessment (soft; the reason is logged)', params: AssessmentParams, body: DeleteAssessmentSchema, response: { 204: Empty, ...commonErrors } },
    },
    async (request, reply) => {
      await location.remove(request.ctx(), request.params.id, request.params.assessmentId, request.body.reason);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/:assessmentId/recompute`,
    {
      config: contribute,
      schema: { tags, summary: 'Gather the evidence again and compute a new version now', params: AssessmentParams, response: { 200: AssessmentSchema, ...commonErrors } },
    },
    async (request) => location.recompute(request.ctx(), request.params.id, request.params.assessmentId),
  );

  app.post(
    `${base}/:assessmentId/items`,
    {
      config: contribute,
      schema: { tags, summary: 'Add an analyst item (a clue, a position, an offset, a serial, times or texts)', params: AssessmentParams, body: AnalystItemInputSchema, response: { 201: AssessmentSchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await location.addItem(request.ctx(), request.params.id, request.params.assessmentId, request.body)),
  );

  app.patch(
    `${base}/:assessmentId/items/:itemId`,
    {
      config: contribute,
      schema: { tags, summary: 'Switch an item on or off, or change an analyst item', params: ItemParams, body: ItemPatchSchema, response: { 200: AssessmentSchema, ...commonErrors } },
    },
    async (request) => location.updateItem(request.ctx(), request.params.id, request.params.assessmentId, request.params.itemId, request.body),
  );

  app.delete(
    `${base}/:assessmentId/items/:itemId`,
    {
      config: contribute,
      schema: { tags, summary: 'Remove an analyst item (gathered items are switched off instead)', params: ItemParams, response: { 200: AssessmentSchema, ...commonErrors } },
    },
    async (request) => location.removeItem(request.ctx(), request.params.id, request.params.assessmentId, request.params.itemId),
  );

  app.get(
    `${base}/:assessmentId/versions`,
    {
      config: read,
      schema: { tags, summary: 'Every version, newest first', params: AssessmentParams, response: { 200: Type.Array(VersionSummarySchema), ...commonErrors } },
    },
    async (request) => location.versions(request.ctx(), request.params.id, request.params.assessmentId),
  );

  app.get(
    `${base}/:assessmentId/versions/:version`,
    {
      config: read,
      schema: { tags, summary: 'One version as it was: its evidence and result', params: VersionParams, response: { 200: VersionSchema, ...commonErrors } },
    },
    async (request) => location.version(request.ctx(), request.params.id, request.params.assessmentId, request.params.version),
  );

  app.get(
    `${base}/:assessmentId/compare`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Two versions side by side: how the countries moved, the credible set, and which evidence differs',
        params: AssessmentParams,
        querystring: CompareQuerySchema,
        response: { 200: ComparisonSchema, ...commonErrors },
      },
    },
    async (request) => location.compare(request.ctx(), request.params.id, request.params.assessmentId, request.query.from, request.query.to),
  );
};
