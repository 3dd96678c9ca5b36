import { describe, expect, it } from 'vitest';
import { zoneOffsetAt, zoneOffsetDirect, zoneOffsetsAt } from './time-zones.js';

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000;

describe('zone offsets through Intl', () => {
  it('follows Lisbon across the March and October 2024 changes, to the minute', () => {
    expect(zoneOffsetAt('Europe/Lisbon', utc(2024, 3, 31, 0, 59))).toBe(0);
    expect(zoneOffsetAt('Europe/Lisbon', utc(2024, 3, 31, 1, 0))).toBe(60);
    expect(zoneOffsetAt('Europe/Lisbon', utc(2024, 10, 27, 0, 59))).toBe(60);
    expect(zoneOffsetAt('Europe/Lisbon', utc(2024, 10, 27, 1, 0))).toBe(0);
  });

  it('knows Brazil dropped daylight saving in 2019 and India never had it', () => {
    expect(zoneOffsetAt('America/Sao_Paulo', utc(2018, 1, 15))).toBe(-120);
    expect(zoneOffsetAt('America/Sao_Paulo', utc(2024, 1, 15))).toBe(-180);
    expect(zoneOffsetAt('America/Sao_Paulo', utc(2024, 7, 15))).toBe(-180);
    expect(zoneOffsetAt('Asia/Kolkata', utc(2024, 7, 15))).toBe(330);
    expect(zoneOffsetAt('Asia/Kathmandu', utc(2024, 7, 15))).toBe(345);
    expect(zoneOffsetAt('Australia/Adelaide', utc(2024, 1, 15))).toBe(630);
    expect(zoneOffsetAt('Etc/GMT+3', utc(2024, 1, 15))).toBe(-180);
  });

  it('agrees with a direct Intl lookup at every sampled instant of two years', () => {
    const zones = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'America/St_Johns', 'Pacific/Chatham'];
    const times: number[] = [];
    for (let t = utc(2023, 1, 1); t < utc(2025, 1, 1); t += 5 * 86400 + 4111) times.push(t);
    for (const zone of zones) {
      const cached = zoneOffsetsAt(zone, times);
      times.forEach((t, i) => expect(cached[i]).toBe(zoneOffsetDirect(zone, t)));
    }
  });
});
