import type { EdgeKind, Graph, GraphEdge, GraphNode, NodeType } from './graph-schemas.js';

export const selectorNodeKey = (type: string, normalised: string): string => `sel:${type}:${normalised}`;

/** Splits a node key into its type and id (for selectors: the selector type and the normalised value). */
export function parseNodeKey(key: string): { type: NodeType; id: string; selectorType?: string } | null {
  const colon = key.indexOf(':');
  if (colon < 0) return null;
  const prefix = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (prefix === 'sel') {
    const second = rest.indexOf(':');
    if (second <= 0 || second === rest.length - 1) return null;
    return { type: 'selector', selectorType: rest.slice(0, second), id: rest.slice(second + 1) };
  }
  if (prefix === 'case' || prefix === 'agency' || prefix === 'identity' || prefix === 'media') return rest ? { type: prefix, id: rest } : null;
  return null;
}

function earlier(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
function later(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** Collects nodes and edges without duplicates; a node or edge added twice keeps the widest time range. */
export class GraphBuilder {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();
  truncated = false;

  node(n: Omit<GraphNode, 'first' | 'last' | 'weight' | 'subtype' | 'caseId'> & Partial<Pick<GraphNode, 'first' | 'last' | 'weight' | 'subtype' | 'caseId'>>): string {
    const full: GraphNode = { subtype: null, caseId: null, first: null, last: null, weight: 1, ...n };
    const had = this.nodes.get(full.id);
    if (had) {
      had.first = earlier(had.first, full.first);
      had.last = later(had.last, full.last);
      had.weight = Math.max(had.weight, full.weight);
    } else {
      this.nodes.set(full.id, full);
    }
    return full.id;
  }

  edge(source: string, kind: EdgeKind, target: string, extra: { weight?: number; first?: string | null; last?: string | null; label?: string | null } = {}): void {
    const id = `${source}|${kind}|${target}`;
    const had = this.edges.get(id);
    if (had) {
      had.first = earlier(had.first, extra.first ?? null);
      had.last = later(had.last, extra.last ?? null);
      had.weight = Math.max(had.weight, extra.weight ?? 1);
      return;
    }
    this.edges.set(id, { id, source, target, kind, label: extra.label ?? null, weight: extra.weight ?? 1, first: extra.first ?? null, last: extra.last ?? null });
  }

  merge(other: Graph): void {
    for (const n of other.nodes) this.node(n);
    for (const e of other.edges) this.edge(e.source, e.kind, e.target, e);
    this.truncated ||= other.truncated;
  }

  build(): Graph {
    // An edge to a node that is not in the graph would be a dangling reference in Cytoscape: drop it.
    const edges = [...this.edges.values()].filter((e) => this.nodes.has(e.source) && this.nodes.has(e.target));
    return { nodes: [...this.nodes.values()], edges, truncated: this.truncated };
  }
}

/** Breadth-first shortest path over an adjacency function (unweighted), with a budget of expansions. */
export async function shortestPath(
  from: string,
  to: string,
  neighbours: (key: string) => Promise<Graph>,
  options: { maxDepth: number; maxExpansions: number },
): Promise<{ path: string[]; edges: GraphEdge[]; nodes: Map<string, GraphNode>; explored: number }> {
  const parent = new Map<string, { prev: string; edge: GraphEdge } | null>([[from, null]]);
  const nodes = new Map<string, GraphNode>();
  let frontier = [from];
  let explored = 0;
  for (let depth = 0; depth < options.maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const key of frontier) {
      if (explored >= options.maxExpansions) break;
      explored++;
      const g = await neighbours(key);
      for (const n of g.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
      for (const e of g.edges) {
        if (e.source !== key && e.target !== key) continue;
        const other = e.source === key ? e.target : e.source;
        if (parent.has(other)) continue;
        parent.set(other, { prev: key, edge: e });
        if (other === to) {
          const path = [to];
          const edges: GraphEdge[] = [];
          let at = parent.get(to);
          while (at) {
            edges.unshift(at.edge);
            path.unshift(at.prev);
            at = parent.get(at.prev);
          }
          return { path, edges, nodes, explored };
        }
        next.push(other);
      }
    }
    frontier = next;
  }
  return { path: [], edges: [], nodes, explored };
}
