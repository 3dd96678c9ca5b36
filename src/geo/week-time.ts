/** Time-of-week arithmetic. Weeks start on Monday 00:00, as in ISO 8601. */

export const MINUTES_PER_WEEK = 7 * 24 * 60;
export const HOURS_PER_WEEK = 168;

// 1970-01-01 was a Thursday: three days after a Monday.
const EPOCH_MINUTE_OF_WEEK = 3 * 24 * 60;

/** Minute of the (UTC) week, 0 = Monday 00:00, of a unix time in seconds. */
export function utcMinuteOfWeek(unixSeconds: number): number {
  const minutes = Math.floor(unixSeconds / 60) + EPOCH_MINUTE_OF_WEEK;
  return ((minutes % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
}

/** Shifts a minute of the week by an offset in minutes, wrapping around the week. */
export function shiftMinuteOfWeek(minuteOfWeek: number, offsetMinutes: number): number {
  return (((minuteOfWeek + offsetMinutes) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
}

/** Saturday and Sunday, the weekend of most countries (the assumption is stated in the docs). */
export function isWeekendHourOfWeek(hourOfWeek: number): boolean {
  return hourOfWeek >= 5 * 24;
}
