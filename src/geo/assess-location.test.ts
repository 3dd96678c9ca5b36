import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_PARAMS } from './activity-offsets.js';
import { assessLocation } from './assess-location.js';
import { syntheticTimes } from './synthetic-activity.js';
import type { LocationEvidence } from './types.js';

const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;
const lisbon = syntheticTimes({ zone: 'Europe/Lisbon', from: Date.UTC(2024, 1, 1) / 1000, days: 300, perDay: 1, hourOfWeek: office, seed: 11 });
const saoPaulo = syntheticTimes({ zone: 'America/Sao_Paulo', from: Date.UTC(2024, 1, 1) / 1000, days: 300, perDay: 1, hourOfWeek: office, seed: 12 });
const ptTexts = ['Estou a carregar o ficheiro, espera um bocado.', 'A minha equipa viu isso, de facto.', 'Apanhei o autocarro para casa.', 'Não consigo aceder com o telemóvel.'];
const brTexts = ['Estou carregando o arquivo, espera um pouco.', 'Minha equipe viu isso, de fato.', 'Peguei o ônibus para casa.', 'Não consigo acessar pelo celular.'];

describe('assessLocation', () => {
  it('activity alone narrows to the UTC+0/+1 clock countries but cannot pick Portugal over the UK', async () => {
    const a = await assessLocation([{ id: 'posts', kind: 'activity', times: lisbon }], { countryPrior: 'uniform' });
    const p = (code: string) => a.countries.find((c) => c.code === code)!.probability;
    expect(p('GB') / p('PT')).toBeGreaterThan(0.9);
    expect(p('GB') / p('PT')).toBeLessThan(1.1);
    expect(p('PT')).toBeGreaterThan(10 * p('BR'));
    expect(a.credibleSet.length).toBeGreaterThan(2);
    expect(a.activity).toHaveLength(1);
    expect(a.activity[0]!.offsetCredibleSet90).toContain(0);
    expect(a.evidence[0]!.summary).toMatch(/UTC\+/);
  });

  it('activity and European Portuguese texts keep Portugal and rule out Brazil; a clue then settles it', async () => {
    const evidence: LocationEvidence[] = [
      { id: 'posts', kind: 'activity', times: lisbon },
      { id: 'texts', kind: 'language', texts: ptTexts },
    ];
    const pt = await assessLocation(evidence);
    const p = (code: string) => pt.countries.find((c) => c.code === code)!.probability;
    // European-norm Portuguese is also written in Angola and Mozambique, whose clocks are one or two hours off
    // Lisbon's: with the population prior they stay in the running until other evidence speaks.
    expect(pt.credibleSet).toContain('PT');
    expect(p('PT')).toBeGreaterThan(30 * p('BR'));
    expect(pt.explanation).toMatch(/European Portuguese cues in 4 texts/);
    const withClue = await assessLocation([...evidence, { id: 'bag', kind: 'clue', text: 'a Portuguese supermarket bag', countries: ['PT'], confidence: 0.8 }]);
    expect(withClue.countries[0]!.code).toBe('PT');
    expect(withClue.countries[0]!.probability).toBeGreaterThan(0.9);
    const br = await assessLocation([
      { id: 'posts', kind: 'activity', times: saoPaulo },
      { id: 'texts', kind: 'language', texts: brTexts },
    ]);
    expect(br.countries[0]!.code).toBe('BR');
    expect(br.countries[0]!.probability).toBeGreaterThan(0.9);
  });

  it('each evidence type alone moves the ranking towards the truth', async () => {
    const cases: [LocationEvidence, string][] = [
      [{ id: 'g', kind: 'gps', lat: 48.8566, lon: 2.3522 }, 'FR'],
      [{ id: 'o', kind: 'capture-offset', offsetMinutes: 330, capturedAt: Date.UTC(2024, 5, 1) / 1000 }, 'IN'],
      [{ id: 's', kind: 'camera-serial', serial: 'CAM-1', countries: ['NZ'] }, 'NZ'],
      [{ id: 'c', kind: 'clue', text: 'Swiss plug (type J)', countries: ['CH', 'LI'], confidence: 0.9 }, 'CH'],
    ];
    for (const [item, truth] of cases) {
      const a = await assessLocation([item], { countryPrior: 'uniform' });
      const before = 1 / a.countries.length;
      expect(a.countries.find((c) => c.code === truth)!.probability).toBeGreaterThan(before * 5);
      expect(a.evidence[0]!.log10BayesFactorForTop).toBeGreaterThan(0);
    }
  });

  it('a disabled item is listed with the effect it would have, but does not count', async () => {
    const evidence: LocationEvidence[] = [
      { id: 'posts', kind: 'activity', times: lisbon },
      { id: 'gps', kind: 'gps', lat: 41.1579, lon: -8.6291, enabled: false },
    ];
    const off = await assessLocation(evidence);
    const on = await assessLocation(evidence.map((e) => ({ ...e, enabled: true })));
    expect(off.evidence[1]!.enabled).toBe(false);
    expect(off.evidence[1]!.log10BayesFactorForTop).toBe(0);
    expect(on.countries[0]!.code).toBe('PT');
    expect(on.countries[0]!.probability).toBeGreaterThan(0.9);
    expect(off.countries.find((c) => c.code === 'PT')!.probability).toBeLessThan(0.5);
    // What the disabled GPS would do, as the web toggle shows it.
    expect(off.evidence[1]!.topProbabilityWithoutThisItem).not.toBe(off.countries[0]!.probability);
  });

  it('probabilities add up to one and the credible set holds the stated level', async () => {
    const a = await assessLocation([{ id: 'c', kind: 'clue', text: 'a supermarket brand', countries: ['PT', 'ES'], confidence: 0.7 }]);
    expect(a.countries.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(1, 9);
    const held = a.countries.filter((c) => a.credibleSet.includes(c.code)).reduce((s, c) => s + c.probability, 0);
    expect(held).toBeGreaterThanOrEqual(0.9);
    expect(a.assumptions.length).toBeGreaterThan(3);
  });
});

describe('assessLocation bounds', () => {
  it('samples a huge activity list evenly instead of reading it all, and says so', async () => {
    const many = Array.from({ length: 50_000 }, (_, i) => Date.UTC(2024, 0, 1) / 1000 + i * 600);
    const a = await assessLocation([{ id: 'bulk', kind: 'activity', times: [...many, Number.NaN] }]);
    expect(a.activity[0]!.eventCount).toBe(20_000);
    expect(a.evidence[0]!.summary).toContain('evenly sampled from 50000');
  });
});
