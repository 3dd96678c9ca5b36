import { beforeAll, describe, expect, it } from 'vitest';
import { languageCountryLikelihood, speakerShare } from './language-evidence.js';
import { loadLanguageDetector } from './language-id.js';

beforeAll(async () => {
  await loadLanguageDetector();
});

const european = [
  'Estou a carregar o ficheiro para o servidor, espera um bocado.',
  'A minha equipa já viu isso, de facto não funciona.',
  'Apanhei o autocarro e depois o comboio para casa.',
  'Não consigo aceder ao site com o telemóvel.',
];
const brazilian = [
  'Estou carregando o arquivo para o servidor, espera um pouco.',
  'Minha equipe já viu isso, de fato não funciona.',
  'Peguei o ônibus e depois o metrô para casa.',
  'Não consigo acessar o site pelo celular.',
];

describe('texts → countries', () => {
  it('reads speaker shares from CLDR', () => {
    expect(speakerShare('pt').get('PT')!).toBeGreaterThan(0.9);
    expect(speakerShare('pt').get('DE')!).toBeLessThan(0.05);
  });

  it('European Portuguese points to Portugal over Brazil, Brazilian Portuguese the other way', () => {
    const eu = languageCountryLikelihood(european);
    expect(eu.mainLanguage).toBe('pt');
    expect(eu.likelihood.get('PT')!).toBeGreaterThan(20 * eu.likelihood.get('BR')!);
    expect(eu.likelihood.get('PT')!).toBeGreaterThan(20 * eu.likelihood.get('FR')!);
    const br = languageCountryLikelihood(brazilian);
    expect(br.likelihood.get('BR')!).toBeGreaterThan(20 * br.likelihood.get('PT')!);
  });

  it('English without variant cues stays broad', () => {
    const r = languageCountryLikelihood(['Hello, is anyone here tonight?', 'Thanks for the help with this.']);
    expect(r.mainLanguage).toBe('en');
    expect(r.variant?.logRatio).toBe(0);
    expect(r.likelihood.get('GB')!).toBeGreaterThan(0.5 * r.likelihood.get('US')!);
  });

  it('no recognisable text leaves every country as likely as before', () => {
    const r = languageCountryLikelihood(['', '   ']);
    expect(new Set(r.likelihood.values())).toEqual(new Set([1]));
  });
});
