/**
 * Settings fixed at build time. Taro's DefinePlugin replaces each `process.env.TARO_APP_*`
 * expression with the value from config/index.ts; under jest they are ordinary environment
 * variables, hence the same defaults here.
 */
export interface AppSettings {
  /** The memberloop server, without a trailing slash. */
  apiBase: string;
  /** The brand a member joins when the launch carries no scene. */
  brandCode: string;
  /** The fake WeChat server that hands out login codes to the H5 build. */
  fakeWechatUrl: string;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function readSettings(): AppSettings {
  return {
    apiBase: withoutTrailingSlash(process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000'),
    brandCode: process.env.TARO_APP_BRAND_CODE || 'demo',
    fakeWechatUrl: withoutTrailingSlash(process.env.TARO_APP_FAKE_WECHAT_URL || 'http://127.0.0.1:3100'),
  };
}
