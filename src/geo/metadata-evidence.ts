/**
 * Image metadata and analyst clues → likelihood per country. Each is a simple reliability model: the evidence is
 * right with some probability, and otherwise says nothing (a flat likelihood), so no single item can rule a
 * country out.
 */
import { countries, countryName } from './countries.js';
import { countryAt } from './country-shapes.js';
import { formatOffset } from './offsets.js';
import { zoneOffsetAt } from './time-zones.js';

export interface MetadataResult {
  likelihood: Map<string, number>;
  usable: boolean;
  summary: string;
}

// A photo's GPS shows where it was taken; people mostly photograph at home, but travel, wrong fixes and edited
// metadata happen. One in ten is our working assumption (stated in the docs).
const GPS_RELIABILITY = 0.9;
// Device clocks follow the network/zone setting almost always; travellers and hand-set clocks are the exception.
const CAPTURE_OFFSET_RELIABILITY = 0.85;
const CAMERA_SERIAL_DEFAULT_CONFIDENCE = 0.8;

function flat(): Map<string, number> {
  return new Map([...countries().keys()].map((c) => [c, 1]));
}

/**
 * Likelihood when the evidence points at a set of countries with probability `confidence`. Under "pointing", the
 * listed countries share the evidence; otherwise it is noise spread over everyone.
 */
export function pointingLikelihood(listed: readonly string[], confidence: number): Map<string, number> {
  const all = [...countries().keys()];
  const set = new Set(listed.filter((c) => countries().has(c)));
  const c = Math.max(0, Math.min(0.999, confidence));
  const out = new Map<string, number>();
  for (const code of all) out.set(code, (set.has(code) ? c / set.size : 0) + (1 - c) / all.length);
  const top = Math.max(...out.values());
  for (const [code, l] of out) out.set(code, l / top);
  return out;
}

export function gpsLikelihood(lat: number, lon: number): MetadataResult {
  const hit = countryAt(lat, lon);
  if (!hit) return { likelihood: flat(), usable: false, summary: `GPS ${lat.toFixed(4)}, ${lon.toFixed(4)} is in no country's outline (at sea or invalid)` };
  const where = hit.distanceKm === 0 ? 'in' : `${hit.distanceKm.toFixed(0)} km off the coast of`;
  return {
    likelihood: pointingLikelihood([hit.country], GPS_RELIABILITY),
    usable: true,
    summary: `GPS ${lat.toFixed(4)}, ${lon.toFixed(4)} ${where} ${countryName(hit.country)}`,
  };
}

/** Share of each country's population whose clock showed `offsetMinutes` at `at` (or at either solstice). */
function offsetShare(offsetMinutes: number, at?: number): Map<string, number> {
  const instants = at !== undefined ? [at] : [Date.UTC(new Date().getUTCFullYear(), 0, 15) / 1000, Date.UTC(new Date().getUTCFullYear(), 6, 15) / 1000];
  const out = new Map<string, number>();
  for (const c of countries().values()) {
    let share = 0;
    for (const z of c.zones) if (instants.some((t) => zoneOffsetAt(z.zone, t) === offsetMinutes)) share += z.share;
    out.set(c.code, share);
  }
  return out;
}

export function captureOffsetLikelihood(offsetMinutes: number, capturedAt?: number): MetadataResult {
  const share = offsetShare(offsetMinutes, capturedAt);
  const matching = [...share.entries()].filter(([, s]) => s > 0);
  const when = capturedAt !== undefined ? ` on ${new Date(capturedAt * 1000).toISOString().slice(0, 10)}` : '';
  if (matching.length === 0) {
    return { likelihood: flat(), usable: false, summary: `capture offset ${formatOffset(offsetMinutes)}${when} matches no country's clock` };
  }
  const c = CAPTURE_OFFSET_RELIABILITY;
  const out = new Map<string, number>();
  // Within matching countries, the likelihood follows the share of people living under a matching zone.
  const total = matching.length;
  for (const [code, s] of share) out.set(code, c * s + (1 - c) / total);
  const top = Math.max(...out.values());
  for (const [code, l] of out) out.set(code, l / top);
  return { likelihood: out, usable: true, summary: `capture offset ${formatOffset(offsetMinutes)}${when}: clocks of ${matching.length} countries showed it` };
}

export function cameraSerialLikelihood(serial: string, listed: readonly string[], confidence = CAMERA_SERIAL_DEFAULT_CONFIDENCE): MetadataResult {
  const known = listed.filter((c) => countries().has(c));
  if (known.length === 0) return { likelihood: flat(), usable: false, summary: `camera serial ${serial}: no known country linked` };
  return {
    likelihood: pointingLikelihood(known, confidence),
    usable: true,
    summary: `camera serial ${serial} also on media from ${known.map(countryName).join(', ')} (confidence ${Math.round(confidence * 100)} %)`,
  };
}

export function clueLikelihood(text: string, listed: readonly string[], confidence: number): MetadataResult {
  const known = listed.filter((c) => countries().has(c));
  if (known.length === 0) return { likelihood: flat(), usable: false, summary: `clue "${text}": no known country listed` };
  const names = known.length <= 5 ? known.map(countryName).join(', ') : `${known.length} countries`;
  return {
    likelihood: pointingLikelihood(known, confidence),
    usable: true,
    summary: `clue "${text}" points to ${names} (confidence ${Math.round(confidence * 100)} %)`,
  };
}
