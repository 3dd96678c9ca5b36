import cytoscape, { type Core, type ElementDefinition, type NodeSingular } from 'cytoscape';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { navigate, useLocation } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { Checkbox, TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { DownloadIcon } from '../../ui/icons.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { toGraphml } from './graphml.js';
import { IntelFrame } from './intel-ui.js';
import { SELECTOR_TYPE_LABELS, type Chart, type ChartSummary, type Graph, type GraphEdge, type GraphNode, type NodeType, type SelectorType } from './intel-types.js';

const TYPES: { type: NodeType; label: string; colour: string; shape: string }[] = [
  { type: 'case', label: 'Cases', colour: '#2f6fde', shape: 'round-rectangle' },
  { type: 'agency', label: 'Agencies', colour: '#7a5af8', shape: 'hexagon' },
  { type: 'identity', label: 'Online identities', colour: '#e8590c', shape: 'ellipse' },
  { type: 'selector', label: 'Selectors', colour: '#2b8a3e', shape: 'diamond' },
  { type: 'media', label: 'Media', colour: '#868e96', shape: 'rectangle' },
];

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(short)',
      'font-size': 10,
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'ellipsis',
      'text-max-width': '140px',
      color: '#1f2937',
      width: 'data(size)',
      height: 'data(size)',
      'border-width': 1,
      'border-color': '#ffffff',
    },
  },
  ...TYPES.map((t) => ({ selector: `node[type = "${t.type}"]`, style: { 'background-color': t.colour, shape: t.shape as cytoscape.Css.NodeShape } })),
  { selector: 'edge', style: { width: 'data(width)', 'line-color': '#b8c2d3', 'curve-style': 'bezier', 'target-arrow-shape': 'none', opacity: 0.85 } },
  { selector: 'edge[kind = "participant"]', style: { 'line-style': 'dashed' } },
  { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#111827' } },
  { selector: 'node.path', style: { 'border-color': '#d6336c', 'border-width': 4 } },
  { selector: 'edge.path', style: { 'line-color': '#d6336c', width: 5, 'z-index': 10 } },
  { selector: '.filtered', style: { display: 'none' } },
];

function short(label: string): string {
  return label.length > 28 ? `${label.slice(0, 26)}…` : label;
}

function nodeElement(n: GraphNode): ElementDefinition {
  return { group: 'nodes', data: { ...n, short: short(n.label), size: 18 + Math.min(30, Math.log2(1 + n.weight) * 5) } };
}
function edgeElement(e: GraphEdge): ElementDefinition {
  return { group: 'edges', data: { ...e, width: 1 + Math.min(6, Math.log2(1 + e.weight)) } };
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

interface Filters {
  types: NodeType[];
  from: string;
  to: string;
}

/** Hides what the filters exclude: node types, and anything dated entirely outside the time window. */
function applyFilters(cy: Core, filters: Filters): void {
  const from = filters.from ? `${filters.from}T00:00:00.000Z` : null;
  const to = filters.to ? `${filters.to}T23:59:59.999Z` : null;
  const outside = (first: string | null, last: string | null) => (first !== null || last !== null) && ((to !== null && (first ?? last)! > to) || (from !== null && (last ?? first)! < from));
  cy.batch(() => {
    cy.elements().removeClass('filtered');
    cy.edges().forEach((e) => {
      if (outside(e.data('first'), e.data('last'))) e.addClass('filtered');
    });
    cy.nodes().forEach((n) => {
      const timedEdges = n.connectedEdges().filter((e) => e.data('first') || e.data('last'));
      const hiddenByTime = outside(n.data('first'), n.data('last')) || (n.data('type') === 'selector' && timedEdges.length > 0 && timedEdges.every((e) => (e as cytoscape.EdgeSingular).hasClass('filtered')));
      if (!filters.types.includes(n.data('type')) || hiddenByTime) n.addClass('filtered');
    });
  });
}

function SaveDialog({ initial, onClose, onSave }: { initial: string; onClose: () => void; onSave: (name: string) => Promise<void> }) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onSave(name);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Save chart"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="save-chart" variant="primary" busy={busy} disabled={!name.trim()}>
            Save
          </Button>
        </>
      }
    >
      <ErrorNotice error={error} />
      <form id="save-chart" onSubmit={(e) => void submit(e)}>
        <TextField label="Chart name" required value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      </form>
    </Dialog>
  );
}

function OpenDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (id: string) => void }) {
  const [charts, setCharts] = useState<ChartSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<ChartSummary[]>('/graph/charts').then(setCharts, setError);
  }, []);
  return (
    <Dialog title="Open a saved chart" onClose={onClose}>
      <ErrorNotice error={error} />
      {!charts ? (
        <Loading />
      ) : charts.length === 0 ? (
        <Empty>You have no saved chart yet.</Empty>
      ) : (
        <ul className="record-list">
          {charts.map((c) => (
            <li key={c.id} className="record-item record-item-head">
              <span>
                <strong>{c.name}</strong> <span className="muted small">{c.nodeCount} nodes · saved {formatDateTime(c.updatedAt)}</span>
              </span>
              <Button size="small" onClick={() => onOpen(c.id)}>
                Open
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

/**
 * Link analysis with Cytoscape.js: the case's graph to start, expanded node by node (double-click, or the button),
 * filtered by type and time, the shortest path between two entities, charts saved and reopened, PNG and GraphML out.
 */
export function GraphPage({ caseId }: { caseId: string }) {
  const { search } = useLocation();
  // The canvas appears once the case has loaded (IntelFrame), so Cytoscape starts when the element exists.
  const [host, setHost] = useState<HTMLDivElement | null>(null);
  const cyRef = useRef<Core | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<GraphNode | null>(null);
  const [pathFrom, setPathFrom] = useState<GraphNode | null>(null);
  const [pathNote, setPathNote] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>({ types: TYPES.map((t) => t.type), from: '', to: '' });
  const [counts, setCounts] = useState({ nodes: 0, edges: 0, truncated: false });
  const [chart, setChart] = useState<{ id: string; name: string } | null>(null);
  const [missing, setMissing] = useState(0);
  const [dialog, setDialog] = useState<'save' | 'open' | null>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  // Opening a chart supersedes the case graph still loading: its late answer must not be laid over the chart.
  const generation = useRef(0);

  const refreshCounts = useCallback((truncated = false) => {
    const cy = cyRef.current;
    if (cy) setCounts((c) => ({ nodes: cy.nodes().length, edges: cy.edges().length, truncated: c.truncated || truncated }));
  }, []);

  const add = useCallback(
    (graph: Graph, layout: 'around' | 'all' | 'none' = 'around') => {
      const cy = cyRef.current;
      if (!cy) return;
      const fresh = graph.nodes.filter((n) => cy.getElementById(n.id).empty());
      cy.add([...fresh.map(nodeElement), ...graph.edges.filter((e) => cy.getElementById(e.id).empty()).map(edgeElement)]);
      applyFilters(cy, filtersRef.current);
      if (layout === 'all' || (layout === 'around' && fresh.length > 0)) {
        cy.layout({ name: 'cose', animate: false, randomize: layout === 'all', fit: true, padding: 30, nodeRepulsion: () => 40000, idealEdgeLength: () => 120, nodeOverlap: 20, componentSpacing: 80 } as cytoscape.LayoutOptions).run();
      }
      refreshCounts(graph.truncated);
    },
    [refreshCounts],
  );

  const expand = useCallback(
    async (key: string) => {
      setBusy(true);
      setError(null);
      try {
        add(await api.get<Graph>(withQuery('/graph/expand', { node: key })));
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [add],
  );

  const openChart = useCallback(
    async (id: string) => {
      generation.current++;
      setDialog(null);
      setBusy(true);
      setError(null);
      try {
        const c = await api.get<Chart>(`/graph/charts/${id}`);
        const cy = cyRef.current!;
        cy.elements().remove();
        add(c.graph, 'none');
        for (const p of c.content.nodes) cy.getElementById(p.id).position({ x: p.x, y: p.y });
        cy.fit(undefined, 30);
        const f = c.content.filters;
        setFilters({ types: f?.types ?? TYPES.map((t) => t.type), from: f?.from ?? '', to: f?.to ?? '' });
        setChart({ id: c.id, name: c.name });
        setMissing(c.missing);
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [add],
  );

  useEffect(() => {
    if (!host) return;
    const cy = cytoscape({ container: host, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 4 });
    cyRef.current = cy;
    // Browser tests find where a node is drawn through the canvas element, as a user finds it by eye.
    (host as HTMLDivElement & { cy?: Core }).cy = cy;
    host.dataset.layout = 'idle';
    cy.on('layoutstart', () => (host.dataset.layout = 'running'));
    cy.on('layoutstop', () => (host.dataset.layout = 'idle'));
    cy.on('tap', 'node', (event) => setSelected({ ...(event.target as NodeSingular).data() } as GraphNode));
    cy.on('tap', (event) => {
      if (event.target === cy) setSelected(null);
    });
    cy.on('dbltap', 'node', (event) => void expand((event.target as NodeSingular).id()));
    const chartId = search.get('chart');
    const node = search.get('node');
    if (chartId) void openChart(chartId);
    else {
      setBusy(true);
      const mine = ++generation.current;
      api
        .get<Graph>(`/cases/${caseId}/graph`)
        .then(async (g) => {
          if (generation.current !== mine) return;
          add(g, 'all');
          if (node) await expand(node);
        })
        .catch(setError)
        .finally(() => setBusy(false));
    }
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
    // The chart is built once per case; later changes go through add/expand.
  }, [caseId, host]);

  useEffect(() => {
    if (cyRef.current) applyFilters(cyRef.current, filters);
  }, [filters]);

  const findPath = async (to: GraphNode) => {
    if (!pathFrom) return;
    setBusy(true);
    setError(null);
    setPathNote(null);
    try {
      const result = await api.get<{ found: boolean; path: string[]; graph: Graph; explored: number }>(withQuery('/graph/path', { from: pathFrom.id, to: to.id }));
      const cy = cyRef.current!;
      cy.elements().removeClass('path');
      if (!result.found) {
        setPathNote(`No chain of links found between ${pathFrom.label} and ${to.label} (searched ${result.explored} nodes).`);
      } else {
        add(result.graph);
        for (const id of result.path) cy.getElementById(id).addClass('path');
        for (const e of result.graph.edges) cy.getElementById(e.id).addClass('path');
        setPathNote(`Shortest path: ${result.path.length - 1} link(s) — ${result.graph.nodes.map((n) => n.label).join(' → ')}`);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const save = async (name: string) => {
    const cy = cyRef.current!;
    const content = { nodes: cy.nodes().map((n) => ({ id: n.id(), x: n.position('x'), y: n.position('y') })), filters: { types: filters.types, from: filters.from || null, to: filters.to || null } };
    const body = { name, caseId, content };
    const saved = chart && chart.name === name ? await api.put<ChartSummary>(`/graph/charts/${chart.id}`, body) : await api.post<ChartSummary>('/graph/charts', body);
    setChart({ id: saved.id, name: saved.name });
    setDialog(null);
    navigate(withQuery(`/cases/${caseId}/graph`, { chart: saved.id }), { replace: true });
  };

  const exportPng = async () => {
    const blob = await cyRef.current!.png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff' });
    download(`${chart?.name ?? 'link-chart'}.png`, blob);
  };
  const exportGraphml = () => {
    const cy = cyRef.current!;
    const nodes = cy.nodes().map((n) => ({ ...(n.data() as GraphNode), x: n.position('x'), y: n.position('y') }));
    const edges = cy.edges().map((e) => e.data() as GraphEdge);
    download(`${chart?.name ?? 'link-chart'}.graphml`, new Blob([toGraphml(nodes, edges)], { type: 'application/graphml+xml' }));
  };

  const toggleType = (type: NodeType, on: boolean) => setFilters((f) => ({ ...f, types: on ? [...f.types, type] : f.types.filter((t) => t !== type) }));

  const side = (c: Case) => (
    <div className="graph-side">
      <Section title="Show" id="graph-filters">
        {TYPES.map((t) => (
          <Checkbox key={t.type} label={t.label} checked={filters.types.includes(t.type)} onChange={(e) => toggleType(t.type, e.target.checked)} />
        ))}
        <TextField label="From" type="date" value={filters.from} onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value }))} />
        <TextField label="To" type="date" value={filters.to} onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value }))} />
      </Section>
      <Section title="Selected" id="graph-selected">
        {selected ? (
          <div className="graph-selection" aria-live="polite">
            <p>
              <strong>{selected.type === 'selector' && selected.subtype ? SELECTOR_TYPE_LABELS[selected.subtype as SelectorType] : TYPES.find((t) => t.type === selected.type)?.label.replace(/s$/, '')}</strong>
            </p>
            <p className="selector-value">{selected.label}</p>
            {selected.first ? (
              <p className="muted small">
                {formatDateTime(selected.first)} – {formatDateTime(selected.last)}
              </p>
            ) : null}
            <div className="button-row">
              <Button size="small" busy={busy} onClick={() => void expand(selected.id)}>
                Expand
              </Button>
              <Button size="small" variant="ghost" onClick={() => setPathFrom(selected)}>
                Path from here
              </Button>
              {pathFrom && pathFrom.id !== selected.id ? (
                <Button size="small" variant="primary" busy={busy} onClick={() => void findPath(selected)}>
                  Path to here
                </Button>
              ) : null}
            </div>
            {pathFrom ? <p className="muted small">Path start: {pathFrom.label}</p> : null}
          </div>
        ) : (
          <p className="muted small">Click a node to select it; double-click to expand it. Case {c.reference} is drawn to start.</p>
        )}
      </Section>
      <div className="graph-legend" aria-hidden="true">
        {TYPES.map((t) => (
          <span key={t.type} style={{ ['--dot' as string]: t.colour }}>
            {t.label}
          </span>
        ))}
      </div>
    </div>
  );

  return (
    <IntelFrame
      caseId={caseId}
      title={chart ? `Link analysis — ${chart.name}` : 'Link analysis'}
      actions={() => (
        <div className="button-row">
          <Button onClick={() => setDialog('open')}>Open chart</Button>
          <Button onClick={() => setDialog('save')}>Save chart</Button>
          <Button icon={<DownloadIcon />} onClick={() => void exportPng()}>
            PNG
          </Button>
          <Button icon={<DownloadIcon />} onClick={exportGraphml}>
            GraphML
          </Button>
        </div>
      )}
    >
      {(c) => (
        <>
          <ErrorNotice error={error} />
          {missing > 0 ? <Notice tone="warning">{missing} saved node(s) are gone or no longer visible to you and were left out.</Notice> : null}
          {pathNote ? <Notice tone="info">{pathNote}</Notice> : null}
          <div className="graph-layout">
            {side(c)}
            <div>
              <div ref={setHost} className="graph-canvas" role="img" aria-label={`Link chart: ${counts.nodes} nodes, ${counts.edges} links`} data-testid="graph-canvas" />
              <p className="muted small" role="status">
                {busy ? 'Working… ' : ''}
                {counts.nodes} nodes, {counts.edges} links{counts.truncated ? ' (some neighbourhoods were cut at their size limit)' : ''}
              </p>
            </div>
          </div>
          {dialog === 'save' ? <SaveDialog initial={chart?.name ?? `${c.reference} links`} onClose={() => setDialog(null)} onSave={save} /> : null}
          {dialog === 'open' ? <OpenDialog onClose={() => setDialog(null)} onOpen={(id) => void openChart(id)} /> : null}
        </>
      )}
    </IntelFrame>
  );
}
