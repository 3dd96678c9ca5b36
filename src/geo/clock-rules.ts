/**
 * Representative clock rules: one IANA zone for each distinct history of offsets and daylight-saving rules that
 * people actually live under. Activity times are scored against these (rather than against bare offsets) so that
 * a person whose clock moves between UTC+1 and UTC+2 with the seasons is one hypothesis, not two half-right ones.
 * Countries map to their own real zones elsewhere (country-zones.ts); this list is for the offset-level picture.
 */
import { zoneOffsetsAt } from './time-zones.js';

export interface ClockRule {
  zone: string;
  label: string;
}

const fixed: ClockRule[] = Array.from({ length: 27 }, (_, i) => {
  const hours = i - 12;
  // POSIX-style Etc names have the sign inverted: Etc/GMT+5 is UTC-5.
  const zone = hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
  return { zone, label: `UTC${hours >= 0 ? '+' : '-'}${Math.abs(hours)} all year` };
});

export const CLOCK_RULES: readonly ClockRule[] = [
  ...fixed,
  { zone: 'Pacific/Marquesas', label: 'UTC-9:30 all year (Marquesas)' },
  { zone: 'Asia/Kabul', label: 'UTC+4:30 all year (Afghanistan)' },
  { zone: 'Asia/Kolkata', label: 'UTC+5:30 all year (India, Sri Lanka)' },
  { zone: 'Asia/Kathmandu', label: 'UTC+5:45 all year (Nepal)' },
  { zone: 'Asia/Yangon', label: 'UTC+6:30 all year (Myanmar)' },
  { zone: 'Australia/Eucla', label: 'UTC+8:45 all year (Eucla)' },
  { zone: 'Australia/Darwin', label: 'UTC+9:30 all year (Northern Territory)' },
  { zone: 'Atlantic/Azores', label: 'UTC-1/UTC+0 with European summer time (Azores)' },
  { zone: 'Europe/London', label: 'UTC+0/UTC+1 with European summer time (UK, Ireland, Portugal)' },
  { zone: 'Europe/Paris', label: 'UTC+1/UTC+2 with European summer time (Central Europe)' },
  { zone: 'Europe/Helsinki', label: 'UTC+2/UTC+3 with European summer time (Eastern Europe)' },
  { zone: 'Europe/Moscow', label: 'Moscow time (UTC+3; UTC+4 in 2011-2014; summer time until 2011)' },
  { zone: 'Europe/Istanbul', label: 'Turkey (UTC+2/+3 until 2016, then UTC+3)' },
  { zone: 'Asia/Jerusalem', label: 'UTC+2/UTC+3 with Israeli summer time' },
  { zone: 'Africa/Cairo', label: 'Egypt (UTC+2, summer time in some years)' },
  { zone: 'Africa/Casablanca', label: 'Morocco (UTC+0/+1, Ramadan changes)' },
  { zone: 'Asia/Tehran', label: 'UTC+3:30/UTC+4:30 (Iran; summer time until 2022)' },
  { zone: 'America/Nuuk', label: 'Greenland (UTC-3/-2, since 2023 UTC-2/-1)' },
  { zone: 'America/St_Johns', label: 'UTC-3:30/UTC-2:30 with North American summer time (Newfoundland)' },
  { zone: 'America/Halifax', label: 'UTC-4/UTC-3 with North American summer time (Atlantic)' },
  { zone: 'America/New_York', label: 'UTC-5/UTC-4 with North American summer time (US Eastern)' },
  { zone: 'America/Chicago', label: 'UTC-6/UTC-5 with North American summer time (US Central)' },
  { zone: 'America/Denver', label: 'UTC-7/UTC-6 with North American summer time (US Mountain)' },
  { zone: 'America/Los_Angeles', label: 'UTC-8/UTC-7 with North American summer time (US Pacific)' },
  { zone: 'America/Anchorage', label: 'UTC-9/UTC-8 with North American summer time (Alaska)' },
  { zone: 'America/Havana', label: 'Cuba (UTC-5/-4)' },
  { zone: 'America/Mexico_City', label: 'Central Mexico (UTC-6, summer time until 2022)' },
  { zone: 'America/Sao_Paulo', label: 'Brasília time (UTC-3; southern summer time until 2019)' },
  { zone: 'America/Santiago', label: 'Chile (UTC-4/UTC-3, southern summer time)' },
  { zone: 'America/Asuncion', label: 'Paraguay (UTC-4/UTC-3 until 2024)' },
  { zone: 'Australia/Adelaide', label: 'UTC+9:30/UTC+10:30 with southern summer time (South Australia)' },
  { zone: 'Australia/Sydney', label: 'UTC+10/UTC+11 with southern summer time (south-east Australia)' },
  { zone: 'Australia/Lord_Howe', label: 'UTC+10:30/UTC+11 (Lord Howe Island)' },
  { zone: 'Pacific/Auckland', label: 'UTC+12/UTC+13 with southern summer time (New Zealand)' },
  { zone: 'Pacific/Chatham', label: 'UTC+12:45/UTC+13:45 (Chatham Islands)' },
];

/** The offset each clock rule showed at each of `times`, one array per rule in CLOCK_RULES order. */
export function clockRuleOffsets(times: readonly number[]): Int16Array[] {
  return CLOCK_RULES.map((r) => zoneOffsetsAt(r.zone, times));
}
