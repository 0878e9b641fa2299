// Configuration, read and checked once at start; every variable is listed in .env.example.
import { resolve } from 'node:path';
import { DEFAULT_RULES, type DisclosureRules } from './disclosure/disclose.ts';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL URL; without it the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The district served when a request names none (Kreisschlüssel). */
  readonly district: string;
  readonly uploadLimitBytes: number;
  readonly disclosure: DisclosureRules;
  readonly logLevel: string;
  readonly sessions: {
    /** A session not used for this long ends. */
    readonly idleMinutes: number;
    /** A session ends this long after the login, used or not. */
    readonly maxHours: number;
  };
  readonly login: {
    /** Failed logins within `windowMinutes` after which further attempts are refused. */
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerSource: number;
    readonly windowMinutes: number;
  };
  /** Requests per address and minute (plugins/rate-limit.ts); 0 = no limit. */
  readonly rateLimits: {
    readonly figures: number;
    readonly uploads: number;
  };
  /** Origins (https://host[:port]) whose pages may frame the embed pages (/einbetten/…). */
  readonly embedOrigins: readonly string[];
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  readonly trustProxy: boolean;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function decimal(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

/** EMBED_ORIGINS: origins separated by commas or spaces, each scheme, host and port only. */
export function embedOrigins(raw: string | undefined): readonly string[] {
  const values = (raw ?? '').split(/[\s,]+/).filter((value) => value !== '');
  for (const value of values) {
    if (!/^https?:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(value)) {
      throw new ConfigError(
        `EMBED_ORIGINS: "${value}" ist kein Ursprung der Form https://host[:port] / is not an origin of the form https://host[:port] (no path, no trailing slash, no wildcard).`,
      );
    }
  }
  return Object.freeze(values.map((value) => value.toLowerCase()));
}

/** The district without DISTRICT: Ludwigsburg, whose demonstration data `npm start` loads. */
export const DEFAULT_DISTRICT = '08118';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const district = env.DISTRICT || DEFAULT_DISTRICT;
  if (!/^\d{5}$/.test(district)) {
    throw new ConfigError(
      `DISTRICT must be a five-digit district key (Kreisschlüssel), got "${district}".`,
    );
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://.');
  }
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.DATA_DIR || './data'),
    district,
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_MB', 200, 1, 10_000) * 1024 * 1024,
    disclosure: Object.freeze({
      k: integer(env, 'DISCLOSURE_K', DEFAULT_RULES.k, 3, 1000),
      minDenominator: integer(
        env,
        'DISCLOSURE_MIN_DENOMINATOR',
        DEFAULT_RULES.minDenominator,
        1,
        100_000,
      ),
      protectionWidth: integer(
        env,
        'DISCLOSURE_PROTECTION_WIDTH',
        DEFAULT_RULES.protectionWidth,
        1,
        100,
      ),
      cellKey: Object.freeze({
        maxDeviation: integer(
          env,
          'DISCLOSURE_MAX_DEVIATION',
          DEFAULT_RULES.cellKey.maxDeviation,
          2,
          20,
        ),
        variance: decimal(env, 'DISCLOSURE_VARIANCE', DEFAULT_RULES.cellKey.variance, 0.25, 10),
      }),
    }),
    logLevel: env.LOG_LEVEL || 'info',
    sessions: Object.freeze({
      idleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60, 1, 24 * 60),
      maxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30),
    }),
    login: Object.freeze({
      maxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
      maxFailuresPerSource: integer(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 20, 1, 10_000),
      windowMinutes: integer(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    }),
    rateLimits: Object.freeze({
      figures: integer(env, 'RATE_LIMIT_FIGURES_PER_MINUTE', 1200, 0, 1_000_000),
      uploads: integer(env, 'RATE_LIMIT_UPLOADS_PER_MINUTE', 30, 0, 10_000),
    }),
    embedOrigins: embedOrigins(env.EMBED_ORIGINS),
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
  });
}
