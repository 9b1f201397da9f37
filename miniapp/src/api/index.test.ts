import { API_BASE, createFakeBackend, FAKE_WECHAT } from '../../test/fake-backend';

type TaroStub = typeof import('../../test/stubs/taro');
type ApiModule = typeof import('./index');

/** Loads the app's API module afresh (it picks the platform when loaded) with a fresh Taro stub. */
function loadApi(env: Record<string, string | undefined>): { api: ApiModule['api']; devPhoneCode: ApiModule['devPhoneCode']; taro: TaroStub } {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  let loaded!: { api: ApiModule['api']; devPhoneCode: ApiModule['devPhoneCode']; taro: TaroStub };
  jest.isolateModules(() => {
    const taro = require('@tarojs/taro') as TaroStub;
    taro.resetTaroStub();
    const mod = require('./index') as ApiModule;
    loaded = { api: mod.api, devPhoneCode: mod.devPhoneCode, taro };
  });
  process.env = saved;
  return loaded;
}

describe('the app client on Taro', () => {
  it('in weapp logs in with Taro.login and talks to TARO_APP_API_BASE through Taro.request', async () => {
    const backend = createFakeBackend();
    const { api, taro } = loadApi({ TARO_ENV: 'weapp', TARO_APP_API_BASE: 'https://api.example.cn/', TARO_APP_BRAND_CODE: 'acme' });
    taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-1'), errMsg: 'login:ok' }));
    taro.request.mockImplementation(async (options) => {
      const response = await backend.taroRequest({ ...options, url: options.url.replace('https://api.example.cn', 'http://127.0.0.1:3000') });
      return response;
    });

    await expect(api.getMe()).rejects.toMatchObject({ code: 'BRAND_NOT_FOUND', status: 404 });
    expect(taro.request.mock.calls[0]?.[0]).toMatchObject({
      url: 'https://api.example.cn/auth/member/login',
      method: 'POST',
      data: { code: 'code-1', brandCode: 'acme', join: false },
      dataType: 'json',
    });
  });

  it('in weapp keeps the token in Taro storage and uses it', async () => {
    const backend = createFakeBackend();
    backend.seedMember('wx-1');
    const { api, taro } = loadApi({ TARO_ENV: 'weapp', TARO_APP_API_BASE: undefined, TARO_APP_BRAND_CODE: undefined });
    taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-1'), errMsg: 'login:ok' }));
    taro.request.mockImplementation((options) => backend.taroRequest(options));

    const me = await api.getMe();
    expect(me.id).toMatch(/^mbr_/);
    expect(String(taro.storedValue('memberloop.session'))).toContain('"token":"tok-');
    expect(taro.request.mock.calls[1]?.[0].header).toMatchObject({ Authorization: expect.stringMatching(/^Bearer tok-/) });
  });

  it('in H5 gets the code from the fake WeChat server for ?user=NAME', async () => {
    const backend = createFakeBackend();
    const carol = backend.seedMember('carol');
    window.history.replaceState(null, '', '/app/index.html#/pages/index/index?user=carol');
    const { api, taro } = loadApi({ TARO_ENV: 'h5', TARO_APP_API_BASE: API_BASE, TARO_APP_FAKE_WECHAT_URL: FAKE_WECHAT });
    taro.request.mockImplementation((options) => backend.taroRequest(options));

    const me = await api.getMe();
    expect(taro.login).not.toHaveBeenCalled();
    expect(backend.paths()).toEqual(['POST /__dev/login-code', 'POST /auth/member/login', 'GET /members/me']);
    expect(backend.calls[0]?.data).toEqual({ user: 'carol' });
    expect(backend.calls[1]?.data).toMatchObject({ brandCode: 'demo', join: false });
    expect(me.id).toBe(carol.id);
    expect(taro.storedValue('memberloop.h5User')).toBe('carol');
  });

  it('in H5 built without an API base talks to the page origin and asks it where the fake WeChat is', async () => {
    const backend = createFakeBackend();
    backend.seedMember('dave');
    window.history.replaceState(null, '', '/h5/index.html#/pages/card/index?user=dave');
    const { api, taro } = loadApi({ TARO_ENV: 'h5', TARO_APP_API_BASE: '', TARO_APP_FAKE_WECHAT_URL: '' });
    // jsdom's page origin is http://localhost; the fake backend answers there.
    taro.request.mockImplementation((options) => backend.taroRequest({ ...options, url: options.url.replace(window.location.origin, API_BASE) }));

    await api.getMe();
    await api.logout();
    await api.getMe();
    const urls = taro.request.mock.calls.map(([options]) => `${options.method} ${options.url}`);
    expect(urls).toEqual([
      'GET http://localhost/dev/wechat',
      `POST ${FAKE_WECHAT}/__dev/login-code`,
      'POST http://localhost/auth/member/login',
      'GET http://localhost/members/me',
      `POST ${FAKE_WECHAT}/__dev/login-code`,
      'POST http://localhost/auth/member/login',
      'GET http://localhost/members/me',
    ]);
  });

  it('in H5 mints a phone code at the fake WeChat server', async () => {
    const backend = createFakeBackend();
    const { taro, devPhoneCode } = loadApi({ TARO_ENV: 'h5', TARO_APP_API_BASE: API_BASE, TARO_APP_FAKE_WECHAT_URL: FAKE_WECHAT });
    taro.request.mockImplementation((options) => backend.taroRequest(options));
    process.env.TARO_ENV = 'h5';
    try {
      await expect(devPhoneCode('13800001111')).resolves.toMatch(/^phone-/);
      await expect(devPhoneCode('12')).rejects.toMatchObject({ code: 'PHONE_INVALID' });
    } finally {
      delete process.env.TARO_ENV;
    }
  });

  it('turns a rejected Taro.request into NETWORK_ERROR', async () => {
    const { api, taro } = loadApi({ TARO_ENV: 'weapp' });
    taro.request.mockRejectedValue({ errMsg: 'request:fail timeout' });
    await expect(api.login('s=ST7K2Q')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
