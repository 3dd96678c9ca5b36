import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to an agency node on port 8080 with SQLite under ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, role: 'agency', databaseUrl: undefined, sessionIdleMinutes: 30 });
    expect(config.dataDir).toBe(path.resolve('./data'));
  });

  it('reports every problem at once', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', TESSERA_ROLE: 'king', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(3);
    }
  });

  it('reads secrets from *_FILE variables', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-config-'));
    const file = path.join(dir, 'key');
    const key = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(file, `${key}\n`);
    expect(loadConfig({ TESSERA_MASTER_KEY_FILE: file }).masterKey).toBe(key);
  });

  it('refuses a master key of the wrong length and both forms of one secret', () => {
    expect(() => loadConfig({ TESSERA_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://a', DATABASE_URL_FILE: '/x' })).toThrow(/both set/);
  });

  it('lets command-line flags override the environment', () => {
    expect(loadConfig({ PORT: '9000' }, { port: 9100, role: 'hub' })).toMatchObject({ port: 9100, role: 'hub' });
  });
});
