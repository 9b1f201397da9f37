import Taro from '@tarojs/taro';
import { createApiClient } from './client';
import { readSettings } from './config';
import { fakeWechatLocator, mintDevPhoneCode, type FakeWechatLocator } from './dev-wechat';
import type { HttpTransport } from './http';
import { h5LoginCodeSource, wechatLoginCodeSource, type LoginCodeSource } from './login-code';
import { createStaffSessionStore, createTokenStore, type KeyValueStorage } from './storage';

export { ApiError, friendlyMessage, hasCode, isApiError, isUncertain, messageOf } from './errors';
export type { Audience } from './errors';
export type { ApiClient, StaffApi } from './client';
export { createActionKey, newIdempotencyKey, runKeyed, type ActionKey } from './idempotency';
export { STORAGE_KEYS, type StaffSession } from './storage';

const REQUEST_TIMEOUT_MS = 15_000;

const taroTransport: HttpTransport = async ({ url, method, data, header }) => {
  const response = await Taro.request({ url, method, data, header, dataType: 'json', timeout: REQUEST_TIMEOUT_MS });
  return { statusCode: response.statusCode, data: response.data };
};

/** Taro's synchronous storage, as the small interface the client takes. */
export const taroStorage: KeyValueStorage = {
  get(key) {
    try {
      const value: unknown = Taro.getStorageSync(key);
      return typeof value === 'string' && value !== '' ? value : null;
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      Taro.setStorageSync(key, value);
    } catch {
      // Storage full or unavailable: the session then lasts as long as the page.
    }
  },
  remove(key) {
    try {
      Taro.removeStorageSync(key);
    } catch {
      // Nothing to forget.
    }
  },
};

export const settings = readSettings();

/** H5 only: where the fake WeChat server is, looked up on first use. */
let locator: FakeWechatLocator | null = null;
function fakeWechat(): FakeWechatLocator {
  locator ??= fakeWechatLocator({ configured: settings.fakeWechatUrl, apiBase: settings.apiBase, transport: taroTransport });
  return locator;
}

// Compared directly so each build drops the other platform's branch.
const loginCode: LoginCodeSource =
  process.env.TARO_ENV === 'h5'
    ? h5LoginCodeSource({
        fakeWechat: { url: () => fakeWechat().url() },
        transport: taroTransport,
        storage: taroStorage,
        currentHref: () => (typeof window === 'undefined' ? '' : window.location.href),
      })
    : wechatLoginCodeSource(() => Taro.login());

/** The app's API client: member calls, and clerk calls under `api.staff`. */
export const api = createApiClient({
  settings,
  transport: taroTransport,
  tokens: createTokenStore(taroStorage, loginCode.identity),
  loginCode,
  staffSessions: createStaffSessionStore(taroStorage),
});

/**
 * H5 only: a phone code from the fake WeChat server, standing in for WeChat's phone-number
 * button. Rejects in any other build.
 */
export function devPhoneCode(phoneNumber: string): Promise<string> {
  if (process.env.TARO_ENV === 'h5') return mintDevPhoneCode(fakeWechat(), taroTransport, phoneNumber);
  return Promise.reject(new Error('phone codes come from the getPhoneNumber button in WeChat'));
}
