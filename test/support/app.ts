import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import { ephemeralMasterKey } from '../../src/exchange/crypto/master-key.js';
import { systemActor } from '../../src/identity/actor.js';
import type { Role } from '../../src/identity/roles.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/server/services.js';
import type { Dialect } from '../../src/store/database.js';
import { createTestStore, type TestStore } from './stores.js';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A signed-in user as a test sees them: inject() that carries their cookie and CSRF token, or their API token. */
export interface TestUser {
  id: string;
  username: string;
  agencyId: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  store: TestStore;
  config: Config;
  agency(name?: string, country?: string): Promise<string>;
  /** Creates a user and signs them in with a session (or a Bearer token with `via: 'token'`). */
  user(agencyId: string, roles: Role[], options?: { via?: 'session' | 'token'; username?: string }): Promise<TestUser>;
  close(): Promise<void>;
}

let seq = 0;

export async function createTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const store = await createTestStore(dialect);
  const config = loadConfig({ TESSERA_DATA_DIR: store.dataDir, TESSERA_LOG_LEVEL: 'silent', ...env });
  const services = createServices({ db: store.db, dialect, config, masterKey: ephemeralMasterKey() });
  const app = await buildApp({ services, webDir: '/nonexistent' });
  await app.ready();
  const system = { actor: systemActor('test') };

  return {
    app,
    services,
    store,
    config,
    async agency(name = `Agency ${++seq}`, country = 'PT') {
      return (await services.agencies.create(system, { name, country })).id;
    },
    async user(agencyId, roles, options = {}) {
      const username = options.username ?? `user${++seq}`;
      const user = await services.users.create(system, { agencyId, username, roles, password: TEST_PASSWORD });
      if (options.via === 'token') {
        const token = (await services.auth.createToken(system, user.id, 'test')).token;
        return {
          id: user.id,
          username,
          agencyId,
          request: (o) => app.inject({ ...o, headers: { ...o.headers, authorization: `Bearer ${token}` } }),
        };
      }
      const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: TEST_PASSWORD } });
      if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
      const cookies = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const csrf = login.json().csrfToken as string;
      return {
        id: user.id,
        username,
        agencyId,
        request: (o) => app.inject({ ...o, headers: { cookie: cookies, 'x-csrf-token': csrf, ...o.headers } }),
      };
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}
