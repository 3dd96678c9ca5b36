import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CountryCode } from 'libphonenumber-js';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import {
  AlsoSeenInSchema,
  CaseSelectorSchema,
  ExtractRequestSchema,
  NewSelectorSchema,
  SelectorDecisionSchema,
  SelectorListQuerySchema,
  SelectorSourceSchema,
} from '../../intel/correlation/selector-schemas.js';
import { extractSelectors } from '../../intel/selectors/extract.js';
import { ExtractedSelectorSchema } from '../../intel/selectors/types.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['intelligence'];
const CaseParams = Type.Object({ id: Id });
const SelectorParams = Type.Object({ id: Id, selectorId: Id });
const caseRoles = ['investigator', 'victim-id', 'analyst', 'prosecutor'] as const;

export const selectorRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/selectors/extract',
    {
      config: { access: { kind: 'user', roles: [...caseRoles] } },
      schema: {
        tags,
        summary: 'Preview the selectors of a text (nothing is stored)',
        body: ExtractRequestSchema,
        response: { 200: Type.Object({ items: Type.Array(ExtractedSelectorSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: extractSelectors(request.body.text, {
        ...(request.body.region ? { defaultRegion: request.body.region as CountryCode } : {}),
        ...(request.body.platform ? { defaultPlatform: request.body.platform } : {}),
      }),
    }),
  );

  app.get(
    '/cases/:id/selectors',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'Selectors of the case: suggestions, confirmed and dismissed, with how often and where else they were seen',
        params: CaseParams,
        querystring: SelectorListQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(CaseSelectorSchema), total: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => services.selectors.list(request.ctx(), request.params.id, request.query),
  );

  app.post(
    '/cases/:id/selectors',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: { tags, summary: 'Enter a selector by hand (confirmed)', params: CaseParams, body: NewSelectorSchema, response: { 201: CaseSelectorSchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await services.selectors.add(request.ctx(), request.params.id, request.body)),
  );

  app.patch(
    '/cases/:id/selectors/:selectorId',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: { tags, summary: 'Confirm or dismiss a suggestion', params: SelectorParams, body: SelectorDecisionSchema, response: { 200: CaseSelectorSchema, ...commonErrors } },
    },
    async (request) => services.selectors.decide(request.ctx(), request.params.id, request.params.selectorId, request.body.status),
  );

  app.get(
    '/cases/:id/selectors/:selectorId/sources',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Where in the case the selector was seen', params: SelectorParams, response: { 200: Type.Array(SelectorSourceSchema), ...commonErrors } },
    },
    async (request) => services.selectors.sources(request.ctx(), request.params.id, request.params.selectorId),
  );

  app.get(
    '/cases/:id/also-seen-in',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'Other cases your agency takes part in that share a selector with this one',
        params: CaseParams,
        response: { 200: Type.Array(AlsoSeenInSchema), ...commonErrors },
      },
    },
    async (request) => services.selectors.alsoSeenIn(request.ctx(), request.params.id),
  );
};
