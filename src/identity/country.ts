const names = new Intl.DisplayNames(['en'], { type: 'region' });

/** Codes that are not countries but are agencies' "country": international bodies. */
const INTERNATIONAL: Record<string, string> = { EU: 'European Union (Europol, Eurojust)', UN: 'United Nations', INT: 'INTERPOL' };

/** ISO 3166-1 alpha-2 codes the runtime knows (`UK` is not one: it is GB), or an international body. */
export function isCountryCode(code: string): boolean {
  if (code in INTERNATIONAL) return true;
  if (!/^[A-Z]{2}$/.test(code) || code === 'UK' || code === 'ZZ') return false;
  const name = names.of(code);
  return name !== undefined && name !== code;
}

export function countryName(code: string): string {
  return INTERNATIONAL[code] ?? names.of(code) ?? code;
}
