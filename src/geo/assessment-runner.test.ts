import { describe, expect, it } from 'vitest';
import { inlineAssess, workerAssess } from './assessment-runner.js';
import { syntheticTimes } from './synthetic-activity.js';
import type { LocationEvidence } from './types.js';

const evidence: LocationEvidence[] = [
  { id: 'posts', kind: 'activity', times: syntheticTimes({ zone: 'Europe/Lisbon', from: Date.UTC(2024, 0, 1) / 1000, days: 300, perDay: 5, seed: 3 }) },
  { id: 'gps', kind: 'gps', lat: 38.72, lon: -9.14, enabled: false },
  { id: 'clue', kind: 'clue', text: 'type F socket', countries: ['PT', 'ES'], confidence: 0.6 },
];

describe('the engine in a worker thread', () => {
  it('gives the same assessment as on the calling thread, and leaves the event loop free meanwhile', async () => {
    const assess = workerAssess();
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const inWorker = await assess(evidence, { countryPrior: 'population' });
    running = false;
    // The event loop kept turning while the worker computed (on the calling thread it would be held throughout).
    expect(turns).toBeGreaterThan(10);
    const inline = await inlineAssess(evidence, { countryPrior: 'population' });
    expect(inWorker).toEqual(inline);
    expect(inWorker.evidence.map((e) => e.id)).toEqual(['posts', 'gps', 'clue']);
  });

  it('reports an engine error to the caller and keeps working', async () => {
    const assess = workerAssess();
    await expect(assess([{ id: 'x', kind: 'activity', times: null as unknown as number[] }], {})).rejects.toThrow();
    const ok = await assess([{ id: 'c', kind: 'clue', text: 'x', countries: ['PT'], confidence: 0.5 }], {});
    expect(ok.countries[0]!.code).toBe('PT');
  });
});
