import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import {
  ChartSchema,
  ChartSummarySchema,
  ExpandQuerySchema,
  GraphSchema,
  NewChartSchema,
  PathQuerySchema,
  PathSchema,
  TimelineQuerySchema,
  TimelineSchema,
} from '../../intel/graph/graph-schemas.js';
import { commonErrors } from '../problem.js';
import { Empty } from '../schemas.js';
import type { Services } from '../services.js';

const tags = ['link analysis'];
const caseRoles = ['investigator', 'victim-id', 'analyst', 'prosecutor'] as const;
const analyst = { kind: 'user' as const, roles: [...caseRoles] };
const ChartParams = Type.Object({ chartId: Id });

export const graphRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/cases/:id/graph',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'The case as a graph: agencies, online identities, selectors, media and their links',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 300 })) }, { additionalProperties: false }),
        response: { 200: GraphSchema, ...commonErrors },
      },
    },
    async (request) => services.graph.forCase(request.ctx(), request.params.id, request.query.limit),
  );

  app.get(
    '/cases/:id/timeline',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: "The case's records (and media) in time order, with a per-day count", params: Type.Object({ id: Id }), querystring: TimelineQuerySchema, response: { 200: TimelineSchema, ...commonErrors } },
    },
    async (request) => services.graph.timeline(request.ctx(), request.params.id, request.query),
  );

  app.get(
    '/graph/expand',
    {
      config: { access: analyst },
      schema: { tags, summary: "A node's neighbours within the cases your agency takes part in", querystring: ExpandQuerySchema, response: { 200: GraphSchema, ...commonErrors } },
    },
    async (request) => services.graph.expand(request.ctx(), request.query.node, request.query.limit),
  );

  app.get(
    '/graph/path',
    {
      config: { access: analyst },
      schema: { tags, summary: 'The shortest chain of links between two entities', querystring: PathQuerySchema, response: { 200: PathSchema, ...commonErrors } },
    },
    async (request) => services.graph.path(request.ctx(), request.query.from, request.query.to, request.query.maxDepth),
  );

  app.get(
    '/graph/charts',
    { config: { access: analyst }, schema: { tags, summary: 'My saved charts', response: { 200: Type.Array(ChartSummarySchema), ...commonErrors } } },
    async (request) => services.charts.list(request.ctx()),
  );

  app.post(
    '/graph/charts',
    { config: { access: analyst }, schema: { tags, summary: 'Save a chart', body: NewChartSchema, response: { 201: ChartSummarySchema, ...commonErrors } } },
    async (request, reply) => reply.code(201).send(await services.charts.create(request.ctx(), request.body)),
  );

  app.get(
    '/graph/charts/:chartId',
    {
      config: { access: analyst },
      schema: { tags, summary: 'Reopen a chart: its nodes as they are now, under your access', params: ChartParams, response: { 200: ChartSchema, ...commonErrors } },
    },
    async (request) => services.charts.open(request.ctx(), request.params.chartId),
  );

  app.put(
    '/graph/charts/:chartId',
    { config: { access: analyst }, schema: { tags, summary: 'Save over a chart', params: ChartParams, body: NewChartSchema, response: { 200: ChartSummarySchema, ...commonErrors } } },
    async (request) => services.charts.update(request.ctx(), request.params.chartId, request.body),
  );

  app.delete(
    '/graph/charts/:chartId',
    { config: { access: analyst }, schema: { tags, summary: 'Delete a chart', params: ChartParams, response: { 204: Empty, ...commonErrors } } },
    async (request, reply) => {
      await services.charts.remove(request.ctx(), request.params.chartId);
      return reply.code(204).send(null);
    },
  );
};
