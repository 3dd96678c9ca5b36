import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { newId } from '../store/ids.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerWebApp } from './plugins/web.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { caseRoutes } from './routes/cases.js';
import { networkRoutes } from './routes/exchange-network.js';
import { hubAdminRoutes } from './routes/hub-admin.js';
import { hubRoutes } from './routes/hub.js';
import { graphRoutes } from './routes/graph.js';
import { healthRoutes } from './routes/health.js';
import { hitRoutes } from './routes/hits.js';
import { hubMatchingAdminRoutes, hubMatchingRoutes } from './routes/hub-matching.js';
import { interopRoutes } from './routes/interop.js';
import { locationRoutes } from './routes/location.js';
import { meRoutes } from './routes/me.js';
import { messageRoutes } from './routes/messages.js';
import { postImportRoutes, recordRoutes } from './routes/records.js';
import { selectorRoutes } from './routes/selectors.js';
import { sessionRoutes } from './routes/session.js';
import { setupRoutes } from './routes/setup.js';
import { hashSetRoutes } from './routes/hashsets.js';
import { ingestRoutes } from './routes/ingest.js';
import { mediaRoutes } from './routes/media.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { seriesRoutes } from './routes/series.js';
import { victimRoutes } from './routes/victims.js';
import type { Services } from './services.js';

export interface AppOptions {
  services: Services;
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** Where the built web app lives (default dist/web). */
  webDir?: string;
}

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.totp',
];

export function loggerOptions(level: string) {
  return { level, redact: { paths: REDACT, censor: '[redacted]' } };
}

/**
 * Request bodies are validated strictly (wrong types and unknown fields are errors); query strings and path parameters
 * arrive as text, so they are coerced to the declared types.
 */
function validatorCompiler() {
  const strict = addFormats.default(new Ajv.default({ allErrors: false, removeAdditional: false, coerceTypes: false, useDefaults: true, strict: false }));
  const coercing = addFormats.default(new Ajv.default({ allErrors: false, removeAdditional: false, coerceTypes: 'array', useDefaults: true, strict: false }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const { config } = services;
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : newId();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler());
  registerErrorHandling(app);
  registerSecurityHeaders(app);
  await app.register(fastifyCookie);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera API',
        version: '1',
        description:
          'Sign in with POST /api/v1/session (cookie + CSRF token) or send a personal API token as `Authorization: Bearer tsr_…`. ' +
          'Errors are RFC 9457 problem+json documents.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'tessera_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  registerAuth(app, services);
  await app.register(healthRoutes, { services });
  await app.register(
    async (api) => {
      await api.register(setupRoutes, { services });
      await api.register(sessionRoutes, { services });
      await api.register(meRoutes, { services });
      await api.register(adminRoutes, { services });
      await api.register(caseRoutes, { services });
      await api.register(auditRoutes, { services });
      await api.register(messageRoutes, { services });
      await api.register(networkRoutes, { services });
      if (config.role === 'hub') await api.register(hubAdminRoutes, { services });
      await api.register(hitRoutes, { services });
      if (config.role === 'hub') await api.register(hubMatchingAdminRoutes, { services });
      await api.register(recordRoutes, { services });
      await api.register(postImportRoutes, { services });
      await api.register(selectorRoutes, { services });
      await api.register(graphRoutes, { services });
      await api.register(interopRoutes, { services });
      await api.register(mediaRoutes, { services });
      await api.register(ingestRoutes, { services });
      await api.register(hashSetRoutes, { services });
      await api.register(locationRoutes, { services });
      await api.register(seriesRoutes, { services });
      await api.register(victimRoutes, { services });
      await api.register(dashboardRoutes, { services });
    },
    { prefix: '/api/v1' },
  );
  // The node-to-hub protocol: authenticated by node signatures, not by user sessions, so outside /api/v1.
  if (config.role === 'hub') await app.register(hubRoutes, { services, prefix: '/hub/v1' });
  if (config.role === 'hub') await app.register(hubMatchingRoutes, { services, prefix: '/hub/v1/match' });
  await registerWebApp(app, options.webDir);
  return app;
}
