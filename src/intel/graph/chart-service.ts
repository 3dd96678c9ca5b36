import type { Kysely, Selectable } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, GraphChartsTable } from '../../store/schema.js';
import { agencyOf } from '../records/record-service.js';
import { GraphBuilder, parseNodeKey } from './graph-builder.js';
import type { Chart, NewChart } from './graph-schemas.js';
import type { GraphService } from './graph-service.js';

export type ChartService = ReturnType<typeof createChartService>;

type Summary = Omit<Chart, 'content' | 'graph' | 'missing'>;

function summary(row: Selectable<GraphChartsTable>): Summary {
  const content = JSON.parse(row.content) as NewChart['content'];
  return { id: row.id, name: row.name, caseId: row.case_id, nodeCount: content.nodes.length, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * Saved link charts: the nodes an analyst placed and where, and the filters in use. A chart belongs to its author.
 * Reopening resolves the saved nodes again under the reader's access as it is now: nodes that were erased or are no
 * longer visible drop out (and are counted), so a saved chart is never a way around the handling policy.
 */
export function createChartService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; graph: GraphService }) {
  const { db, audit, access, graph } = deps;

  function owner(ctx: RequestContext): { userId: string; agencyId: string } {
    if (ctx.actor.kind !== 'user') throw new ForbiddenError('Charts belong to users.');
    if (!access.mayReadCases(ctx.actor)) throw new ForbiddenError('Your role does not give access to case content.');
    return { userId: ctx.actor.userId, agencyId: ctx.actor.agencyId };
  }

  async function row(ctx: RequestContext, id: string): Promise<Selectable<GraphChartsTable>> {
    const me = owner(ctx);
    const found = await db.selectFrom('graph_charts').selectAll().where('id', '=', id).where('owner_id', '=', me.userId).executeTakeFirst();
    if (!found) throw new NotFoundError('The chart');
    return found;
  }

  async function checkCase(ctx: RequestContext, caseId: string | null | undefined): Promise<void> {
    if (caseId) await access.require(ctx.actor, 'case.read', [caseId]);
  }

  return {
    async list(ctx: RequestContext): Promise<Summary[]> {
      const me = owner(ctx);
      const rows = await db.selectFrom('graph_charts').selectAll().where('owner_id', '=', me.userId).orderBy('updated_at', 'desc').limit(200).execute();
      return rows.map(summary);
    },

    async create(ctx: RequestContext, input: NewChart): Promise<Summary> {
      const me = owner(ctx);
      await checkCase(ctx, input.caseId);
      const now = nowIso();
      const values: GraphChartsTable = { id: newId(), owner_id: me.userId, agency_id: me.agencyId, case_id: input.caseId ?? null, name: input.name.trim(), content: JSON.stringify(input.content), created_at: now, updated_at: now };
      await db.insertInto('graph_charts').values(values).execute();
      return summary(values);
    },

    async update(ctx: RequestContext, id: string, input: NewChart): Promise<Summary> {
      await row(ctx, id);
      await checkCase(ctx, input.caseId);
      await db.updateTable('graph_charts').set({ name: input.name.trim(), case_id: input.caseId ?? null, content: JSON.stringify(input.content), updated_at: nowIso() }).where('id', '=', id).execute();
      return summary(await row(ctx, id));
    },

    async remove(ctx: RequestContext, id: string): Promise<void> {
      await row(ctx, id);
      await db.deleteFrom('graph_charts').where('id', '=', id).execute();
    },

    async open(ctx: RequestContext, id: string): Promise<Chart> {
      const found = await row(ctx, id);
      const content = JSON.parse(found.content) as NewChart['content'];
      const agencyId = agencyOf(ctx.actor);
      const cases = await graph.myCaseIds(agencyId);
      const wanted = new Set(content.nodes.map((n) => n.id));
      const b = new GraphBuilder();
      // Expanding every node but selectors finds every link among the saved nodes: each link has a case, an
      // identity, an agency or a media item at one end.
      for (const key of wanted) {
        const parsed = parseNodeKey(key);
        if (!parsed) continue;
        try {
          const around = await graph.neighbours(agencyId, key, cases, parsed.type === 'selector' ? 1 : 1000);
          for (const n of around.nodes) if (wanted.has(n.id)) b.node(n);
          if (parsed.type !== 'selector') for (const e of around.edges) if (wanted.has(e.source) && wanted.has(e.target)) b.edge(e.source, e.kind, e.target, e);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      const resolved = b.build();
      const visible = new Set(resolved.nodes.map((n) => n.id));
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'combination',
        action: 'graph.chart.open',
        object: { type: 'chart', id },
        caseId: found.case_id,
        justification: ctx.justification,
        details: { nodes: resolved.nodes.length, cases: resolved.nodes.filter((n) => n.type === 'case').map((n) => n.id.slice(5)) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return {
        ...summary(found),
        content: { ...content, nodes: content.nodes.filter((n) => visible.has(n.id)) },
        graph: resolved,
        missing: wanted.size - visible.size,
      };
    },
  };
}
