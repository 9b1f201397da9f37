import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

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
