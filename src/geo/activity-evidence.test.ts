import { describe, expect, it } from 'vitest';
import { activityCountryLikelihood } from './activity-evidence.js';
import { prepareEvents } from './activity-model.js';
import { DEFAULT_ACTIVITY_PARAMS, analyseOffsets } from './activity-offsets.js';
import { syntheticTimes } from './synthetic-activity.js';

// Synthetic people follow the learned office-hours routine in their own zone (the routine the model knows), so
// the truth is known and recoverable; real people differ from it, which is what eval:geo measures.
const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;
const from2024 = Date.UTC(2024, 0, 10) / 1000;
const person = (zone: string, seed = 1, days = 330) => syntheticTimes({ zone, from: from2024, days, perDay: 1.2, hourOfWeek: office, seed });

describe('activity times → offsets and countries', () => {
  it('counts a burst of events in one hour as one active hour', () => {
    const events = prepareEvents([3600, 3601, 3602, 7200]);
    expect(events.effectiveCount).toBe(2);
    expect([...events.weights]).toEqual([1 / 3, 1 / 3, 1 / 3, 1]);
  });

  it('puts a Lisbon identity across the March and October changes on UTC+0/+1 clocks, not on fixed offsets', () => {
    const times = person('Europe/Lisbon');
    const crossesMarch = times.some((t) => t < Date.UTC(2024, 2, 31) / 1000) && times.some((t) => t > Date.UTC(2024, 2, 31) / 1000);
    const crossesOctober = times.some((t) => t > Date.UTC(2024, 9, 27) / 1000);
    expect(crossesMarch && crossesOctober).toBe(true);
    const analysis = analyseOffsets(times, { prior: 'uniform' });
    const p = (zone: string) => analysis.rules.find((r) => r.zone === zone)!.probability;
    expect(analysis.rules[0]!.zone).toBe('Europe/London');
    expect(p('Europe/London')).toBeGreaterThan(p('Etc/UTC'));
    expect(p('Europe/London')).toBeGreaterThan(p('Etc/GMT-1'));
    const near = analysis.offsets.filter((o) => o.offsetMinutes >= -60 && o.offsetMinutes <= 120).reduce((s, o) => s + o.probability, 0);
    expect(near).toBeGreaterThan(0.5);
  });

  it('cannot tell Portugal from the United Kingdom, and does not confuse either with Brazil', () => {
    const result = activityCountryLikelihood(person('Europe/Lisbon', 2));
    expect(result.zoneLikelihood.get('Europe/Lisbon')).toBe(result.zoneLikelihood.get('Europe/London'));
    expect(result.likelihood.get('BR')!).toBeLessThan(0.1 * result.likelihood.get('PT')!);
  });

  it('points a São Paulo identity to Brazil rather than Portugal', () => {
    const result = activityCountryLikelihood(person('America/Sao_Paulo', 3));
    expect(result.likelihood.get('BR')!).toBeGreaterThan(10 * result.likelihood.get('PT')!);
  });

  it('recognises a half-hour offset', () => {
    const analysis = analyseOffsets(person('Asia/Kolkata', 4), { prior: 'uniform' });
    const best = [...analysis.offsets].sort((a, b) => b.probability - a.probability)[0]!;
    expect(Math.abs(best.offsetMinutes - 330)).toBeLessThanOrEqual(30);
  });

  it('reports routines as competing hypotheses that add up to one, and charts of the right shape', () => {
    const result = activityCountryLikelihood(person('America/Los_Angeles', 5, 120));
    const total = result.analysis.routines.reduce((s, r) => s + r.probability, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(result.analysis.routines.length).toBeGreaterThan(1);
    expect(result.charts.hourOfWeekUtc).toHaveLength(168);
    expect(result.charts.hourOfDayLocal.reduce((a, b) => a + b, 0)).toBe(result.eventCount);
    expect(result.charts.fittedHourOfDayLocal.reduce((a, b) => a + b, 0)).toBeCloseTo(result.eventCount, 6);
    expect(result.likelihood.get('US')!).toBeGreaterThan(10 * result.likelihood.get('DE')!);
  });

  it('keeps few events weak: ten times spread the probability over several offsets', () => {
    const analysis = analyseOffsets(person('Europe/Lisbon', 6).slice(0, 10));
    expect(Math.max(...analysis.offsets.map((o) => o.probability))).toBeLessThan(0.6);
  });
});
