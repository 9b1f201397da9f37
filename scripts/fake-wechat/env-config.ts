/** FakeWechatOptions from FAKE_WECHAT_* environment variables (for the CLI). */
import { DEFAULT_DEV_APP } from './options';
import type { FakeWechatApp, FakeWechatOptions } from './types';

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** "appid:secret[:unionid]" entries separated by commas; ":unionid" makes the app issue unionids. */
export function parseApps(raw: string): FakeWechatApp[] {
  const apps = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [appId, secret, flag, ...rest] = entry.split(':');
      if (!appId || !secret || rest.length > 0 || (flag !== undefined && flag !== 'unionid')) {
        throw new Error('FAKE_WECHAT_APPS entries must look like appid:secret or appid:secret:unionid');
      }
      return flag === 'unionid' ? { appId, secret, issueUnionid: true } : { appId, secret };
    });
  if (apps.length === 0) throw new Error('FAKE_WECHAT_APPS lists no app');
  return apps;
}

export function optionsFromEnv(env: Env): FakeWechatOptions {
  const options: FakeWechatOptions = {
    port: integer(env, 'FAKE_WECHAT_PORT', 3100, 0, 65535),
    host: env.FAKE_WECHAT_HOST?.trim() || '127.0.0.1',
    apps: env.FAKE_WECHAT_APPS?.trim() ? parseApps(env.FAKE_WECHAT_APPS) : [{ ...DEFAULT_DEV_APP }],
    tokenTtlSeconds: integer(env, 'FAKE_WECHAT_TOKEN_TTL_SECONDS', 7200, 1, 7 * 86_400),
  };
  const pages = env.FAKE_WECHAT_PAGES?.split(',').map((page) => page.trim()).filter((page) => page !== '');
  if (pages && pages.length > 0) options.pages = pages;
  return options;
}
