import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Node configuration, read once from the environment at start and validated: a typo in a variable is a clear
 * start-up error, not a surprise at 3 a.m. Every variable is listed in `.env.example`.
 */
export type NodeRole = 'agency' | 'hub';

export interface Config {
  port: number;
  host: string;
  role: NodeRole;
  dataDir: string;
  /** PostgreSQL connection string; absent means the embedded SQLite database under dataDir. */
  databaseUrl: string | undefined;
  /** Base64 of 32 bytes; absent means the key file in dataDir (generated on first start). */
  masterKey: string | undefined;
  publicUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionIdleMinutes: number;
  trustProxy: boolean;
  bodyLimitBytes: number;
  /** Hub role: sustained signed requests per minute per member agency (bursts up to as many); 0 = no limit. */
  hubRequestsPerMinute: number;
  /** Demo mode allows well-known demo passwords; never set in production. */
  demo: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads NAME, or the contents of the file named by NAME_FILE (for secrets mounted by an orchestrator). */
function secret(env: Env, name: string, problems: string[]): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) {
    problems.push(`${name} and ${name}_FILE are both set; set only one`);
    return undefined;
  }
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }
  return direct?.trim() || undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function flag(env: Env, name: string, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return false;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return false;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ConfigOverrides {
  port?: number;
  host?: string;
  role?: NodeRole;
  dataDir?: string;
}

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const problems: string[] = [];

  const role = overrides.role ?? env.TESSERA_ROLE ?? 'agency';
  if (role !== 'agency' && role !== 'hub') problems.push(`TESSERA_ROLE must be agency or hub (got "${role}")`);

  const logLevel = (env.TESSERA_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`TESSERA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const databaseUrl = secret(env, 'DATABASE_URL', problems);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const masterKey = secret(env, 'TESSERA_MASTER_KEY', problems);
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    problems.push('TESSERA_MASTER_KEY must be 32 bytes in base64 (generate one with: openssl rand -base64 32)');
  }

  const publicUrl = env.TESSERA_PUBLIC_URL?.trim() || undefined;
  if (publicUrl) {
    try {
      const u = new URL(publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      problems.push(`TESSERA_PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);
    }
  }

  const config: Config = {
    port: overrides.port ?? integer(env, 'PORT', 8080, 0, 65535, problems),
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    role: role as NodeRole,
    dataDir: path.resolve(overrides.dataDir ?? env.TESSERA_DATA_DIR ?? './data'),
    databaseUrl,
    masterKey,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    logLevel,
    sessionIdleMinutes: integer(env, 'TESSERA_SESSION_IDLE_MINUTES', 30, 1, 24 * 60, problems),
    trustProxy: flag(env, 'TESSERA_TRUST_PROXY', problems),
    bodyLimitBytes: integer(env, 'TESSERA_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024, problems),
    hubRequestsPerMinute: integer(env, 'TESSERA_HUB_REQUESTS_PER_MINUTE', 6000, 0, 10_000_000, problems),
    demo: flag(env, 'TESSERA_DEMO', problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
