import { queryParamFromHref } from '../lib/query';
import type { FakeWechatLocator } from './dev-wechat';
import { ApiError } from './errors';
import type { HttpTransport } from './http';
import { STORAGE_KEYS, type KeyValueStorage } from './storage';

/** Where the one-time code for POST /auth/member/login comes from on this platform. */
export interface LoginCodeSource {
  getCode(): Promise<string>;
  /** Who the code will stand for; a stored token is only reused for the same identity. */
  identity(): string;
}

/** weapp: `wx.login()`; every user of the real app is whoever WeChat says they are. */
export function wechatLoginCodeSource(wxLogin: () => Promise<{ code?: string }>): LoginCodeSource {
  return {
    async getCode() {
      let code: string | undefined;
      try {
        code = (await wxLogin()).code;
      } catch {
        throw new ApiError('WECHAT_LOGIN_FAILED', 'wx.login failed', 0);
      }
      if (!code) throw new ApiError('WECHAT_LOGIN_FAILED', 'wx.login returned no code', 0);
      return code;
    },
    identity: () => '',
  };
}

const H5_USER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

function randomUserKey(): string {
  const bytes = new Uint8Array(8);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') {
    crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return `h5-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface H5LoginCodeOptions {
  fakeWechat: FakeWechatLocator;
  transport: HttpTransport;
  storage: KeyValueStorage;
  /** The browser URL; `?user=NAME` in it picks the fake WeChat user. */
  currentHref: () => string;
}

/**
 * H5 has no wx.login, so the fake WeChat server issues the code. The browser keeps one user key
 * (the same browser is the same WeChat user, so a returning member is recognised); `?user=NAME`
 * in the URL switches to, and remembers, another one.
 */
export function h5LoginCodeSource(options: H5LoginCodeOptions): LoginCodeSource {
  const { storage } = options;

  function identity(): string {
    const fromUrl = queryParamFromHref(options.currentHref(), 'user');
    if (fromUrl && H5_USER_PATTERN.test(fromUrl)) {
      if (storage.get(STORAGE_KEYS.h5User) !== fromUrl) storage.set(STORAGE_KEYS.h5User, fromUrl);
      return fromUrl;
    }
    const stored = storage.get(STORAGE_KEYS.h5User);
    if (stored) return stored;
    const created = randomUserKey();
    storage.set(STORAGE_KEYS.h5User, created);
    return created;
  }

  return {
    identity,
    async getCode() {
      const base = await options.fakeWechat.url();
      let response;
      try {
        response = await options.transport({
          url: `${base}/__dev/login-code`,
          method: 'POST',
          data: { user: identity() },
          header: { 'Content-Type': 'application/json' },
        });
      } catch {
        throw new ApiError('NETWORK_ERROR', 'fake WeChat server unreachable', 0);
      }
      const code = (response.data as { code?: unknown } | null)?.code;
      if (response.statusCode < 200 || response.statusCode >= 300 || typeof code !== 'string' || !code) {
        throw new ApiError('WECHAT_LOGIN_FAILED', `fake WeChat answered ${response.statusCode}`, response.statusCode);
      }
      return code;
    },
  };
}
