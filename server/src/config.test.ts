import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { MESSAGING_DEFAULTS } from './modules/messaging';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('config', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'memberloop-config-'));

  it('has defaults that start the system on the embedded database', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ pgliteDir: path.join(dataDir, 'pglite') });
    expect(config.wechat.baseUrl).toBe('https://api.weixin.qq.com');
    expect(config.corsOrigins).toBe('*');
    expect(config.demoSeed).toBe(false);
  });

  it('uses a real PostgreSQL server when DATABASE_URL is set, and reads typed values', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      PORT: '8080',
      DEMO_SEED: 'yes',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      WECHAT_API_BASE_URL: 'http://127.0.0.1:3100/',
      PGLITE_DIR: '/ignored',
    });
    expect(config.database).toEqual({ url: 'postgres://u@127.0.0.1:5432/db', poolSize: 10 });
    expect(config.port).toBe(8080);
    expect(config.demoSeed).toBe(true);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.wechat.baseUrl).toBe('http://127.0.0.1:3100');
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({ DATA_DIR: dataDir, PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DEMO_SEED: 'maybe', JWT_SECRET: 'short' });
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('PORT '))).toMatch(/integer from 0 to 65535.*"eighty"/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL '))).toContain('mysql://x');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL '))).toMatch(/one of fatal, error/);
    expect(problems.find((p) => p.startsWith('DEMO_SEED '))).toMatch(/true or false/);
    // secrets are never echoed
    expect(problems.find((p) => p.startsWith('JWT_SECRET '))).toMatch(/at least 32 characters.*\(hidden\)/);
    expect(problems.join('\n')).not.toContain('short');
  });

  it('rejects out-of-range numbers, bad time zones and app ids', () => {
    expect(problemsOf({ DATA_DIR: dataDir, PORT: '70000' })[0]).toMatch(/^PORT /);
    expect(problemsOf({ DATA_DIR: dataDir, DEFAULT_TIME_ZONE: 'Asia/Atlantis' })[0]).toMatch(/^DEFAULT_TIME_ZONE /);
    expect(problemsOf({ DATA_DIR: dataDir, WECHAT_APP_ID: 'not-an-appid' })[0]).toMatch(/^WECHAT_APP_ID /);
  });

  it('gives the message sender the defaults it had before it was configurable', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).messaging).toEqual({ ...MESSAGING_DEFAULTS, smsProvider: 'dev' });
  });

  it('reads the MESSAGING_* settings', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      MESSAGING_BATCH_SIZE: '250',
      MESSAGING_POLL_INTERVAL_MS: '200',
      MESSAGING_WORKERS: '4',
      MESSAGING_MAX_ATTEMPTS: '8',
      MESSAGING_BACKOFF_BASE_MS: '30000',
      MESSAGING_BACKOFF_MAX_MS: '600000',
      MESSAGING_CALL_CONCURRENCY: '32',
      MESSAGING_SMS_PROVIDER: 'dev',
    });
    expect(config.messaging).toEqual({ batchSize: 250, pollIntervalMs: 200, workers: 4, maxAttempts: 8, backoffBaseMs: 30_000, backoffMaxMs: 600_000, callConcurrency: 32, smsProvider: 'dev' });
  });

  it('names bad MESSAGING_* settings, an unknown SMS provider among them, at start', () => {
    const problems = problemsOf({
      DATA_DIR: dataDir,
      MESSAGING_BATCH_SIZE: '0',
      MESSAGING_POLL_INTERVAL_MS: 'often',
      MESSAGING_WORKERS: '1000',
      MESSAGING_CALL_CONCURRENCY: '2.5',
      MESSAGING_SMS_PROVIDER: 'aliyun',
    });
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('MESSAGING_BATCH_SIZE '))).toMatch(/integer from 1 to 10000.*"0"/);
    expect(problems.find((p) => p.startsWith('MESSAGING_POLL_INTERVAL_MS '))).toMatch(/integer from 10 to 600000.*"often"/);
    expect(problems.find((p) => p.startsWith('MESSAGING_WORKERS '))).toMatch(/integer from 1 to 64/);
    expect(problems.find((p) => p.startsWith('MESSAGING_CALL_CONCURRENCY '))).toMatch(/integer from 1 to 256/);
    expect(problems.find((p) => p.startsWith('MESSAGING_SMS_PROVIDER '))).toBe(
      'MESSAGING_SMS_PROVIDER must be one of the SMS providers built into this server: dev (got "aliyun")',
    );
    // alone, the unknown provider still stops the start
    expect(problemsOf({ DATA_DIR: dataDir, MESSAGING_SMS_PROVIDER: 'Dev' })).toEqual([expect.stringMatching(/^MESSAGING_SMS_PROVIDER .*\(got "Dev"\)$/)]);
  });

  it('refuses a longest retry wait shorter than the first', () => {
    expect(problemsOf({ DATA_DIR: dataDir, MESSAGING_BACKOFF_BASE_MS: '120000', MESSAGING_BACKOFF_MAX_MS: '60000' })).toEqual([
      'MESSAGING_BACKOFF_MAX_MS must be at least MESSAGING_BACKOFF_BASE_MS (got 60000 < 120000)',
    ]);
  });

  it('requires real secrets in production', () => {
    const problems = problemsOf({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect(problems.some((p) => p.startsWith('JWT_SECRET is required'))).toBe(true);
    expect(problems.some((p) => p.startsWith('WECHAT_APP_ID and WECHAT_APP_SECRET'))).toBe(true);
  });

  it('keeps a generated development JWT secret across restarts', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwt.secret).toBe(first.jwt.secret);
    expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(first.jwt.secret);
  });
});
