import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PreferencesSchema } from '../../identity/preferences.js';
import { commonErrors } from '../problem.js';
import { CSRF_COOKIE } from '../plugins/auth.js';
import { ApiTokenSchema, Empty, IdParams, MeSchema, Password } from '../schemas.js';
import type { Services } from '../services.js';
import { meOf } from './session.js';

const tags = ['me'];

/** The signed-in user's own things: profile, wellness preferences, API tokens, second factor. */
export const meRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/me',
    { config: { access: { kind: 'user' } }, schema: { tags, summary: 'Who am I', response: { 200: MeSchema, ...commonErrors } } },
    async (request) => meOf(services, request.ctx().actor.userId, request.sessionId ? request.cookies[CSRF_COOKIE] : undefined),
  );

  app.put(
    '/me/preferences',
    {
      config: { access: { kind: 'user' } },
      schema: { tags, summary: 'Set my wellness preferences', body: PreferencesSchema, response: { 200: PreferencesSchema, ...commonErrors } },
    },
    async (request) => services.users.setPreferences(request.ctx(), request.ctx().actor.userId, request.body),
  );

  app.get(
    '/me/tokens',
    { config: { access: { kind: 'user' } }, schema: { tags, summary: 'My API tokens', response: { 200: Type.Array(ApiTokenSchema), ...commonErrors } } },
    async (request) => services.auth.listTokens(request.ctx().actor.userId),
  );

  app.post(
    '/me/tokens',
    {
      // A token cannot mint more tokens: a leaked one stays one.
      config: { access: { kind: 'user', sessionOnly: true } },
      schema: {
        tags,
        summary: 'Create an API token (shown once)',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ ...ApiTokenSchema.properties, token: Type.String() }), ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await services.auth.createToken(request.ctx(), request.ctx().actor.userId, request.body.name)),
  );

  app.delete(
    '/me/tokens/:id',
    {
      config: { access: { kind: 'user' } },
      schema: { tags, summary: 'Revoke one of my API tokens', params: IdParams, response: { 204: Empty, ...commonErrors } },
    },
    async (request, reply) => {
      await services.auth.revokeToken(request.ctx(), request.ctx().actor.userId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/me/totp',
    {
      config: { access: { kind: 'user', sessionOnly: true } },
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app: returns the QR code and the manual key',
        response: { 200: Type.Object({ uri: Type.String(), qrSvg: Type.String(), manualKey: Type.String() }), ...commonErrors },
      },
    },
    async (request) => services.auth.beginTotp(request.ctx(), request.ctx().actor.userId),
  );

  app.post(
    '/me/totp/confirm',
    {
      config: { access: { kind: 'user', sessionOnly: true } },
      schema: {
        tags,
        summary: 'Confirm enrolment with a first code; returns recovery codes (shown once)',
        body: Type.Object({ code: Type.String({ minLength: 6, maxLength: 6 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...commonErrors },
      },
    },
    async (request) => services.auth.confirmTotp(request.ctx(), request.ctx().actor.userId, request.body.code),
  );

  app.delete(
    '/me/totp',
    {
      config: { access: { kind: 'user', sessionOnly: true } },
      schema: {
        tags,
        summary: 'Switch the second factor off (needs the password)',
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 204: Empty, ...commonErrors },
      },
    },
    async (request, reply) => {
      await services.auth.disableTotp(request.ctx(), request.ctx().actor.userId, request.body.password);
      return reply.code(204).send(null);
    },
  );
};
