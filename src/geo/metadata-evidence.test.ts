import { describe, expect, it } from 'vitest';
import { cameraSerialLikelihood, captureOffsetLikelihood, clueLikelihood, gpsLikelihood } from './metadata-evidence.js';

const july2024 = Date.UTC(2024, 6, 15, 12) / 1000;
const january2024 = Date.UTC(2024, 0, 15, 12) / 1000;

describe('metadata and clue evidence', () => {
  it('GPS favours the country it falls in, without ruling the others out', () => {
    const r = gpsLikelihood(38.7223, -9.1393 + 0.05);
    expect(r.usable).toBe(true);
    expect(r.likelihood.get('PT')).toBe(1);
    expect(r.likelihood.get('ES')!).toBeGreaterThan(0);
    expect(r.likelihood.get('ES')!).toBeLessThan(0.01);
    expect(r.summary).toContain('Portugal');
  });

  it('GPS at sea is reported and not used', () => {
    const r = gpsLikelihood(0, -30);
    expect(r.usable).toBe(false);
  });

  it('a summer capture at UTC+1 fits Portugal and the UK, not France or Brazil; in winter it fits France', () => {
    const summer = captureOffsetLikelihood(60, july2024);
    expect(summer.likelihood.get('PT')!).toBeGreaterThan(0.9);
    expect(summer.likelihood.get('GB')).toBe(summer.likelihood.get('IE'));
    expect(summer.likelihood.get('FR')!).toBeLessThan(0.2);
    expect(summer.likelihood.get('BR')!).toBeLessThan(0.2);
    const winter = captureOffsetLikelihood(60, january2024);
    expect(winter.likelihood.get('FR')!).toBeGreaterThan(0.9);
    expect(winter.likelihood.get('PT')!).toBeLessThan(0.2);
  });

  it('a capture at UTC-3 fits Brazil, and a +5:30 capture fits India', () => {
    expect(captureOffsetLikelihood(-180, july2024).likelihood.get('BR')!).toBeGreaterThan(0.9);
    const india = captureOffsetLikelihood(330, july2024);
    expect(india.likelihood.get('IN')).toBe(1);
    expect(india.likelihood.get('PK')!).toBeLessThan(0.2);
  });

  it('clues and camera serials weigh by confidence and by how many countries they name', () => {
    const sure = clueLikelihood('type G plug', ['GB', 'IE', 'MT'], 0.9);
    const unsure = clueLikelihood('type G plug', ['GB', 'IE', 'MT'], 0.3);
    expect(sure.likelihood.get('GB')).toBe(1);
    expect(sure.likelihood.get('FR')!).toBeLessThan(unsure.likelihood.get('FR')!);
    const broad = clueLikelihood('type F socket', ['DE', 'FR', 'NL', 'BE', 'AT', 'PT', 'ES', 'IT', 'PL', 'SE'], 0.9);
    expect(broad.likelihood.get('US')!).toBeGreaterThan(sure.likelihood.get('US')!);
    expect(cameraSerialLikelihood('SN123', ['PT']).likelihood.get('PT')).toBe(1);
    expect(cameraSerialLikelihood('SN123', ['XX']).usable).toBe(false);
  });
});
