/**
 * A stand-in for @tarojs/taro in jest: the APIs the app calls, as jest mocks, with storage kept
 * in memory. Tests set `request` (and `login`) per case; `resetTaroStub()` runs before each test.
 * Page lifecycle hooks run like this: useDidShow on mount (and on `triggerDidShow()`), useDidHide
 * on unmount (and on `triggerDidHide()`).
 */
import { useEffect, useRef } from 'react';

type RequestOptions = {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, string>;
};
type RequestResult = { statusCode: number; data: unknown; header?: Record<string, string> };
type ModalResult = { confirm: boolean; cancel: boolean; errMsg: string; content?: string };

const storage = new Map<string, unknown>();
let routerParams: Record<string, string | undefined> = {};
let enterOptions: { path?: string; query?: Record<string, string | undefined> } = { path: '', query: {} };
const showListeners = new Set<() => void>();
const hideListeners = new Set<() => void>();

export const request = jest.fn<Promise<RequestResult>, [RequestOptions]>();
export const login = jest.fn<Promise<{ code: string; errMsg: string }>, []>();
export const getStorageSync = jest.fn((key: string) => (storage.has(key) ? storage.get(key) : ''));
export const setStorageSync = jest.fn((key: string, value: unknown) => void storage.set(key, value));
export const removeStorageSync = jest.fn((key: string) => void storage.delete(key));
export const showToast = jest.fn((_options: { title: string; icon?: string }) => Promise.resolve({ errMsg: 'showToast:ok' }));
export const showModal = jest.fn((_options: { title?: string; content?: string; showCancel?: boolean; confirmText?: string }) =>
  Promise.resolve<ModalResult>({ confirm: true, cancel: false, errMsg: 'showModal:ok' }),
);
export const showLoading = jest.fn(() => Promise.resolve({ errMsg: 'showLoading:ok' }));
export const hideLoading = jest.fn(() => Promise.resolve({ errMsg: 'hideLoading:ok' }));
export const reLaunch = jest.fn((_options: { url: string }) => Promise.resolve({ errMsg: 'reLaunch:ok' }));
export const navigateTo = jest.fn((_options: { url: string }) => Promise.resolve({ errMsg: 'navigateTo:ok' }));
export const redirectTo = jest.fn((_options: { url: string }) => Promise.resolve({ errMsg: 'redirectTo:ok' }));
export const switchTab = jest.fn((_options: { url: string }) => Promise.resolve({ errMsg: 'switchTab:ok' }));
export const navigateBack = jest.fn((_options?: { delta?: number }) => Promise.resolve({ errMsg: 'navigateBack:ok' }));
export const scanCode = jest.fn((_options?: unknown) => Promise.resolve({ result: '', scanType: 'QR_CODE', errMsg: 'scanCode:ok' }));
export const requestSubscribeMessage = jest.fn((_options: { tmplIds: string[] }) =>
  Promise.resolve<Record<string, string>>({ errMsg: 'requestSubscribeMessage:ok' }),
);
export const setClipboardData = jest.fn((_options: { data: string }) => Promise.resolve({ errMsg: 'setClipboardData:ok' }));
export const stopPullDownRefresh = jest.fn(() => undefined);
export const getEnterOptionsSync = jest.fn(() => enterOptions);
export const useRouter = jest.fn(() => ({ params: routerParams, path: '' }));
/** 750-wide design px, as Taro turns them into rpx in weapp (rem in H5). */
export const pxTransform = jest.fn((size: number) => `${size}rpx`);

export function useDidShow(callback: () => void): void {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    const listener = () => latest.current();
    showListeners.add(listener);
    listener();
    return () => void showListeners.delete(listener);
  }, []);
}

export function useDidHide(callback: () => void): void {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    const listener = () => latest.current();
    hideListeners.add(listener);
    return () => {
      hideListeners.delete(listener);
      listener();
    };
  }, []);
}

/** Shows the mounted pages again, as switching back to their tab would. */
export function triggerDidShow(): void {
  for (const listener of [...showListeners]) listener();
}

export function triggerDidHide(): void {
  for (const listener of [...hideListeners]) listener();
}

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
  showListeners.clear();
  hideListeners.clear();
  request.mockReset();
  request.mockRejectedValue(new Error('request: no fake server set up in this test'));
  login.mockReset();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  showModal.mockReset();
  showModal.mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
  scanCode.mockReset();
  scanCode.mockResolvedValue({ result: '', scanType: 'QR_CODE', errMsg: 'scanCode:ok' });
  requestSubscribeMessage.mockReset();
  requestSubscribeMessage.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok' });
}

const Taro = {
  request,
  login,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  showToast,
  showModal,
  showLoading,
  hideLoading,
  reLaunch,
  navigateTo,
  redirectTo,
  switchTab,
  navigateBack,
  scanCode,
  requestSubscribeMessage,
  setClipboardData,
  stopPullDownRefresh,
  getEnterOptionsSync,
  pxTransform,
};

export default Taro;
