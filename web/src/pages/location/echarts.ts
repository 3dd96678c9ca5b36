/**
 * ECharts for the location screens, loaded when a chart is first drawn (not with the app), with the world outlines
 * of world-atlas bundled: nothing is fetched from a tile server, which would tell a third party where the evidence
 * points.
 */
import type { CountryResult } from './location-types.js';

type Core = typeof import('echarts/core');

let core: Promise<Core> | null = null;

export function loadECharts(): Promise<Core> {
  core ??= (async () => {
    const [echarts, components, charts, renderers] = await Promise.all([import('echarts/core'), import('echarts/components'), import('echarts/charts'), import('echarts/renderers')]);
    echarts.use([
      components.TooltipComponent,
      components.GridComponent,
      components.LegendComponent,
      components.VisualMapComponent,
      components.GeoComponent,
      components.MarkAreaComponent,
      charts.MapChart,
      charts.BarChart,
      charts.LineChart,
      renderers.CanvasRenderer,
    ]);
    return echarts;
  })();
  return core;
}

export const WORLD_MAP = 'tessera-location-world';

// Outlines Natural Earth draws without an ISO number; only those with a country code of their own are named.
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK' };

type Position = number[];
interface Geometry {
  type: string;
  coordinates: Position[][] | Position[][][];
}

/**
 * Outlines crossing the antimeridian (Chukotka, Fiji, the Aleutians) come as rings jumping from +180 to -180, which a
 * flat map draws as lines across the world; the stray points are pinned to the edge of the side the ring lies on.
 */
export function pinToOneSide(ring: Position[]): Position[] {
  const lons = ring.map((p) => p[0]!);
  if (Math.max(...lons) - Math.min(...lons) <= 180) return ring;
  const east = lons.filter((l) => l > 0).length >= lons.length / 2;
  return ring.map(([lon, lat]) => (east && lon! < 0 ? [180, lat!] : !east && lon! > 0 ? [-180, lat!] : [lon!, lat!]));
}

function pinGeometry(g: Geometry): void {
  if (g.type === 'Polygon') g.coordinates = (g.coordinates as Position[][]).map(pinToOneSide);
  else if (g.type === 'MultiPolygon') g.coordinates = (g.coordinates as Position[][][]).map((poly) => poly.map(pinToOneSide));
}

/** Longitude/latitude box of the outlines of `codes`, as [west, south, east, north]. */
export function boundsOf(codes: readonly string[]): [number, number, number, number] | null {
  const wanted = new Set(codes);
  let box: [number, number, number, number] | null = null;
  for (const f of registered?.features ?? []) {
    if (!wanted.has(f.properties.name ?? '')) continue;
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Position[][]] : (f.geometry.coordinates as Position[][][]);
    for (const poly of polys) {
      for (const [lon, lat] of poly[0] ?? []) {
        box = box ? [Math.min(box[0], lon!), Math.min(box[1], lat!), Math.max(box[2], lon!), Math.max(box[3], lat!)] : [lon!, lat!, lon!, lat!];
      }
    }
  }
  return box;
}

let registered: { features: Feature[] } | null = null;

type Topology = Parameters<typeof import('topojson-client').feature>[0] & { objects: { countries: Parameters<typeof import('topojson-client').feature>[1] } };
interface Feature {
  id?: string | number;
  properties: { name?: string };
  geometry: Geometry;
}

// Nobody in the assessments lives there, and its outline would take a third of a flat map.
const LEFT_OUT = new Set(['010']);

/**
 * Registers the 1:50m world (small countries such as Luxembourg and Malta are drawn) with each outline named by its
 * ISO alpha-2 code, so a series can be keyed by the codes the API returns.
 */
export async function loadWorld(countries: readonly CountryResult[]): Promise<Core> {
  const echarts = await loadECharts();
  if (echarts.getMap(WORLD_MAP)) return echarts;
  const [atlas, topojson] = await Promise.all([import('world-atlas/countries-50m.json'), import('topojson-client')]);
  const topology = ((atlas as unknown as { default?: unknown }).default ?? atlas) as Topology;
  const byNumeric = new Map(countries.filter((c) => c.numeric).map((c) => [c.numeric!, c.code]));
  const collection = topojson.feature(topology, topology.objects.countries) as unknown as { type: 'FeatureCollection'; features: Feature[] };
  collection.features = collection.features.filter((f) => f.id === undefined || !LEFT_OUT.has(String(f.id).padStart(3, '0')));
  for (const f of collection.features) {
    pinGeometry(f.geometry);
    const numeric = f.id === undefined ? undefined : String(f.id).padStart(3, '0');
    const code = (numeric && byNumeric.get(numeric)) ?? UNNUMBERED[f.properties.name ?? ''];
    f.properties = { ...f.properties, name: code ?? `—${f.properties.name ?? ''}` };
  }
  echarts.registerMap(WORLD_MAP, collection as never);
  registered = collection;
  return echarts;
}
