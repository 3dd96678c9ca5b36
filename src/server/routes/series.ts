import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import {
  AcceptProposalSchema,
  HistoryEventSchema,
  IdentifyBodySchema,
  MediaIdsBodySchema,
  MergeBodySchema,
  NewSeriesSchema,
  OptionalReasonBodySchema,
  ProposalQuerySchema,
  ProposalSchema,
  ReasonBodySchema,
  RefreshResultSchema,
  SeriesDetailSchema,
  SeriesListQuerySchema,
  SeriesPatchSchema,
  SeriesSummarySchema,
  SplitBodySchema,
  TagBodySchema,
  TriageItemSchema,
  TriageQuerySchema,
  VicsImportBodySchema,
  VicsImportResultSchema,
} from '../../cases/series-schemas.js';
import type { RouteAccess } from '../plugins/auth.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['series'];
const read: RouteAccess = { kind: 'case', permission: 'case.read', param: 'id' };
const contribute: RouteAccess = { kind: 'case', permission: 'case.contribute', param: 'id' };
const CaseParams = Type.Object({ id: Id });
const SeriesParams = Type.Object({ id: Id, seriesId: Id });
const ProposalParams = Type.Object({ id: Id, proposalId: Id });
const History = Type.Object({ items: Type.Array(HistoryEventSchema) });

/** Series of a case: grouping, proposals, history and undo, triage, VICS import (issue 9). */
export const seriesRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { series, seriesProposals: proposals, seriesTriage: triage } = services;

  app.get(
    '/cases/:id/series',
    {
      config: { access: read },
      schema: { tags, summary: 'Series of the case (active by default), with counts and identification', params: CaseParams, querystring: SeriesListQuerySchema, response: { 200: Type.Object({ items: Type.Array(SeriesSummarySchema) }), ...commonErrors } },
    },
    async (request) => ({ items: await series.list(request.ctx(), request.params.id, request.query) }),
  );

  app.post(
    '/cases/:id/series',
    { config: { access: contribute }, schema: { tags, summary: 'Create a series (optionally with media)', params: CaseParams, body: NewSeriesSchema, response: { 201: SeriesDetailSchema, ...commonErrors } } },
    async (request, reply) => reply.code(201).send(await series.create(request.ctx(), request.params.id, request.body)),
  );

  app.post(
    '/cases/:id/series/import-vics',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: "Apply a VICS file to the case: its categories to uncategorised media, its series and victim-identified flags as series",
        params: CaseParams,
        body: VicsImportBodySchema,
        response: { 200: VicsImportResultSchema, ...commonErrors },
      },
    },
    async (request) => services.seriesVics.importIntoCase(request.ctx(), request.params.id, request.body),
  );

  app.get(
    '/cases/:id/series/:seriesId',
    { config: { access: read }, schema: { tags, summary: 'A series with its media, victims and who was told of its identification', params: SeriesParams, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => series.get(request.ctx(), request.params.id, request.params.seriesId),
  );

  app.patch(
    '/cases/:id/series/:seriesId',
    { config: { access: contribute }, schema: { tags, summary: 'Rename a series or change its description', params: SeriesParams, body: SeriesPatchSchema, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => series.update(request.ctx(), request.params.id, request.params.seriesId, request.body),
  );

  app.post(
    '/cases/:id/series/:seriesId/media',
    { config: { access: contribute }, schema: { tags, summary: 'Put media into the series (moving them from another series)', params: SeriesParams, body: MediaIdsBodySchema, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => series.addMedia(request.ctx(), request.params.id, request.params.seriesId, request.body.mediaIds, request.body.reason),
  );

  app.post(
    '/cases/:id/series/:seriesId/media/remove',
    { config: { access: contribute }, schema: { tags, summary: 'Take media out of the series', params: SeriesParams, body: MediaIdsBodySchema, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => series.removeMedia(request.ctx(), request.params.id, request.params.seriesId, request.body.mediaIds, request.body.reason),
  );

  app.post(
    '/cases/:id/series/:seriesId/merge',
    { config: { access: contribute }, schema: { tags, summary: 'Merge other series into this one', params: SeriesParams, body: MergeBodySchema, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => series.merge(request.ctx(), request.params.id, request.params.seriesId, request.body),
  );

  app.post(
    '/cases/:id/series/:seriesId/split',
    { config: { access: contribute }, schema: { tags, summary: 'Move some media of the series into a new series', params: SeriesParams, body: SplitBodySchema, response: { 201: SeriesDetailSchema, ...commonErrors } } },
    async (request, reply) => reply.code(201).send(await series.split(request.ctx(), request.params.id, request.params.seriesId, request.body)),
  );

  app.post(
    '/cases/:id/series/:seriesId/identify',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: 'Mark the series identified by my agency (victim-ID specialists); agencies whose media hit it are told',
        params: SeriesParams,
        body: IdentifyBodySchema,
        response: { 200: SeriesDetailSchema, ...commonErrors },
      },
    },
    async (request) => series.identify(request.ctx(), request.params.id, request.params.seriesId, request.body),
  );

  app.post(
    '/cases/:id/series/:seriesId/withdraw',
    { config: { access: contribute }, schema: { tags, summary: 'Withdraw the identification (the agencies told are told again)', params: SeriesParams, body: ReasonBodySchema, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => series.withdraw(request.ctx(), request.params.id, request.params.seriesId, request.body.reason),
  );

  app.get(
    '/cases/:id/series/:seriesId/history',
    { config: { access: read }, schema: { tags, summary: 'Every change of the series: who, when, why, and whether it can be undone', params: SeriesParams, response: { 200: History, ...commonErrors } } },
    async (request) => {
      await series.requireSeries(request.params.id, request.params.seriesId);
      return { items: await series.history(request.ctx(), request.params.id, request.params.seriesId) };
    },
  );

  app.get(
    '/cases/:id/identification-history',
    { config: { access: read }, schema: { tags, summary: 'Every change of the series and victims of the case, newest first', params: CaseParams, response: { 200: History, ...commonErrors } } },
    async (request) => ({ items: await series.history(request.ctx(), request.params.id) }),
  );

  app.post(
    '/cases/:id/identification-history/:eventId/revert',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: 'Undo one change (when what it changed has not changed since); the undo is a change of its own',
        params: Type.Object({ id: Id, eventId: Id }),
        body: OptionalReasonBodySchema,
        response: { 200: HistoryEventSchema, ...commonErrors },
      },
    },
    async (request) => series.revert(request.ctx(), request.params.id, request.params.eventId, request.body.reason),
  );

  app.get(
    '/cases/:id/series-proposals',
    {
      config: { access: read },
      schema: { tags, summary: 'Proposed series (open by default), largest first', params: CaseParams, querystring: ProposalQuerySchema, response: { 200: Type.Object({ items: Type.Array(ProposalSchema), total: Type.Integer(), refreshing: Type.Boolean() }), ...commonErrors } },
    },
    async (request) => proposals.list(request.ctx(), request.params.id, request.query),
  );

  app.post(
    '/cases/:id/series-proposals/refresh',
    {
      config: { access: contribute },
      schema: { tags, summary: 'Compute the proposals again from near-duplicates, crops, camera serials, tags and hash-set series', params: CaseParams, response: { 200: RefreshResultSchema, ...commonErrors } },
    },
    async (request) => proposals.refresh(request.ctx(), request.params.id),
  );

  app.post(
    '/cases/:id/series-proposals/:proposalId/accept',
    { config: { access: contribute }, schema: { tags, summary: 'Accept a proposal: a new series, or the series extended or merged', params: ProposalParams, body: AcceptProposalSchema, response: { 200: SeriesDetailSchema, ...commonErrors } } },
    async (request) => proposals.accept(request.ctx(), request.params.id, request.params.proposalId, request.body),
  );

  app.post(
    '/cases/:id/series-proposals/:proposalId/dismiss',
    { config: { access: contribute }, schema: { tags, summary: 'Dismiss a proposal (not proposed again while its group stays the same)', params: ProposalParams, body: OptionalReasonBodySchema, response: { 200: ProposalSchema, ...commonErrors } } },
    async (request) => proposals.dismiss(request.ctx(), request.params.id, request.params.proposalId, request.body.reason),
  );

  app.post(
    '/cases/:id/series-proposals/:proposalId/reopen',
    { config: { access: contribute }, schema: { tags, summary: 'Reopen a dismissed proposal', params: ProposalParams, response: { 200: ProposalSchema, ...commonErrors } } },
    async (request) => proposals.reopen(request.ctx(), request.params.id, request.params.proposalId),
  );

  app.get(
    '/cases/:id/triage',
    {
      config: { access: read },
      schema: { tags, summary: 'The triage queue: media with their category, series, tags and clues', params: CaseParams, querystring: TriageQuerySchema, response: { 200: Type.Object({ items: Type.Array(TriageItemSchema), total: Type.Integer() }), ...commonErrors } },
    },
    async (request) => triage.list(request.ctx(), request.params.id, request.query),
  );

  app.post(
    '/cases/:id/media-tags',
    { config: { access: contribute }, schema: { tags, summary: 'Set or remove analyst tags on media (a ground for series proposals)', params: CaseParams, body: TagBodySchema, response: { 200: Type.Object({ updated: Type.Integer() }), ...commonErrors } } },
    async (request) => triage.tag(request.ctx(), request.params.id, request.body),
  );
};
