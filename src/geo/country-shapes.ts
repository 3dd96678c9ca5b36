/**
 * GPS position → country, offline, from the world-atlas Natural Earth 1:50m country outlines (converted from
 * TopoJSON with topojson-client; the point-in-polygon test is our own).
 */
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { numericToAlpha2 } from './countries.js';

const require = createRequire(import.meta.url);

type Ring = number[][];
interface Shape {
  code: string;
  /** Polygons, each an outer ring followed by its holes. */
  polygons: Ring[][];
  bbox: [number, number, number, number];
}

// Features world-atlas ships without an ISO numeric id. Disputed areas are given to the country that administers
// most of them; the assessment says "GPS in <country>" so the analyst sees which outline was hit.
const UNNUMBERED: Record<string, string> = {
  Somaliland: 'SO',
  Kosovo: 'XK',
  'N. Cyprus': 'CY',
  'Indian Ocean Ter.': 'AU',
  'Siachen Glacier': 'IN',
};

let shapes: Shape[] | undefined;

function loadShapes(): Shape[] {
  if (shapes) return shapes;
  const topology = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries);
  const byNumeric = numericToAlpha2();
  shapes = [];
  for (const f of collection.features) {
    const code = (f.id !== undefined ? byNumeric.get(String(f.id).padStart(3, '0')) : undefined) ?? UNNUMBERED[f.properties?.name ?? ''];
    if (!code || !f.geometry) continue;
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates : [];
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const polygon of polygons) {
      for (const [x, y] of polygon[0]!) {
        bbox[0] = Math.min(bbox[0], x!);
        bbox[1] = Math.min(bbox[1], y!);
        bbox[2] = Math.max(bbox[2], x!);
        bbox[3] = Math.max(bbox[3], y!);
      }
    }
    shapes.push({ code, polygons, bbox });
  }
  return shapes;
}

/** Even-odd ray casting: a point is inside a ring when a ray from it crosses the ring an odd number of times. */
function inRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(lon: number, lat: number, polygon: Ring[]): boolean {
  if (!inRing(lon, lat, polygon[0]!)) return false;
  for (let h = 1; h < polygon.length; h++) if (inRing(lon, lat, polygon[h]!)) return false;
  return true;
}

/** Distance in km from a point to a segment, on a local equirectangular projection (fine below ~100 km). */
function segmentDistanceKm(lon: number, lat: number, a: number[], b: number[]): number {
  const k = Math.cos((lat * Math.PI) / 180);
  const ax = (a[0]! - lon) * k;
  const ay = a[1]! - lat;
  const bx = (b[0]! - lon) * k;
  const by = b[1]! - lat;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy) * 111.32;
}

export interface CountryAtPoint {
  country: string;
  /** 0 when inside the outline; otherwise the distance to the nearest outline (coast), in km. */
  distanceKm: number;
}

/**
 * The country whose outline contains the point; failing that (a harbour, a beach, a ship — the 1:50m outlines are
 * coarse at coasts) the nearest outline within `maxDistanceKm`; otherwise undefined.
 */
export function countryAt(lat: number, lon: number, maxDistanceKm = 30): CountryAtPoint | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  const all = loadShapes();
  for (const s of all) {
    if (lon < s.bbox[0] || lon > s.bbox[2] || lat < s.bbox[1] || lat > s.bbox[3]) continue;
    if (s.polygons.some((p) => inPolygon(lon, lat, p))) return { country: s.code, distanceKm: 0 };
  }
  const margin = maxDistanceKm / 111.32;
  let best: CountryAtPoint | undefined;
  for (const s of all) {
    const lonMargin = margin / Math.max(0.05, Math.cos((lat * Math.PI) / 180));
    if (lon < s.bbox[0] - lonMargin || lon > s.bbox[2] + lonMargin || lat < s.bbox[1] - margin || lat > s.bbox[3] + margin) continue;
    for (const polygon of s.polygons) {
      const ring = polygon[0]!;
      for (let i = 1; i < ring.length; i++) {
        const d = segmentDistanceKm(lon, lat, ring[i - 1]!, ring[i]!);
        if (d <= maxDistanceKm && (!best || d < best.distanceKm)) best = { country: s.code, distanceKm: d };
      }
    }
  }
  return best;
}
