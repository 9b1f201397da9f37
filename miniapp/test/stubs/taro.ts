/**
 * A stand-in for @tarojs/taro in jest: the APIs the app calls, as jest mocks, with storage kept
 * in memory. Tests set `request` (and `login`) per case; `resetTaroStub()` runs before each test.
 */
type RequestOptions = {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
};
type RequestResult = { statusCode: number; data: unknown; header?: Record<string, string> };

const storage = new Map<string, unknown>();
let routerParams: Record<string, string | undefined> = {};
let enterOptions: { path?: string; query?: Record<string, string | undefined> } = { path: '', query: {} };

export const request = jest.fn<Promise<RequestResult>, [RequestOptions]>();
export const login = jest.fn<Promise<{ code: string; errMsg: string }>, []>();
export const getStorageSync = jest.fn((key: string) => (storage.has(key) ? storage.get(key) : ''));
export const setStorageSync = jest.fn((key: string, value: unknown) => void storage.set(key, value));
export const removeStorageSync = jest.fn((key: string) => void storage.delete(key));
export const showToast = jest.fn(() => Promise.resolve({ errMsg: 'showToast:ok' }));
export const showModal = jest.fn(() => Promise.resolve({ confirm: true, cancel: false, errMsg: 'showModal:ok' }));
export const reLaunch = jest.fn((_options: { url: string }) => Promise.resolve({ errMsg: 'reLaunch:ok' }));
export const navigateTo = jest.fn((_options: { url: string }) => Promise.resolve({ errMsg: 'navigateTo:ok' }));
export const getEnterOptionsSync = jest.fn(() => enterOptions);
export const useRouter = jest.fn(() => ({ params: routerParams, path: '' }));

export function setRouterParams(params: Record<string, string | undefined>): void {
  routerParams = params;
}

export function setEnterOptions(options: typeof enterOptions): void {
  enterOptions = options;
}

export function storedValue(key: string): unknown {
  return storage.get(key);
}

export function resetTaroStub(): void {
  storage.clear();
  routerParams = {};
  enterOptions = { path: '', query: {} };
  request.mockReset();
  request.mockRejectedValue(new Error('request: no fake server set up in this test'));
  login.mockReset();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
}

const Taro = {
  request,
  login,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  showToast,
  showModal,
  reLaunch,
  navigateTo,
  getEnterOptionsSync,
};

export default Taro;
