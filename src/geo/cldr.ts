/** The parts of CLDR supplemental data (the cldr-core package, read offline) that location inference uses. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface TerritoryInfo {
  _population?: string;
  languagePopulation?: Record<string, { _populationPercent?: string; _officialStatus?: string }>;
}

interface MapZone {
  mapZone: { _other: string; _type: string; _territory: string };
}

let territoryInfo: Record<string, TerritoryInfo> | undefined;
let codeMappings: Record<string, { _numeric?: string; _alpha3?: string }> | undefined;
let windowsZones: MapZone[] | undefined;

export function cldrTerritoryInfo(): Record<string, TerritoryInfo> {
  territoryInfo ??= (require('cldr-core/supplemental/territoryInfo.json') as { supplemental: { territoryInfo: Record<string, TerritoryInfo> } })
    .supplemental.territoryInfo;
  return territoryInfo;
}

export function cldrCodeMappings(): Record<string, { _numeric?: string; _alpha3?: string }> {
  codeMappings ??= (require('cldr-core/supplemental/codeMappings.json') as { supplemental: { codeMappings: Record<string, { _numeric?: string }> } })
    .supplemental.codeMappings;
  return codeMappings;
}

/** Windows-zone mapping rows; each lists, per territory, the IANA zones of one clock rule group. */
export function cldrWindowsZones(): MapZone[] {
  windowsZones ??= (require('cldr-core/supplemental/windowsZones.json') as { supplemental: { windowsZones: { mapTimezones: MapZone[] } } })
    .supplemental.windowsZones.mapTimezones;
  return windowsZones;
}
