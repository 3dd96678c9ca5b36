/**
 * Spelling, vocabulary and grammar cues that separate national variants of one language. Our own lists, from the
 * well-known differences between the variants; each cue names the variant it points to and a default strength in
 * nats (log-likelihood ratio per text in which it occurs). Strengths are refined from labelled catalogs by
 * bench/geo/fit-language.ts (src/geo/language-weights.json); the defaults stand where no data speaks.
 *
 * Cues are matched on lower-cased NFC text with Unicode word boundaries.
 */

export type VariantPair = 'pt' | 'en' | 'es' | 'fr';

export const VARIANTS: Record<VariantPair, readonly [string, string]> = {
  pt: ['pt-PT', 'pt-BR'],
  en: ['en-GB', 'en-US'],
  es: ['es-ES', 'es-419'],
  fr: ['fr-FR', 'fr-CA'],
};

export interface Cue {
  id: string;
  language: VariantPair;
  /** The variant the cue points to. */
  variant: string;
  pattern: RegExp;
  /** Default strength in nats. */
  weight: number;
  /** What the cue is, for explanations. */
  note: string;
}

const STRONG = 2;
const MEDIUM = 1.2;
const WEAK = 0.5;

/** Whole-word alternation with Unicode-aware boundaries. */
function words(alternation: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, 'gu');
}

type Row = [id: string, variant: string, pattern: RegExp, weight: number, note: string];

const PT: Row[] = [
  ['pt-ficheiro', 'pt-PT', words('ficheiros?'), STRONG, '"ficheiro" for file'],
  ['pt-arquivo', 'pt-BR', words('arquivos?'), MEDIUM, '"arquivo" for file'],
  ['pt-utilizador', 'pt-PT', words('utilizador(?:es|a|as)?'), STRONG, '"utilizador" for user'],
  ['pt-usuario', 'pt-BR', words('usuári[oa]s?'), STRONG, '"usuário" for user'],
  ['pt-ecra', 'pt-PT', words('ecrãs?'), STRONG, '"ecrã" for screen'],
  ['pt-tela', 'pt-BR', words('telas?'), MEDIUM, '"tela" for screen'],
  ['pt-palavra-passe', 'pt-PT', words('palavras?-passe'), STRONG, '"palavra-passe" for password'],
  ['pt-senha', 'pt-BR', words('senhas?'), WEAK, '"senha" for password'],
  ['pt-transferir', 'pt-PT', words('transferir|transferid[oa]s?|descarregar|descarregad[oa]s?|transfere'), WEAK, '"transferir/descarregar" for download'],
  ['pt-baixar', 'pt-BR', words('baixar|baixad[oa]s?|baixando|baixe'), STRONG, '"baixar" for download'],
  ['pt-definicoes', 'pt-PT', words('definições'), MEDIUM, '"definições" for settings'],
  ['pt-registo', 'pt-PT', words('registos?|registar|registad[oa]s?'), STRONG, '"registo/registar"'],
  ['pt-registro', 'pt-BR', words('registros?|registrar|registrad[oa]s?'), STRONG, '"registro/registrar"'],
  ['pt-contacto', 'pt-PT', words('contactos?|contactar'), STRONG, '"contacto"'],
  ['pt-contato', 'pt-BR', words('contatos?|contatar'), STRONG, '"contato"'],
  ['pt-facto', 'pt-PT', words('factos?|de facto'), STRONG, '"facto" for fact'],
  ['pt-fato', 'pt-BR', words('de fato|fatos?'), MEDIUM, '"fato" for fact'],
  ['pt-equipa', 'pt-PT', words('equipas?'), STRONG, '"equipa" for team'],
  ['pt-equipe', 'pt-BR', words('equipes?'), STRONG, '"equipe" for team'],
  ['pt-autocarro', 'pt-PT', words('autocarros?|comboios?|eléctrico'), STRONG, '"autocarro/comboio"'],
  ['pt-onibus', 'pt-BR', words('ônibus|trens?|metrô'), STRONG, '"ônibus/trem/metrô"'],
  ['pt-telemovel', 'pt-PT', words('telemóve(?:l|is)'), STRONG, '"telemóvel" for mobile phone'],
  ['pt-celular', 'pt-BR', words('celular(?:es)?'), STRONG, '"celular" for mobile phone'],
  ['pt-aplicacao', 'pt-PT', words('aplicaç(?:ão|ões)'), WEAK, '"aplicação" for app'],
  ['pt-aplicativo', 'pt-BR', words('aplicativos?'), STRONG, '"aplicativo" for app'],
  ['pt-ligacao', 'pt-PT', words('ligaç(?:ão|ões)|ligad[oa]s?'), WEAK, '"ligação" for connection/link'],
  ['pt-conexao', 'pt-BR', words('conex(?:ão|ões)|conectad[oa]s?|conectar'), MEDIUM, '"conexão" for connection'],
  ['pt-predefinido', 'pt-PT', words('predefinid[oa]s?|predefiniç(?:ão|ões)'), STRONG, '"predefinido" for default'],
  ['pt-padrao', 'pt-BR', words('padrão|padrões'), MEDIUM, '"padrão" for default'],
  ['pt-gerir', 'pt-PT', words('gerir|gestor(?:es)?|gestão'), MEDIUM, '"gerir/gestor" for manage'],
  ['pt-gerenciar', 'pt-BR', words('gerenciar|gerenciador(?:es)?|gerenciamento|gerencia'), STRONG, '"gerenciar" for manage'],
  ['pt-aceder', 'pt-PT', words('aceder|acedid[oa]s?|acede'), STRONG, '"aceder" for access'],
  ['pt-acessar', 'pt-BR', words('acessar|acessad[oa]s?|acessando'), STRONG, '"acessar" for access'],
  ['pt-partilhar', 'pt-PT', words('partilh(?:ar|ad[oa]s?|a|as|e|ados)'), STRONG, '"partilhar" for share'],
  ['pt-compartilhar', 'pt-BR', words('compartilh(?:ar|ad[oa]s?|a|as|e|amento)'), STRONG, '"compartilhar" for share'],
  ['pt-prima', 'pt-PT', words('prima|premir|premid[oa]|prime'), MEDIUM, '"premir" for press'],
  ['pt-pressione', 'pt-BR', words('pressione|pressionar|pressionad[oa]|pressiona'), MEDIUM, '"pressionar" for press'],
  ['pt-controlo', 'pt-PT', words('controlos?'), STRONG, '"controlo"'],
  ['pt-controle', 'pt-BR', words('controles?'), MEDIUM, '"controle"'],
  ['pt-camara', 'pt-PT', words('câmaras?'), WEAK, '"câmara" for camera'],
  ['pt-camera', 'pt-BR', words('câmeras?'), STRONG, '"câmera"'],
  ['pt-rato', 'pt-PT', words('rato'), MEDIUM, '"rato" for mouse'],
  ['pt-guardar', 'pt-PT', words('guardar|guardad[oa]s?|guarde'), WEAK, '"guardar" for save'],
  ['pt-salvar', 'pt-BR', words('salvar|salvad[oa]s?|salve|salvando'), MEDIUM, '"salvar" for save'],
  ['pt-excluir', 'pt-BR', words('excluir|excluíd[oa]s?|exclua|excluindo'), MEDIUM, '"excluir" for delete'],
  ['pt-sitio', 'pt-PT', words('sítios? web|sítio'), MEDIUM, '"sítio" for web site'],
  ['pt-voce', 'pt-BR', words('você|vocês'), MEDIUM, '"você" as the normal address'],
  ['pt-tu', 'pt-PT', words('tu|contigo|teus?|tuas?'), WEAK, '"tu" address'],
  ['pt-a-infinitivo', 'pt-PT', words('(?:est(?:ou|á|ás|amos|ão|ava|avam|ive|eve|ar)|a) a [\\p{L}]+[aei]r'), MEDIUM, '"(estar) a fazer" progressive'],
  ['pt-gerundio', 'pt-BR', words('(?:est(?:ou|á|ás|amos|ão|ava|avam|ive|eve|ar)|continua|fica) [\\p{L}]+(?:ando|endo|indo)'), MEDIUM, '"estar fazendo" progressive'],
  ['pt-gerundio-inicial', 'pt-BR', /^[\p{L}]+(?:ando|endo|indo)(?![\p{L}])/gu, MEDIUM, 'a message opening with a gerund ("Carregando…")'],
  ['pt-enclise', 'pt-PT', words('[\\p{L}]+-(?:se|me|te|lhe|lhes|nos|vos)'), WEAK, 'pronoun after the verb ("encontra-se")'],
  ['pt-proclise-inicial', 'pt-BR', /^(?:me|te|se|lhe|nos) [\p{L}]+/gu, MEDIUM, 'a sentence opening with a pronoun ("Me dá")'],
  ['pt-acento-agudo', 'pt-PT', /[\p{L}]*[éó][mn][aeiouáéíóú][\p{L}]*/gu, MEDIUM, 'é/ó before m/n ("económico", "género")'],
  ['pt-acento-circunflexo', 'pt-BR', /[\p{L}]*[êô][mn][aeiouáéíóú][\p{L}]*/gu, MEDIUM, 'ê/ô before m/n ("econômico", "gênero")'],
  ['pt-consoante-muda', 'pt-PT', words('actua(?:l|lizar|lização|lizações|lizad[oa]s?)|activ[oa]s?|activar|acç(?:ão|ões)|direcç(?:ão|ões)|selecç(?:ão|ões)|seleccionar|seleccionad[oa]s?|objectos?|efectuar|projectos?|correct[oa]s?|excepç(?:ão|ões)|óptim[oa]s?|colecç(?:ão|ões)|protecç(?:ão|ões)|recepç(?:ão|ões)|detect(?:ar|ad[oa]s?)|secç(?:ão|ões)'), MEDIUM, 'pre-1990 European spelling ("actual", "acção", "objecto")'],
  ['pt-secao', 'pt-BR', words('seç(?:ão|ões)'), MEDIUM, '"seção"'],
  ['pt-pequeno-almoco', 'pt-PT', words('pequeno-almoço|casa de banho|frigorífico|talho|rapariga|miúd[oa]s?|fixe|bué'), STRONG, 'European everyday words'],
  ['pt-cafe-da-manha', 'pt-BR', words('café da manhã|banheiro|geladeira|açougue|garot[oa]s?|legal demais|cara|moleque|a gente'), MEDIUM, 'Brazilian everyday words'],
];

const IZE_STEMS = 'organ|recogn|real|custom|initial|synchron|optim|minim|maxim|author|serial|deserial|normal|priorit|summar|categor|util|final|visual|special|standard|character|emphas|apolog|memor|critic|capital|local|global|central|personal|stabil|symbol|sanit|modern|legal|harmon|mobil|neutral|token|virtual|parameter|material|initial|favour|favor|colon|vandal|sympath|computer|digit|random|tokeni|lexic|ideal|fertil|steril|vapor|energ|general|legitim|familiar|monet|trivial|atom|anonym|privat|polar|rational|equal|human|industrial';

const EN: Row[] = [
  ['en-our', 'en-GB', words('(?:colour|favour|behaviour|honour|neighbour|labour|flavour|humour|harbour|rumour|savour|armour|endeavour|vigour|odour|parlour|splendour)(?:s|ed|ing|ite|ites|ful|able|ation)?'), STRONG, '"-our" spelling ("colour")'],
  ['en-or', 'en-US', words('(?:color|favor|behavior|honor|neighbor|labor|flavor|humor|harbor|rumor|savor|armor|endeavor|vigor|odor|parlor|splendor)(?:s|ed|ing|ite|ites|ful|able|ation)?'), STRONG, '"-or" spelling ("color")'],
  ['en-ise', 'en-GB', words(`(?:${IZE_STEMS})is(?:e|es|ed|ing|ation|ations|er|ers)|analys(?:e|es|ed|ing)|paralys(?:e|ed)|catalys(?:e|ed)`), STRONG, '"-ise" spelling ("organise")'],
  ['en-ize', 'en-US', words(`(?:${IZE_STEMS})iz(?:e|es|ed|ing|ation|ations|er|ers)|analyz(?:e|es|ed|ing)|paralyz(?:e|ed)|catalyz(?:e|ed)`), MEDIUM, '"-ize" spelling ("organize"; also Oxford British)'],
  ['en-re', 'en-GB', words('centres?|centred|metres?|litres?|theatres?|fibres?|calibres?|lustre|sombre|spectre|kilometres?|millimetres?|centimetres?'), STRONG, '"-re" spelling ("centre")'],
  ['en-er', 'en-US', words('centers?|centered|liters?|theaters?|fibers?|calibers?|luster|somber|specter|kilometers?|millimeters?|centimeters?'), STRONG, '"-er" spelling ("center")'],
  ['en-ll', 'en-GB', words('cancell(?:ed|ing)|travell(?:ed|ing|er|ers)|labell(?:ed|ing)|modell(?:ed|ing)|signall(?:ed|ing)|fuell(?:ed|ing)|levell(?:ed|ing)|marshall(?:ed|ing)|tunnell(?:ed|ing)|channell(?:ed|ing)|totall(?:ed|ing)|counsell(?:or|ing)|jewellery|woollen'), STRONG, 'doubled l ("cancelled")'],
  ['en-l', 'en-US', words('cancel(?:ed|ing)|travel(?:ed|ing|er|ers)|label(?:ed|ing)|model(?:ed|ing)|signal(?:ed|ing)|fuel(?:ed|ing)|level(?:ed|ing)|marshal(?:ed|ing)|tunnel(?:ed|ing)|channel(?:ed|ing)|total(?:ed|ing)|counsel(?:or|ing)|jewelry|woolen'), STRONG, 'single l ("canceled")'],
  ['en-ence', 'en-GB', words('licences?|defences?|offences?|pretences?'), STRONG, '"licence", "defence"'],
  ['en-ense', 'en-US', words('defenses?|offenses?|pretenses?'), MEDIUM, '"defense", "offense"'],
  ['en-ogue', 'en-GB', words('catalogues?|dialogues?|analogue|programmes?'), MEDIUM, '"catalogue", "dialogue", "programme"'],
  ['en-og', 'en-US', words('catalogs?|dialogs?|analog'), MEDIUM, '"catalog", "dialog", "analog"'],
  ['en-grey', 'en-GB', words('grey(?:s|ed|ish|scale)?|greyscale'), STRONG, '"grey"'],
  ['en-gray', 'en-US', words('gray(?:s|ed|ish|scale)?|grayscale'), STRONG, '"gray"'],
  ['en-whilst', 'en-GB', words('whilst|amongst|learnt|spelt|dreamt|burnt|fulfil|enrol|instalment|skilful|towards'), WEAK, '"whilst", "learnt", "fulfil"'],
  ['en-gotten', 'en-US', words('gotten|fulfill|enroll|installment|skillful|toward'), WEAK, '"gotten", "fulfill", "toward"'],
  ['en-gb-words', 'en-GB', words('mobile phone|lorry|petrol|pavement|postcode|rubbish|queue|flat|mum|holiday|autumn|cheque|tyres?|aluminium|maths|wastebasket|nappy|biscuits?|trainers|football pitch|bloody|mate|cheers|innit|whinge|quid|fortnight|uni'), MEDIUM, 'British everyday words'],
  ['en-us-words', 'en-US', words('cell phone|cellphone|truck|gasoline|sidewalk|zip code|trash|garbage|apartment|mom|vacation|checks?|tires?|aluminum|math|diaper|cookies|sneakers|y\'all|gonna|dude|bucks|soccer|semester|faucet|ass'), MEDIUM, 'American everyday words'],
];

const ES: Row[] = [
  ['es-vosotros', 'es-ES', words('vosotr[oa]s|os|vuestr[oa]s?'), STRONG, '"vosotros"'],
  ['es-ais', 'es-ES', words('[\\p{L}]+(?:áis|éis)|sois'), STRONG, 'second person plural verbs ("tenéis")'],
  ['es-ustedes', 'es-419', words('ustedes'), MEDIUM, '"ustedes" as the plural you'],
  ['es-voseo', 'es-419', words('vos|sos|tenés|podés|querés|sabés|hacés|decís|venís|andá|mirá|fijate|che'), STRONG, 'voseo ("vos tenés")'],
  ['es-ordenador', 'es-ES', words('ordenador(?:es)?|fichero(?:s)?|móvil(?:es)?|coche(?:s)?|conducir|zumo|patatas?|gafas|coger|guay|mola|vale, '), STRONG, 'Peninsular words ("ordenador", "móvil", "coche")'],
  ['es-computadora', 'es-419', words('computadoras?|computador(?:es)?|celular(?:es)?|carros?|jugo|anteojos|agarrar|ahorita|platicar|chévere|chamba|boludo|pibe|pinche|chido|güey|wey|bacán|parcero'), STRONG, 'American words ("computadora", "celular", "carro")'],
];

const FR: Row[] = [
  ['fr-courriel', 'fr-CA', words('courriels?|pourriels?'), WEAK, '"courriel" (Québec usage, also official in France)'],
  ['fr-clavarder', 'fr-CA', words('clavard(?:er|age)|baladodiffusion|balado|téléverser|téléversement|infolettres?'), STRONG, 'Québec terms ("clavarder", "téléverser")'],
  ['fr-email', 'fr-FR', words('e-mails?|mails?|mél|chatter|tchat|podcasts?|newsletters?|uploader'), STRONG, 'terms used in France ("e-mail", "tchat")'],
  ['fr-ca-words', 'fr-CA', words('magasiner|magasinage|fin de semaine|cellulaire|souper|présentement|stationnement|chum|tabarnak|câlice|ostie|pantoute|icitte|dépanneur|breuvage'), STRONG, 'Québec everyday words'],
  ['fr-fr-words', 'fr-FR', words('week-end|parking|shopping|petit-déjeuner|mec|meuf|relou|bagnole|boulot'), MEDIUM, 'words used in France'],
  ['fr-espace-ponctuation', 'fr-FR', /[\p{L}\p{N}][ \u00a0\u202f][!?]/gu, WEAK, 'space before ! and ? (French typography)'],
  ['fr-ponctuation-collee', 'fr-CA', /[\p{L}][!?](?=\s|$)/gu, WEAK, 'no space before ! and ? (Québec typography)'],
];

function build(language: VariantPair, rows: Row[]): Cue[] {
  return rows.map(([id, variant, pattern, weight, note]) => ({ id, language, variant, pattern, weight, note }));
}

export const CUES: Record<VariantPair, readonly Cue[]> = {
  pt: build('pt', PT),
  en: build('en', EN),
  es: build('es', ES),
  fr: build('fr', FR),
};
