import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { ClueListQuerySchema, CluePatchSchema, ClueSchema, NewClueSchema, ShareCluesSchema } from '../../cases/clues-schemas.js';
import { HistoryEventSchema } from '../../cases/series-schemas.js';
import { NewVictimSchema, VictimListQuerySchema, VictimPatchSchema, VictimSchema, VictimStatusBodySchema } from '../../cases/victims-schemas.js';
import type { RouteAccess } from '../plugins/auth.js';
import { commonErrors } from '../problem.js';
import type { Services } from '../services.js';

const read: RouteAccess = { kind: 'case', permission: 'case.read', param: 'id' };
const contribute: RouteAccess = { kind: 'case', permission: 'case.contribute', param: 'id' };
const CaseParams = Type.Object({ id: Id });
const VictimParams = Type.Object({ id: Id, victimId: Id });
const ClueParams = Type.Object({ id: Id, clueId: Id });
const Binary = Type.Unsafe<unknown>({ type: 'string', format: 'binary' });

/** Victims of a case (pseudonymous) and identification clues on its pictures (issue 9). */
export const victimRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { victims, clues } = services;
  const tags = ['victims'];

  app.get(
    '/cases/:id/victims',
    { config: { access: read }, schema: { tags, summary: 'Victims of the case (pseudonyms; a local name only for the agency that recorded it)', params: CaseParams, querystring: VictimListQuerySchema, response: { 200: Type.Object({ items: Type.Array(VictimSchema) }), ...commonErrors } } },
    async (request) => ({ items: await victims.list(request.ctx(), request.params.id, request.query) }),
  );

  app.post(
    '/cases/:id/victims',
    { config: { access: contribute }, schema: { tags, summary: 'Record a victim (victim-ID specialists), linked to series', params: CaseParams, body: NewVictimSchema, response: { 201: VictimSchema, ...commonErrors } } },
    async (request, reply) => reply.code(201).send(await victims.create(request.ctx(), request.params.id, request.body)),
  );

  app.get(
    '/cases/:id/victims/:victimId',
    { config: { access: read }, schema: { tags, summary: 'One victim record', params: VictimParams, response: { 200: VictimSchema, ...commonErrors } } },
    async (request) => victims.get(request.ctx(), request.params.id, request.params.victimId),
  );

  app.patch(
    '/cases/:id/victims/:victimId',
    { config: { access: contribute }, schema: { tags, summary: 'Notes, country, linked series, local name', params: VictimParams, body: VictimPatchSchema, response: { 200: VictimSchema, ...commonErrors } } },
    async (request) => victims.update(request.ctx(), request.params.id, request.params.victimId, request.body),
  );

  app.post(
    '/cases/:id/victims/:victimId/status',
    {
      config: { access: contribute },
      schema: { tags, summary: 'unidentified → identified → safeguarded (going back is a correction and needs a reason)', params: VictimParams, body: VictimStatusBodySchema, response: { 200: VictimSchema, ...commonErrors } },
    },
    async (request) => victims.setStatus(request.ctx(), request.params.id, request.params.victimId, request.body),
  );

  app.get(
    '/cases/:id/victims/:victimId/history',
    { config: { access: read }, schema: { tags, summary: 'Every change of the victim record (names are never in it)', params: VictimParams, response: { 200: Type.Object({ items: Type.Array(HistoryEventSchema) }), ...commonErrors } } },
    async (request) => ({ items: await victims.history(request.ctx(), request.params.id, request.params.victimId) }),
  );

  const clueTags = ['clues'];

  app.get(
    '/cases/:id/clues',
    { config: { access: read }, schema: { tags: clueTags, summary: 'Identification clues of the case, of one picture or of one series', params: CaseParams, querystring: ClueListQuerySchema, response: { 200: Type.Object({ items: Type.Array(ClueSchema) }), ...commonErrors } } },
    async (request) => ({ items: await clues.list(request.ctx(), request.params.id, request.query) }),
  );

  app.post(
    '/cases/:id/media/:mediaId/clues',
    {
      config: { access: contribute },
      schema: { tags: clueTags, summary: 'Mark a clue on a picture: its kind, a label, notes and the region (cropped and stored encrypted)', params: Type.Object({ id: Id, mediaId: Id }), body: NewClueSchema, response: { 201: ClueSchema, ...commonErrors } },
    },
    async (request, reply) => reply.code(201).send(await clues.create(request.ctx(), request.params.id, request.params.mediaId, request.body)),
  );

  app.post(
    '/cases/:id/clues/share',
    {
      config: { access: contribute },
      schema: { tags: clueTags, summary: 'Send the crops of shareable clues (never the pictures) to other agencies in a sealed message', params: CaseParams, body: ShareCluesSchema, response: { 200: Type.Object({ messageId: Id }), ...commonErrors } },
    },
    async (request) => clues.share(request.ctx(), request.params.id, request.body),
  );

  app.patch(
    '/cases/:id/clues/:clueId',
    { config: { access: contribute }, schema: { tags: clueTags, summary: 'Change a clue’s kind, label, notes or whether its crop may be shared', params: ClueParams, body: CluePatchSchema, response: { 200: ClueSchema, ...commonErrors } } },
    async (request) => clues.update(request.ctx(), request.params.id, request.params.clueId, request.body),
  );

  app.delete(
    '/cases/:id/clues/:clueId',
    { config: { access: contribute }, schema: { tags: clueTags, summary: 'Delete a clue', params: ClueParams, response: { 204: Type.Null(), ...commonErrors } } },
    async (request, reply) => {
      await clues.remove(request.ctx(), request.params.id, request.params.clueId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/cases/:id/clues/:clueId/crop',
    { config: { access: read }, schema: { tags: clueTags, summary: 'The clue’s crop (JPEG; the web app blurs it until revealed)', params: ClueParams, response: { 200: Binary, ...commonErrors } } },
    async (request, reply) => {
      const bytes = await clues.crop(request.ctx(), request.params.id, request.params.clueId);
      return reply.type('image/jpeg').header('cross-origin-resource-policy', 'same-origin').send(bytes);
    },
  );
};
