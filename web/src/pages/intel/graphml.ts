import type { GraphEdge, GraphNode } from './intel-types.js';

/*
 * GraphML (graphml.graphdrawing.org) for the chart on screen, so analysts can take it to Gephi, yEd or i2: every
 * node and edge attribute the chart knows, declared as GraphML keys, positions included when known.
 */

const NODE_KEYS = [
  ['label', 'string'],
  ['type', 'string'],
  ['subtype', 'string'],
  ['case', 'string'],
  ['weight', 'int'],
  ['first', 'string'],
  ['last', 'string'],
  ['x', 'double'],
  ['y', 'double'],
] as const;
const EDGE_KEYS = [
  ['kind', 'string'],
  ['label', 'string'],
  ['weight', 'int'],
  ['first', 'string'],
  ['last', 'string'],
] as const;

export function escapeXml(value: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five special ones escaped.
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function toGraphml(nodes: (GraphNode & { x?: number; y?: number })[], edges: GraphEdge[]): string {
  const data = (key: string, value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? '' : `<data key="${key}">${escapeXml(String(value))}</data>`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...NODE_KEYS.map(([k, t]) => `  <key id="n_${k}" for="node" attr.name="${k}" attr.type="${t}"/>`),
    ...EDGE_KEYS.map(([k, t]) => `  <key id="e_${k}" for="edge" attr.name="${k}" attr.type="${t}"/>`),
    '  <graph id="tessera" edgedefault="directed">',
  ];
  for (const n of nodes) {
    const x = n.x === undefined ? '' : data('n_x', Math.round(n.x * 100) / 100);
    const y = n.y === undefined ? '' : data('n_y', Math.round(n.y * 100) / 100);
    lines.push(`    <node id="${escapeXml(n.id)}">${data('n_label', n.label)}${data('n_type', n.type)}${data('n_subtype', n.subtype)}${data('n_case', n.caseId)}${data('n_weight', n.weight)}${data('n_first', n.first)}${data('n_last', n.last)}${x}${y}</node>`);
  }
  for (const e of edges) {
    lines.push(`    <edge id="${escapeXml(e.id)}" source="${escapeXml(e.source)}" target="${escapeXml(e.target)}">${data('e_kind', e.kind)}${data('e_label', e.label)}${data('e_weight', e.weight)}${data('e_first', e.first)}${data('e_last', e.last)}</edge>`);
  }
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
