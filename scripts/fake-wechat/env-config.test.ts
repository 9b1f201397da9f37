import { optionsFromEnv, parseApps } from './env-config';

describe('optionsFromEnv', () => {
  it('defaults to port 3100 on loopback with the dev app and 2-hour tokens', () => {
    expect(optionsFromEnv({})).toEqual({
      port: 3100,
      host: '127.0.0.1',
      apps: [{ appId: 'wx0000000000000001', secret: 'dev-app-secret-change-me' }],
      tokenTtlSeconds: 7200,
    });
  });

  it('reads every variable', () => {
    expect(
      optionsFromEnv({
        FAKE_WECHAT_PORT: '0',
        FAKE_WECHAT_HOST: '0.0.0.0',
        FAKE_WECHAT_APPS: 'wxa:sa, wxb:sb:unionid',
        FAKE_WECHAT_TOKEN_TTL_SECONDS: '60',
        FAKE_WECHAT_PAGES: 'pages/index/index, pages/coupon/index',
      }),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      apps: [
        { appId: 'wxa', secret: 'sa' },
        { appId: 'wxb', secret: 'sb', issueUnionid: true },
      ],
      tokenTtlSeconds: 60,
      pages: ['pages/index/index', 'pages/coupon/index'],
    });
  });

  it.each([
    [{ FAKE_WECHAT_PORT: 'eighty' }, /FAKE_WECHAT_PORT/],
    [{ FAKE_WECHAT_PORT: '70000' }, /FAKE_WECHAT_PORT/],
    [{ FAKE_WECHAT_TOKEN_TTL_SECONDS: '0' }, /FAKE_WECHAT_TOKEN_TTL_SECONDS/],
    [{ FAKE_WECHAT_TOKEN_TTL_SECONDS: '1.5' }, /FAKE_WECHAT_TOKEN_TTL_SECONDS/],
  ])('rejects %j', (env, message) => {
    expect(() => optionsFromEnv(env)).toThrow(message);
  });
});

describe('parseApps', () => {
  it.each(['wxa', 'wxa:', ':secret', 'wxa:s:maybe', 'wxa:s:unionid:x', ' , '])('rejects %p', (raw) => {
    expect(() => parseApps(raw)).toThrow(/FAKE_WECHAT_APPS/);
  });
});
