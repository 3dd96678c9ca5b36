import { Type, type Static } from 'typebox';
import { Id } from '../../cases/case-schemas.js';

export const NODE_TYPES = ['case', 'agency', 'identity', 'selector', 'media'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const EDGE_KINDS = ['participant', 'identity', 'handle', 'mentions', 'contains', 'media', 'camera'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/**
 * Node keys: `case:<id>`, `agency:<id>`, `identity:<record id>`, `media:<id>`, and `sel:<type>:<normalised value>` —
 * a selector is one entity across cases, which is what makes it link them.
 */
export const NodeKey = Type.String({ minLength: 3, maxLength: 2100, pattern: '^(case|agency|identity|media|sel):.+$' });

export const GraphNodeSchema = Type.Object({
  id: NodeKey,
  type: Type.Enum(NODE_TYPES),
  label: Type.String(),
  /** Selector type, case status, agency country. */
  subtype: Type.Union([Type.String(), Type.Null()]),
  /** The case an identity or media item belongs to. */
  caseId: Type.Union([Id, Type.Null()]),
  first: Type.Union([Type.String(), Type.Null()], { description: 'Earliest time seen (ISO 8601)' }),
  last: Type.Union([Type.String(), Type.Null()]),
  weight: Type.Integer({ description: 'How often seen (posts, sources)' }),
});
export type GraphNode = Static<typeof GraphNodeSchema>;

export const GraphEdgeSchema = Type.Object({
  id: Type.String(),
  source: NodeKey,
  target: NodeKey,
  kind: Type.Enum(EDGE_KINDS),
  label: Type.Union([Type.String(), Type.Null()], { description: 'e.g. a participant agency\'s access level' }),
  weight: Type.Integer(),
  first: Type.Union([Type.String(), Type.Null()]),
  last: Type.Union([Type.String(), Type.Null()]),
});
export type GraphEdge = Static<typeof GraphEdgeSchema>;

export const GraphSchema = Type.Object({
  nodes: Type.Array(GraphNodeSchema),
  edges: Type.Array(GraphEdgeSchema),
  truncated: Type.Boolean({ description: 'More neighbours exist than were returned' }),
});
export type Graph = Static<typeof GraphSchema>;

export const ExpandQuerySchema = Type.Object(
  { node: NodeKey, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) },
  { additionalProperties: false },
);

export const PathQuerySchema = Type.Object(
  { from: NodeKey, to: NodeKey, maxDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 8, default: 6 })) },
  { additionalProperties: false },
);

export const PathSchema = Type.Object({
  found: Type.Boolean(),
  /** Node keys from `from` to `to`. */
  path: Type.Array(NodeKey),
  graph: GraphSchema,
  explored: Type.Integer({ description: 'Nodes expanded in the search' }),
});

export const TimelineItemSchema = Type.Object({
  id: Type.String(),
  type: Type.Enum(['record', 'media']),
  kind: Type.String({ description: 'Record kind, or media type' }),
  time: Type.String(),
  /** Whether `time` is when it happened (post time, capture time) or only when it was recorded. */
  timeSource: Type.Enum(['occurred', 'recorded']),
  title: Type.String(),
  identityId: Type.Union([Id, Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  handlingCode: Type.String(),
});
export type TimelineItem = Static<typeof TimelineItemSchema>;

export const TimelineQuerySchema = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    identityId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 2000 })),
  },
  { additionalProperties: false },
);
export type TimelineQuery = Static<typeof TimelineQuerySchema>;

export const TimelineSchema = Type.Object({
  items: Type.Array(TimelineItemSchema),
  total: Type.Integer(),
  /** Items per day (UTC), over everything that matched, for the overview bar. */
  days: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
});
export type Timeline = Static<typeof TimelineSchema>;

const ChartContent = Type.Object(
  {
    nodes: Type.Array(Type.Object({ id: NodeKey, x: Type.Number(), y: Type.Number() }, { additionalProperties: false }), { maxItems: 2000 }),
    filters: Type.Optional(
      Type.Object(
        {
          types: Type.Optional(Type.Array(Type.Enum(NODE_TYPES), { maxItems: 5 })),
          from: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
          to: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const NewChartSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), caseId: Type.Optional(Type.Union([Id, Type.Null()])), content: ChartContent },
  { additionalProperties: false },
);
export type NewChart = Static<typeof NewChartSchema>;

export const ChartSummarySchema = Type.Object({
  id: Id,
  name: Type.String(),
  caseId: Type.Union([Id, Type.Null()]),
  nodeCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ChartSchema = Type.Object({
  ...ChartSummarySchema.properties,
  content: ChartContent,
  /** The saved nodes as they are now, with their links; nodes you may no longer see are left out. */
  graph: GraphSchema,
  missing: Type.Integer({ description: 'Saved nodes that are gone or no longer visible to you' }),
});
export type Chart = Static<typeof ChartSchema>;
