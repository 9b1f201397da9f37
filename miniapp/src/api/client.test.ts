import { createFakeBackend, API_BASE, FAKE_WECHAT, type FakeBackend } from '../../test/fake-backend';
import { createApiClient, type ApiClient } from './client';
import { ApiError } from './errors';
import { h5LoginCodeSource, wechatLoginCodeSource, type LoginCodeSource } from './login-code';
import { createTokenStore, memoryStorage, STORAGE_KEYS, type KeyValueStorage } from './storage';

const settings = { apiBase: API_BASE, brandCode: 'demo' };

function weappClient(backend: FakeBackend, user = 'wx-user', storage: KeyValueStorage = memoryStorage()) {
  const wxLogin = jest.fn(async () => ({ code: backend.issueCode(user) }));
  const loginCode = wechatLoginCodeSource(wxLogin);
  const client = createApiClient({
    settings,
    transport: backend.transport,
    tokens: createTokenStore(storage, loginCode.identity),
    loginCode,
  });
  return { client, wxLogin, storage };
}

describe('login', () => {
  let backend: FakeBackend;
  beforeEach(() => {
    backend = createFakeBackend();
  });

  it('posts the WeChat code with the scene and stores the token', async () => {
    const { client, storage } = weappClient(backend);
    const result = await client.login('s=ST7K2Q');
    expect(result.isNew).toBe(true);
    expect(result.member.joinSource.type).toBe('store');
    expect(backend.calls[0]).toMatchObject({
      method: 'POST',
      url: `${API_BASE}/auth/member/login`,
      data: { code: 'code-1', scene: 's=ST7K2Q', join: true },
      header: { 'Content-Type': 'application/json' },
    });
    expect(backend.calls[0]?.header.Authorization).toBeUndefined();
    expect(JSON.parse(storage.get(STORAGE_KEYS.session) ?? '{}')).toMatchObject({ token: result.token });
    expect(client.hasSession()).toBe(true);
  });

  it('sends the brand code when there is no scene', async () => {
    const { client } = weappClient(backend);
    await client.login();
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: true });
  });

  it('signs in only with join: false, and a non-member gets MEMBER_NOT_FOUND', async () => {
    const { client } = weappClient(backend);
    await expect(client.login(undefined, { join: false })).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND', status: 404 });
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: false });
    expect(backend.members.size).toBe(0);
    expect(client.hasSession()).toBe(false);

    await expect(client.login('s=ST7K2Q', { join: false })).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(backend.calls[1]?.data).toEqual({ code: 'code-2', scene: 's=ST7K2Q', join: false });
    expect(backend.members.size).toBe(0);
  });

  it('signs in an existing member with join: false', async () => {
    const seeded = backend.seedMember('wx-user');
    const { client } = weappClient(backend);
    const result = await client.login(undefined, { join: false });
    expect(result).toMatchObject({ isNew: false, member: { id: seeded.id } });
    expect(client.hasSession()).toBe(true);
  });

  it('recognises a returning member', async () => {
    backend.seedMember('wx-user');
    const { client } = weappClient(backend);
    expect((await client.login()).isNew).toBe(false);
  });

  it('rejects with the server code, message and status', async () => {
    const { client } = weappClient(backend);
    await expect(client.login('NOPE')).rejects.toMatchObject({
      name: 'ApiError',
      code: 'JOIN_SCENE_NOT_FOUND',
      status: 404,
    });
    expect(client.hasSession()).toBe(false);
  });

  it('turns a failed wx.login into WECHAT_LOGIN_FAILED without calling the server', async () => {
    const loginCode = wechatLoginCodeSource(async () => {
      throw new Error('login:fail');
    });
    const client = createApiClient({
      settings,
      transport: backend.transport,
      tokens: createTokenStore(memoryStorage(), loginCode.identity),
      loginCode,
    });
    await expect(client.login()).rejects.toMatchObject({ code: 'WECHAT_LOGIN_FAILED', status: 0 });
    expect(backend.calls).toHaveLength(0);
  });

  it('turns no response at all into NETWORK_ERROR', async () => {
    backend.failNext('POST /auth/member/login', 'network');
    const { client } = weappClient(backend);
    const error = await client.login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});

describe('member calls', () => {
  let backend: FakeBackend;
  let client: ApiClient;
  let wxLogin: jest.Mock;
  beforeEach(() => {
    backend = createFakeBackend();
    backend.seedMember('wx-user');
    ({ client, wxLogin } = weappClient(backend));
  });

  it('sign in first when there is no token, then send it as a bearer token', async () => {
    const me = await client.getMe();
    expect(me.id).toMatch(/^mbr_/);
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'GET /members/me']);
    expect(backend.calls[0]?.data).toEqual({ code: expect.any(String), brandCode: 'demo', join: false });
    expect(backend.calls[1]?.header.Authorization).toMatch(/^Bearer tok-/);
  });

  it('never join on the implicit sign-in: a non-member gets MEMBER_NOT_FOUND and stays one', async () => {
    const stranger = weappClient(backend, 'wx-stranger');
    await expect(stranger.client.getMe()).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND', status: 404 });
    await expect(stranger.client.setMarketingConsent(true)).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'POST /auth/member/login']);
    expect(backend.calls.map((call) => (call.data as { join?: boolean }).join)).toEqual([false, false]);
    expect(backend.members.has('wx-stranger')).toBe(false);
    expect(stranger.client.hasSession()).toBe(false);
  });

  it('share one sign-in between a non-member\'s calls made at the same time', async () => {
    const stranger = weappClient(backend, 'wx-stranger');
    const results = await Promise.allSettled([stranger.client.getMe(), stranger.client.getMe()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(stranger.wxLogin).toHaveBeenCalledTimes(1);
    expect(backend.members.has('wx-stranger')).toBe(false);
  });

  it('join through the explicit login, after which member calls work', async () => {
    const stranger = weappClient(backend, 'wx-stranger');
    await expect(stranger.client.getMe()).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    const joined = await stranger.client.login();
    expect(joined.isNew).toBe(true);
    expect((await stranger.client.getMe()).id).toBe(joined.member.id);
    expect(stranger.wxLogin).toHaveBeenCalledTimes(2);
  });

  it('reuse the stored token', async () => {
    await client.getMe();
    await client.getMe();
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'GET /members/me', 'GET /members/me']);
    expect(wxLogin).toHaveBeenCalledTimes(1);
  });

  it('share one login between calls made at the same time', async () => {
    await Promise.all([client.getMe(), client.getMe(), client.setMarketingConsent(true)]);
    expect(backend.paths().filter((p) => p === 'POST /auth/member/login')).toHaveLength(1);
  });

  it('sign in again once, without joining, when the token is refused', async () => {
    await client.getMe();
    backend.expireTokens();
    const me = await client.getMe();
    expect(me.id).toMatch(/^mbr_/);
    expect(backend.paths()).toEqual([
      'POST /auth/member/login',
      'GET /members/me',
      'GET /members/me',
      'POST /auth/member/login',
      'GET /members/me',
    ]);
    expect((backend.calls[3]?.data as { join?: boolean }).join).toBe(false);
  });

  it('report MEMBER_NOT_FOUND when the membership is gone by the time it signs in again', async () => {
    await client.getMe();
    backend.expireTokens();
    backend.members.delete('wx-user');
    await expect(client.getMe()).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(backend.members.has('wx-user')).toBe(false);
  });

  it('give up after one re-login', async () => {
    await client.getMe();
    backend.failNext('GET /members/me', { status: 401, body: { code: 'TOKEN_INVALID', message: 'bad' } });
    backend.failNext('GET /members/me', { status: 401, body: { code: 'UNAUTHENTICATED', message: 'no' } });
    await expect(client.getMe()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(backend.paths().filter((p) => p === 'POST /auth/member/login')).toHaveLength(2);
  });

  it('do not re-login on other errors', async () => {
    await client.getMe();
    backend.failNext('GET /members/me', { status: 503, body: { code: 'NOT_READY', message: 'starting' } });
    await expect(client.getMe()).rejects.toMatchObject({ code: 'NOT_READY', status: 503 });
    expect(wxLogin).toHaveBeenCalledTimes(1);
  });

  it('set marketing consent with PUT and return the profile', async () => {
    const member = await client.setMarketingConsent(true);
    expect(member.marketingConsent).toEqual({ granted: true, changedAt: '2026-11-24T02:00:00.000Z' });
    const put = backend.calls.find((c) => c.method === 'PUT');
    expect(put).toMatchObject({ url: `${API_BASE}/members/me/marketing-consent`, data: { granted: true } });
  });

  it('forget the token on logout', async () => {
    await client.getMe();
    client.logout();
    expect(client.hasSession()).toBe(false);
  });
});

describe('token store', () => {
  it('ignores an expired token and one issued to another identity', () => {
    const storage = memoryStorage();
    let identity = 'alice';
    let now = new Date('2026-11-24T00:00:00Z');
    const tokens = createTokenStore(storage, () => identity, () => now);
    tokens.set('tok', '2026-11-24T01:00:00Z');
    expect(tokens.get()).toBe('tok');
    identity = 'bob';
    expect(tokens.get()).toBeNull();
    identity = 'alice';
    now = new Date('2026-11-24T00:59:30Z');
    expect(tokens.get()).toBeNull();
  });

  it('ignores garbage in storage', () => {
    const tokens = createTokenStore(memoryStorage({ [STORAGE_KEYS.session]: '{not json' }), () => '');
    expect(tokens.get()).toBeNull();
  });
});

describe('H5 login codes', () => {
  function h5(backend: FakeBackend, href: string, storage = memoryStorage()) {
    let currentHref = href;
    const loginCode: LoginCodeSource = h5LoginCodeSource({
      fakeWechatUrl: FAKE_WECHAT,
      transport: backend.transport,
      storage,
      currentHref: () => currentHref,
    });
    const client = createApiClient({
      settings,
      transport: backend.transport,
      tokens: createTokenStore(storage, loginCode.identity),
      loginCode,
    });
    return { client, loginCode, storage, go: (next: string) => (currentHref = next) };
  }

  it('asks the fake WeChat server for a code for ?user=NAME', async () => {
    const backend = createFakeBackend();
    const { client } = h5(backend, 'http://h/#/pages/index/index?user=alice');
    await client.login();
    expect(backend.calls[0]).toMatchObject({ method: 'POST', url: `${FAKE_WECHAT}/__dev/login-code`, data: { user: 'alice' } });
    expect(backend.members.has('alice')).toBe(true);
  });

  it('keeps one generated user per browser, so a returning member is recognised', async () => {
    const backend = createFakeBackend();
    const storage = memoryStorage();
    const first = h5(backend, 'http://h/#/pages/index/index', storage);
    const joined = await first.client.login();
    expect(joined.isNew).toBe(true);
    const user = storage.get(STORAGE_KEYS.h5User);
    expect(user).toMatch(/^h5-[0-9a-f]{16}$/);

    first.client.logout();
    const again = await h5(backend, 'http://h/#/pages/join/index', storage).client.login();
    expect(again.isNew).toBe(false);
    expect(again.member.id).toBe(joined.member.id);
  });

  it('drops the stored token when the URL switches to another user', async () => {
    const backend = createFakeBackend();
    backend.seedMember('alice');
    backend.seedMember('bob');
    const { client, go } = h5(backend, 'http://h/?user=alice#/pages/index/index');
    const alice = await client.getMe();
    go('http://h/?user=bob#/pages/index/index');
    const bob = await client.getMe();
    expect(bob.id).not.toBe(alice.id);
    go('http://h/#/pages/index/index');
    expect(client.hasSession()).toBe(true); // bob is remembered without ?user
  });

  it('reports a broken fake WeChat server', async () => {
    const backend = createFakeBackend();
    backend.failNext('POST /__dev/login-code', { status: 500, body: { error: 'boom' } });
    await expect(h5(backend, 'http://h/').client.login()).rejects.toMatchObject({ code: 'WECHAT_LOGIN_FAILED', status: 500 });
    backend.failNext('POST /__dev/login-code', 'network');
    await expect(h5(backend, 'http://h/').client.login()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});
