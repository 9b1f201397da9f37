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
  /**
   * The fake WeChat server that hands out login and phone codes to the H5 build; '' when the build
   * did not fix one, in which case the H5 build asks the server (GET {apiBase}/dev/wechat).
   */
  fakeWechatUrl: string;
  /** Subscribe-message template ids, by what they remind of. */
  subscribeTemplates: { couponArrival: string; pointsExpiry: string };
}

const WEAPP_DEFAULT_API_BASE = 'http://127.0.0.1:3000';

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The API base: the build-time value when there is one; else, in H5, the origin the page was
 * served from (the server serves the H5 build at /h5/, so the API is on the same origin);
 * else the local development server.
 */
function apiBase(): string {
  const configured = process.env.TARO_APP_API_BASE;
  if (configured) return withoutTrailingSlash(configured);
  if (process.env.TARO_ENV === 'h5' && typeof location !== 'undefined' && /^https?:$/.test(location.protocol)) {
    return location.origin;
  }
  return WEAPP_DEFAULT_API_BASE;
}

export function readSettings(): AppSettings {
  return {
    apiBase: apiBase(),
    brandCode: process.env.TARO_APP_BRAND_CODE || 'demo',
    fakeWechatUrl: withoutTrailingSlash(process.env.TARO_APP_FAKE_WECHAT_URL || ''),
    subscribeTemplates: {
      couponArrival: process.env.TARO_APP_TPL_COUPON_ARRIVAL || 'dev-tpl-coupon-arrival',
      pointsExpiry: process.env.TARO_APP_TPL_POINTS_EXPIRY || 'dev-tpl-points-expiry',
    },
  };
}
