const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** Local time for reading; the UTC instant goes in the title attribute, which is what a report would quote. */
export function formatDateTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (seconds ? dateTimeSeconds : dateTime).format(date);
}

/** Calendar dates (YYYY-MM-DD) have no time zone; formatting them in UTC keeps the day from shifting. */
export function formatDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '—';
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : dateOnly.format(date);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const INTERNATIONAL: Record<string, string> = { EU: 'European Union (Europol, Eurojust)', UN: 'United Nations', INT: 'INTERPOL' };

export function countryName(code: string): string {
  return INTERNATIONAL[code] ?? regionNames.of(code) ?? code;
}

/** Intl region codes that are not countries, and the UK alias (ISO says GB). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ', 'UK']);

/** ISO 3166-1 alpha-2 countries the browser can name, sorted by name, then the international bodies. */
export function countryOptions(): { code: string; name: string }[] {
  const options: { code: string; name: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = regionNames.of(code);
      if (name && name !== code) options.push({ code, name });
    }
  }
  options.sort((x, y) => x.name.localeCompare(y.name, 'en'));
  return [...options, ...Object.entries(INTERNATIONAL).map(([code, name]) => ({ code, name }))];
}

/** `datetime-local` values are wall-clock in the browser's zone; the API wants an instant. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
