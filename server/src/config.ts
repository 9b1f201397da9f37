import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isValidTimeZone } from '@memberloop/shared';

/**
 * SMS providers built into this server, by the name MESSAGING_SMS_PROVIDER takes. The messaging module has one
 * implementation per name (its type makes it so); `dev` sends nothing and records each message in sms_messages.
 */
export const SMS_PROVIDER_NAMES = ['dev'] as const;
export type SmsProviderName = (typeof SMS_PROVIDER_NAMES)[number];

/** Every environment variable the server reads, with its default; validated once at start. */
const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  DATA_DIR: Type.String({ minLength: 1, default: './.data' }),
  PGLITE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  MEMBER_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 90 * 86400, default: 7 * 86400 }),
  STAFF_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 30 * 86400, default: 12 * 3600 }),
  WECHAT_API_BASE_URL: Type.String({ pattern: '^https?://[^\\s]+$', default: 'https://api.weixin.qq.com' }),
  WECHAT_APP_ID: Type.String({ pattern: '^wx[0-9a-f]{16}$', default: 'wx0000000000000001' }),
  WECHAT_APP_SECRET: Type.String({ minLength: 1, default: 'dev-app-secret-change-me' }),
  WECHAT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 5000 }),
  WECHAT_CODE_ENV_VERSION: Type.Union([Type.Literal('release'), Type.Literal('trial'), Type.Literal('develop')], {
    default: 'release',
  }),
  DEFAULT_TIME_ZONE: Type.String({ default: 'Asia/Shanghai' }),
  CORS_ORIGINS: Type.String({ default: '*', description: 'comma-separated origins, or *' }),
  MINIAPP_H5_DIR: Type.Optional(Type.String({ minLength: 1, description: 'serve this H5 build at /h5/' })),
  DEMO_SEED: Type.Boolean({ default: false }),
  JOBS_ENABLED: Type.Boolean({ default: true, description: 'run the scheduled jobs (points expiry, tier evaluation, …) in this process' }),
  // the message sender (modules/messaging); the defaults are its MESSAGING_DEFAULTS
  MESSAGING_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'outbox rows claimed per transaction' }),
  MESSAGING_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 1000, description: 'how long an idle sender loop waits before looking again' }),
  MESSAGING_WORKERS: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'sender loops in this process (when JOBS_ENABLED)' }),
  MESSAGING_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'failed sends before a message is dead' }),
  MESSAGING_BACKOFF_BASE_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 60_000, description: 'first retry after this long, doubling' }),
  MESSAGING_BACKOFF_MAX_MS: Type.Integer({ minimum: 1000, maximum: 7 * 86_400_000, default: 3_600_000, description: 'longest wait between retries' }),
  MESSAGING_CALL_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 16, description: 'WeChat / SMS gateway calls in flight per batch' }),
  MESSAGING_SMS_PROVIDER: Type.String({ default: 'dev', description: `SMS provider of brands that have not chosen one: ${SMS_PROVIDER_NAMES.join(', ')}` }),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  database: { url: string; poolSize: number } | { pgliteDir: string };
  jwt: { secret: string; memberTtlSeconds: number; staffTtlSeconds: number };
  wechat: { baseUrl: string; appId: string; appSecret: string; timeoutMs: number; codeEnvVersion: Env['WECHAT_CODE_ENV_VERSION'] };
  defaultTimeZone: string;
  corsOrigins: '*' | string[];
  miniappH5Dir?: string;
  demoSeed: boolean;
  jobsEnabled: boolean;
  messaging: {
    batchSize: number;
    pollIntervalMs: number;
    workers: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    callConcurrency: number;
    /** the SMS provider of brands whose messaging settings name none */
    smsProvider: SmsProviderName;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

/** Reads the config from environment variables; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    const value = source[name];
    if (value === undefined || value === '') continue;
    if (schema.type === 'integer') {
      raw[name] = /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    } else if (schema.type === 'boolean') {
      const word = BOOLEAN_WORDS[value.trim().toLowerCase()];
      raw[name] = word ?? value;
    } else {
      raw[name] = value;
    }
  }
  const env = Value.Default(EnvSchema, raw) as Env;
  for (const error of Value.Errors(EnvSchema, env)) {
    const name = error.path.replace(/^\//, '');
    const shown = name.includes('SECRET') ? '(hidden)' : JSON.stringify(source[name]);
    problems.push(`${name} ${describe(error.schema as Parameters<typeof describe>[0], error.message)} (got ${shown})`);
  }
  // an unknown provider is named with the others, not left to a log line once the server runs
  if (typeof env.MESSAGING_SMS_PROVIDER === 'string' && !(SMS_PROVIDER_NAMES as readonly string[]).includes(env.MESSAGING_SMS_PROVIDER)) {
    problems.push(`MESSAGING_SMS_PROVIDER must be one of the SMS providers built into this server: ${SMS_PROVIDER_NAMES.join(', ')} (got "${env.MESSAGING_SMS_PROVIDER}")`);
  }
  if (problems.length === 0) {
    if (!isValidTimeZone(env.DEFAULT_TIME_ZONE)) problems.push(`DEFAULT_TIME_ZONE is not an IANA time zone (got "${env.DEFAULT_TIME_ZONE}")`);
    if (env.NODE_ENV === 'production') {
      if (!env.JWT_SECRET) problems.push('JWT_SECRET is required in production (at least 32 characters)');
      if (!source.WECHAT_APP_ID || !source.WECHAT_APP_SECRET) {
        problems.push('WECHAT_APP_ID and WECHAT_APP_SECRET are required in production');
      }
    }
    if (env.MESSAGING_BACKOFF_MAX_MS < env.MESSAGING_BACKOFF_BASE_MS) {
      problems.push(`MESSAGING_BACKOFF_MAX_MS must be at least MESSAGING_BACKOFF_BASE_MS (got ${env.MESSAGING_BACKOFF_MAX_MS} < ${env.MESSAGING_BACKOFF_BASE_MS})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    dataDir,
    database: env.DATABASE_URL
      ? { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { pgliteDir: path.resolve(env.PGLITE_DIR ?? path.join(dataDir, 'pglite')) },
    jwt: {
      secret: env.JWT_SECRET ?? developmentJwtSecret(dataDir),
      memberTtlSeconds: env.MEMBER_TOKEN_TTL_SECONDS,
      staffTtlSeconds: env.STAFF_TOKEN_TTL_SECONDS,
    },
    wechat: {
      baseUrl: env.WECHAT_API_BASE_URL.replace(/\/+$/, ''),
      appId: env.WECHAT_APP_ID,
      appSecret: env.WECHAT_APP_SECRET,
      timeoutMs: env.WECHAT_TIMEOUT_MS,
      codeEnvVersion: env.WECHAT_CODE_ENV_VERSION,
    },
    defaultTimeZone: env.DEFAULT_TIME_ZONE,
    corsOrigins: env.CORS_ORIGINS.trim() === '*' ? '*' : env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    miniappH5Dir: env.MINIAPP_H5_DIR ? path.resolve(env.MINIAPP_H5_DIR) : undefined,
    demoSeed: env.DEMO_SEED,
    jobsEnabled: env.JOBS_ENABLED,
    messaging: {
      batchSize: env.MESSAGING_BATCH_SIZE,
      pollIntervalMs: env.MESSAGING_POLL_INTERVAL_MS,
      workers: env.MESSAGING_WORKERS,
      maxAttempts: env.MESSAGING_MAX_ATTEMPTS,
      backoffBaseMs: env.MESSAGING_BACKOFF_BASE_MS,
      backoffMaxMs: env.MESSAGING_BACKOFF_MAX_MS,
      callConcurrency: env.MESSAGING_CALL_CONCURRENCY,
      smsProvider: env.MESSAGING_SMS_PROVIDER as SmsProviderName,
    },
  };
}

function describe(
  schema: { type?: unknown; minimum?: number; maximum?: number; minLength?: number; pattern?: string; anyOf?: { const?: unknown }[] },
  fallback: string,
): string {
  if (schema.anyOf) return `must be one of ${schema.anyOf.map((option) => option.const).join(', ')}`;
  if (schema.type === 'integer') return `must be an integer from ${schema.minimum} to ${schema.maximum}`;
  if (schema.type === 'boolean') return 'must be true or false';
  if (schema.pattern) return `must match ${schema.pattern}`;
  if (schema.minLength) return `must be at least ${schema.minLength} characters`;
  return fallback.toLowerCase();
}

/** Outside production a missing JWT_SECRET is generated once and kept in DATA_DIR, so tokens survive restarts. */
function developmentJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
