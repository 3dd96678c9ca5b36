/**
 * A sample location assessment for demos: neutral synthetic posts of one forum identity (ordinary chatter about
 * software, in European Portuguese, posted on a Lisbon office routine) imported into a case, and an assessment of
 * that identity with one analyst clue. Nothing here resembles real case content.
 */
import type { RequestContext } from '../identity/context.js';
import type { PostImportService } from '../intel/posts/import-service.js';
import type { RecordService } from '../intel/records/record-service.js';
import { DEFAULT_ACTIVITY_PARAMS } from './activity-offsets.js';
import type { AssessmentView } from './assessment-schemas.js';
import type { LocationAssessmentService } from './assessment-service.js';
import { syntheticTimes } from './synthetic-activity.js';
import { zoneOffsetAt } from './time-zones.js';

export const DEMO_HANDLE = 'demo_handle_01@forum.example';

const TEXTS = [
  'Já atualizei o ficheiro de configuração, experimentem outra vez.',
  'O utilizador novo não consegue aceder ao ecrã de registo.',
  'A minha equipa está a testar a versão nova esta semana.',
  'Obrigado pela ajuda, de facto era um problema de permissões.',
  'Vou estar a trabalhar nisso durante a tarde.',
  'Alguém sabe onde está a documentação do servidor?',
];

/** Local time with the zone's offset of the day, as forum software prints it. */
function localIso(zone: string, unix: number): string {
  const offset = zoneOffsetAt(zone, unix);
  const wall = new Date((unix + offset * 60) * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

async function* once(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

/** Imports the demo identity's posts into the case and assesses it; `ctx` needs contribute access to the case. */
export async function seedDemoAssessment(
  services: { postImports: Pick<PostImportService, 'importStream'>; records: Pick<RecordService, 'list'>; locationAssessments: Pick<LocationAssessmentService, 'create'> },
  ctx: RequestContext,
  caseId: string,
  options: { from?: Date; days?: number } = {},
): Promise<AssessmentView> {
  const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;
  const from = (options.from ?? new Date(Date.UTC(new Date().getUTCFullYear() - 1, 1, 1))).getTime() / 1000;
  const times = syntheticTimes({ zone: 'Europe/Lisbon', from, days: options.days ?? 150, perDay: 1.5, hourOfWeek: office, seed: 2024 });
  const author = DEMO_HANDLE.split('@')[0]!;
  const lines = times.map((t, i) => JSON.stringify({ author, time: localIso('Europe/Lisbon', t), text: TEXTS[i % TEXTS.length] })).join('\n');
  await services.postImports.importStream(ctx, caseId, once(lines), { fileName: 'demo-forum.jsonl', platform: 'forum.example', handlingCode: 'TLP:AMBER', dataSubject: 'suspect' });
  const identities = await services.records.list(ctx, caseId, { kind: 'online-identity', limit: 500, offset: 0 });
  const identity = identities.items.find((r) => r.subject === DEMO_HANDLE);
  if (!identity) throw new Error(`the demo posts did not create ${DEMO_HANDLE}`);
  return services.locationAssessments.create(ctx, caseId, {
    subject: { type: 'identity', identityId: identity.id },
    title: `Location of ${DEMO_HANDLE} (demo)`,
    items: [{ kind: 'clue', text: 'Type F wall socket visible in a screenshot', countries: ['PT', 'ES', 'FR', 'DE', 'NL', 'BE'], confidence: 0.6 }],
  });
}
