import Taro from '@tarojs/taro';
import { createApiClient } from './client';
import { readSettings } from './config';
import type { HttpTransport } from './http';
import { h5LoginCodeSource, wechatLoginCodeSource, type LoginCodeSource } from './login-code';
import { createTokenStore, type KeyValueStorage } from './storage';

export { ApiError, friendlyMessage, isApiError, messageOf } from './errors';
export type { ApiClient } from './client';

const REQUEST_TIMEOUT_MS = 15_000;

const taroTransport: HttpTransport = async ({ url, method, data, header }) => {
  const response = await Taro.request({ url, method, data, header, dataType: 'json', timeout: REQUEST_TIMEOUT_MS });
  return { statusCode: response.statusCode, data: response.data };
};

const taroStorage: KeyValueStorage = {
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

const settings = readSettings();

// Compared directly so each build drops the other platform's branch.
const loginCode: LoginCodeSource =
  process.env.TARO_ENV === 'h5'
    ? h5LoginCodeSource({
        fakeWechatUrl: settings.fakeWechatUrl,
        transport: taroTransport,
        storage: taroStorage,
        currentHref: () => (typeof window === 'undefined' ? '' : window.location.href),
      })
    : wechatLoginCodeSource(() => Taro.login());

/** The app's API client. */
export const api = createApiClient({
  settings,
  transport: taroTransport,
  tokens: createTokenStore(taroStorage, loginCode.identity),
  loginCode,
});
