/**
 * The countries (ISO 3166-1 alpha-2 territories) that assessments rank, with population, English name, ISO numeric
 * code and their time zones, all built from CLDR data and Intl at first use.
 */
import { cldrCodeMappings, cldrTerritoryInfo, cldrWindowsZones } from './cldr.js';
import { isKnownZone } from './time-zones.js';

export interface Country {
  code: string;
  name: string;
  numeric?: string;
  population: number;
  /** IANA zones with the share of the population living under each (shares add up to 1). */
  zones: { zone: string; share: number }[];
}

/**
 * Population shares of the clock-rule groups of countries spanning several zones (rounded census figures; only
 * the ranking of the big groups matters). Zones of a country missing here share what is left equally.
 */
const ZONE_SHARES: Record<string, Record<string, number>> = {
  US: { 'America/New_York': 0.47, 'America/Chicago': 0.29, 'America/Denver': 0.05, 'America/Phoenix': 0.022, 'America/Los_Angeles': 0.16, 'America/Anchorage': 0.002, 'Pacific/Honolulu': 0.004 },
  CA: { 'America/Toronto': 0.61, 'America/Winnipeg': 0.04, 'America/Regina': 0.03, 'America/Edmonton': 0.13, 'America/Vancouver': 0.13, 'America/Halifax': 0.045, 'America/St_Johns': 0.014 },
  BR: { 'America/Sao_Paulo': 0.72, 'America/Fortaleza': 0.17, 'America/Cuiaba': 0.04, 'America/Manaus': 0.05, 'America/Rio_Branco': 0.005 },
  MX: { 'America/Mexico_City': 0.8, 'America/Cancun': 0.015, 'America/Chihuahua': 0.03, 'America/Mazatlan': 0.05, 'America/Tijuana': 0.03, 'America/Hermosillo': 0.02 },
  RU: { 'Europe/Moscow': 0.7, 'Europe/Samara': 0.05, 'Asia/Yekaterinburg': 0.1, 'Asia/Omsk': 0.03, 'Asia/Novosibirsk': 0.05, 'Asia/Krasnoyarsk': 0.03, 'Asia/Irkutsk': 0.02, 'Asia/Vladivostok': 0.015, 'Europe/Kaliningrad': 0.007 },
  AU: { 'Australia/Sydney': 0.58, 'Australia/Brisbane': 0.2, 'Australia/Adelaide': 0.07, 'Australia/Perth': 0.11, 'Australia/Darwin': 0.01, 'Australia/Hobart': 0.02 },
  ID: { 'Asia/Jakarta': 0.8, 'Asia/Makassar': 0.15, 'Asia/Jayapura': 0.05 },
  KZ: { 'Asia/Almaty': 0.75, 'Asia/Aqtobe': 0.25 },
  ES: { 'Europe/Madrid': 0.95, 'Atlantic/Canary': 0.05 },
  PT: { 'Europe/Lisbon': 0.975, 'Atlantic/Azores': 0.025 },
  CL: { 'America/Santiago': 0.99, 'Pacific/Easter': 0.01 },
  EC: { 'America/Guayaquil': 0.98, 'Pacific/Galapagos': 0.02 },
  NZ: { 'Pacific/Auckland': 0.99, 'Pacific/Chatham': 0.01 },
  GB: { 'Europe/London': 1 },
  CN: { 'Asia/Shanghai': 0.985, 'Asia/Urumqi': 0.015 },
  MN: { 'Asia/Ulaanbaatar': 0.9, 'Asia/Hovd': 0.1 },
  CD: { 'Africa/Kinshasa': 0.4, 'Africa/Lubumbashi': 0.6 },
  XK: { 'Europe/Belgrade': 1 },
};

// CLDR territories that are not countries people are located in for our purposes.
const NOT_COUNTRIES = new Set(['AQ', 'BV', 'HM', 'CP', 'DG', 'IC', 'EA', 'TA', 'AC', 'CQ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

let cache: Map<string, Country> | undefined;

function buildZones(): Map<string, string[]> {
  const byTerritory = new Map<string, string[]>();
  for (const { mapZone } of cldrWindowsZones()) {
    if (mapZone._territory === '001' || mapZone._territory === 'ZZ') continue;
    // The first zone of a group is its canonical one; the others follow the same rule in the period we look at.
    const zone = mapZone._type.split(' ').find(isKnownZone);
    if (!zone) continue;
    const list = byTerritory.get(mapZone._territory) ?? [];
    if (!list.includes(zone)) list.push(zone);
    byTerritory.set(mapZone._territory, list);
  }
  // Zones named in the share table but listed by CLDR under another group's canonical name.
  for (const [code, shares] of Object.entries(ZONE_SHARES)) {
    const list = byTerritory.get(code) ?? [];
    for (const zone of Object.keys(shares)) if (!list.includes(zone) && isKnownZone(zone)) list.push(zone);
    byTerritory.set(code, list);
  }
  return byTerritory;
}

function shareZones(code: string, zones: string[]): { zone: string; share: number }[] {
  const table = ZONE_SHARES[code];
  if (!table) return zones.map((zone) => ({ zone, share: 1 / zones.length }));
  const listed = zones.filter((z) => table[z] !== undefined);
  const rest = zones.filter((z) => table[z] === undefined);
  const listedTotal = listed.reduce((s, z) => s + table[z]!, 0);
  // What the table does not name gets a small equal share, so a rare zone is possible but never dominant.
  const restShare = rest.length > 0 ? Math.min(0.01, 0.02 / rest.length) : 0;
  const total = listedTotal + restShare * rest.length;
  return [...listed.map((zone) => ({ zone, share: table[zone]! / total })), ...rest.map((zone) => ({ zone, share: restShare / total }))];
}

export function countries(): Map<string, Country> {
  if (cache) return cache;
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const zones = buildZones();
  const mappings = cldrCodeMappings();
  cache = new Map();
  for (const [code, info] of Object.entries(cldrTerritoryInfo())) {
    if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) continue;
    const z = zones.get(code);
    if (!z || z.length === 0) continue;
    cache.set(code, {
      code,
      name: names.of(code) ?? code,
      numeric: mappings[code]?._numeric,
      population: Number(info._population ?? 0),
      zones: shareZones(code, z),
    });
  }
  return cache;
}

export function countryCodes(): string[] {
  return [...countries().keys()].sort();
}

export function countryName(code: string): string {
  return countries().get(code)?.name ?? code;
}

/** ISO numeric (as used by world-atlas ids, zero-padded to three digits) → alpha-2. */
export function numericToAlpha2(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [code, m] of Object.entries(cldrCodeMappings())) {
    if (m._numeric && /^[A-Z]{2}$/.test(code)) out.set(m._numeric.padStart(3, '0'), code);
  }
  return out;
}
