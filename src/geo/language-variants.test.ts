import { describe, expect, it } from 'vitest';
import { cuesInText, scoreVariants } from './language-variants.js';

const p = (texts: string[], language: 'pt' | 'en' | 'es' | 'fr', variant: string) => scoreVariants(texts, language).probability[variant]!;

describe('language variant cues', () => {
  it('separates European from Brazilian Portuguese by vocabulary, spelling and grammar', () => {
    const european = ['Estou a fazer o download do ficheiro.', 'A minha equipa ganhou, de facto.', 'Apanhei o autocarro para o trabalho.', 'Tu tens o meu contacto no telemóvel?', 'O utilizador não consegue aceder ao ecrã.'];
    const brazilian = ['Estou fazendo o download do arquivo.', 'O time ganhou, de fato.', 'Peguei o ônibus para o trabalho.', 'Você tem meu contato no celular?', 'O usuário não consegue acessar a tela.'];
    expect(p(european, 'pt', 'pt-PT')).toBeGreaterThan(0.99);
    expect(p(brazilian, 'pt', 'pt-BR')).toBeGreaterThan(0.99);
    expect(cuesInText('Estou a fazer isso agora', 'pt').map((c) => c.id)).toContain('pt-a-infinitivo');
    expect(cuesInText('Estou fazendo isso agora', 'pt').map((c) => c.id)).toContain('pt-gerundio');
    expect(cuesInText('o programa económico', 'pt').map((c) => c.id)).toContain('pt-acento-agudo');
    expect(cuesInText('o programa econômico', 'pt').map((c) => c.id)).toContain('pt-acento-circunflexo');
  });

  it('separates British from American English', () => {
    expect(p(['The colour of the centre was grey.', 'We organised the travelling programme.'], 'en', 'en-GB')).toBeGreaterThan(0.95);
    expect(p(['The color of the center was gray.', 'We organized the traveling schedule.'], 'en', 'en-US')).toBeGreaterThan(0.95);
    // -ise words that are the same on both sides are not cues.
    expect(cuesInText('Otherwise we advise you to exercise', 'en')).toHaveLength(0);
  });

  it('separates Peninsular from Latin American Spanish, and European from Canadian French', () => {
    expect(p(['¿Vosotros tenéis el ordenador?', 'Cogí el coche y fui a casa.'], 'es', 'es-ES')).toBeGreaterThan(0.9);
    expect(p(['¿Ustedes tienen la computadora?', 'Vos sabés que el celular no anda.'], 'es', 'es-419')).toBeGreaterThan(0.9);
    expect(p(['Envoie-moi un courriel, on va clavarder ce soir.', 'On va magasiner en fin de semaine.'], 'fr', 'fr-CA')).toBeGreaterThan(0.9);
    expect(p(['Envoie-moi un e-mail pour le week-end !', 'Je prends le parking du boulot.'], 'fr', 'fr-FR')).toBeGreaterThan(0.9);
  });

  it('says nothing when there are no cues, and pools cues over texts', () => {
    const neutral = scoreVariants(['Olá, tudo bem?', 'Obrigado pela ajuda.'], 'pt');
    expect(neutral.logRatio).toBe(0);
    expect(neutral.probability['pt-PT']).toBeCloseTo(0.5, 10);
    const one = scoreVariants(['Guardei o ficheiro.'], 'pt');
    const three = scoreVariants(['Guardei o ficheiro.', 'Abri o ficheiro.', 'Apaguei o ficheiro.'], 'pt');
    expect(three.logRatio).toBeGreaterThan(one.logRatio);
    expect(three.textsWithCues['pt-PT']).toBe(3);
    expect(three.hits[0]!.id).toBe('pt-ficheiro');
  });
});
