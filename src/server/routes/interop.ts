import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { DataSubjectCategory, HandlingCode } from '../../intel/vocabulary.js';
import { MispImportResultSchema } from '../../interop/misp/misp-service.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['interchange'];
const CaseParams = Type.Object({ id: Id });
const ExportQuery = Type.Object(
  { recipient: Type.Optional(Type.String({ maxLength: 200, description: 'Who the file is for (logged as the recipient of the disclosure)' })) },
  { additionalProperties: false },
);
const AnyObject = Type.Record(Type.String(), Type.Unknown());
/** Fields are built from a fixed mapping (stix-export.ts, misp-export.ts), never copied from storage. */
const StixBundleSchema = Type.Object({ type: Type.Literal('bundle'), id: Type.String(), objects: Type.Array(AnyObject) });
const MispEventSchema = Type.Object({ Event: AnyObject });
export const MISP_IMPORT_LIMIT = 50 * 1024 * 1024;

async function fileName(services: Services, caseId: string, suffix: string): Promise<string> {
  const row = await services.db.selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirst();
  return `${(row?.reference ?? caseId).replace(/[^A-Za-z0-9._-]+/g, '_')}${suffix}`;
}

export const interopRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/cases/:id/export/stix',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'The case as a STIX 2.1 bundle (what your agency may export; each object TLP-marked). Logged as a disclosure.',
        params: CaseParams,
        querystring: ExportQuery,
        response: { 200: StixBundleSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { bundle, omitted } = await services.stix.exportCase(request.ctx(), request.params.id, request.query.recipient);
      return reply
        .type('application/stix+json;version=2.1')
        .header('content-disposition', `attachment; filename="${await fileName(services, request.params.id, '.stix.json')}"`)
        .header('x-tessera-omitted', String(omitted))
        .send(bundle);
    },
  );

  app.get(
    '/cases/:id/export/misp',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'The case as a MISP event (JSON). Logged as a disclosure.', params: CaseParams, querystring: ExportQuery, response: { 200: MispEventSchema, ...commonErrors } },
    },
    async (request, reply) => {
      const { event, omitted } = await services.misp.exportCase(request.ctx(), request.params.id, request.query.recipient);
      return reply
        .header('content-disposition', `attachment; filename="${await fileName(services, request.params.id, '.misp.json')}"`)
        .header('x-tessera-omitted', String(omitted))
        .send(event);
    },
  );

  app.post(
    '/cases/:id/import/misp',
    {
      bodyLimit: MISP_IMPORT_LIMIT,
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: {
        tags,
        summary: 'Import a MISP event into the case; the answer lists what Tessera does not model',
        description: 'The body is MISP event JSON as MISP or PyMISP write it ({"Event": {...}}); it is read tolerantly.',
        params: CaseParams,
        querystring: Type.Object(
          { handlingCode: Type.Optional(HandlingCode), dataSubject: Type.Optional(DataSubjectCategory) },
          { additionalProperties: false, description: 'handlingCode applies where the event carries no tlp: tag' },
        ),
        body: AnyObject,
        response: { 201: MispImportResultSchema, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await services.misp.importEvent(request.ctx(), request.params.id, request.body, {
          ...(request.query.handlingCode ? { handlingCode: request.query.handlingCode } : {}),
          ...(request.query.dataSubject ? { dataSubject: request.query.dataSubject } : {}),
        }),
      ),
  );
};
