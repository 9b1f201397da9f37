import { ApiError } from './errors';
import type { HttpTransport } from './http';

/** Where the H5 build finds the fake WeChat server that stands in for wx.login and the phone button. */
export interface FakeWechatLocator {
  url(): Promise<string>;
}

export interface FakeWechatLocatorOptions {
  /** Fixed at build time (TARO_APP_FAKE_WECHAT_URL); '' to ask the server. */
  configured: string;
  apiBase: string;
  transport: HttpTransport;
}

/**
 * The configured URL, or else the one the development server names at GET {apiBase}/dev/wechat
 * (asked once; a failed answer is asked again next time).
 */
export function fakeWechatLocator({ configured, apiBase, transport }: FakeWechatLocatorOptions): FakeWechatLocator {
  let pending: Promise<string> | null = null;

  async function ask(): Promise<string> {
    let response;
    try {
      response = await transport({ url: `${apiBase}/dev/wechat`, method: 'GET', header: { Accept: 'application/json' } });
    } catch {
      throw new ApiError('NETWORK_ERROR', 'GET /dev/wechat got no response', 0);
    }
    const url = (response.data as { fakeWechatUrl?: unknown } | null)?.fakeWechatUrl;
    if (response.statusCode !== 200 || typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new ApiError('WECHAT_LOGIN_FAILED', `GET /dev/wechat answered ${response.statusCode}`, response.statusCode);
    }
    return url.replace(/\/+$/, '');
  }

  return {
    url() {
      if (configured) return Promise.resolve(configured);
      pending ??= ask().catch((error: unknown) => {
        pending = null;
        throw error;
      });
      return pending;
    },
  };
}

/**
 * H5 only: the fake WeChat server mints the code the phone-number button would give in WeChat
 * (POST {fake}/__dev/phone-code), to be sent to POST /members/me/phone like the real one.
 */
export async function mintDevPhoneCode(locator: FakeWechatLocator, transport: HttpTransport, phoneNumber: string): Promise<string> {
  const base = await locator.url();
  let response;
  try {
    response = await transport({
      url: `${base}/__dev/phone-code`,
      method: 'POST',
      data: { phoneNumber },
      header: { 'Content-Type': 'application/json' },
    });
  } catch {
    throw new ApiError('NETWORK_ERROR', 'fake WeChat server unreachable', 0);
  }
  const code = (response.data as { code?: unknown } | null)?.code;
  if (response.statusCode !== 200 || typeof code !== 'string' || !code) {
    // The fake answers bad numbers with HTTP 400 and a WeChat errcode.
    throw new ApiError(response.statusCode === 400 ? 'PHONE_INVALID' : 'WECHAT_LOGIN_FAILED', `fake WeChat answered ${response.statusCode}`, response.statusCode);
  }
  return code;
}
