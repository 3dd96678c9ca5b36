import { describe, expect, it } from 'vitest';
import { escapeXml, toGraphml } from './graphml.js';

describe('GraphML export', () => {
  it('declares keys, writes nodes with positions and edges, and escapes what XML needs', () => {
    const xml = toGraphml(
      [
        { id: 'case:1', type: 'case', label: 'PT-1 <forum> & "co"', subtype: 'open', caseId: null, first: null, last: null, weight: 1, x: 10.123, y: -4 },
        { id: 'sel:url:https://a.example/?q=1&b=2', type: 'selector', label: 'https://a.example/?q=1&b=2', subtype: 'url', caseId: null, first: null, last: null, weight: 3 },
      ],
      [{ id: 'case:1|contains|sel:url:https://a.example/?q=1&b=2', source: 'case:1', target: 'sel:url:https://a.example/?q=1&b=2', kind: 'contains', label: 'confirmed', weight: 3, first: '2026-01-01T00:00:00.000Z', last: null }],
    );
    expect(xml).toContain('<key id="n_label" for="node" attr.name="label" attr.type="string"/>');
    expect(xml).toContain('<node id="case:1"><data key="n_label">PT-1 &lt;forum&gt; &amp; &quot;co&quot;</data><data key="n_type">case</data><data key="n_subtype">open</data><data key="n_weight">1</data><data key="n_x">10.12</data><data key="n_y">-4</data></node>');
    expect(xml).toContain('source="case:1" target="sel:url:https://a.example/?q=1&amp;b=2"><data key="e_kind">contains</data><data key="e_label">confirmed</data><data key="e_weight">3</data><data key="e_first">2026-01-01T00:00:00.000Z</data></edge>');
    expect(xml.match(/<node /g)).toHaveLength(2);
    expect(xml.trim().endsWith('</graphml>')).toBe(true);
  });

  it('drops characters XML 1.0 cannot carry', () => {
    expect(escapeXml('a\u0000b\u0007c\td\n')).toBe('abc\td\n');
  });
});
