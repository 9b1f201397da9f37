import { createFakeBackend, API_BASE, FAKE_WECHAT, type FakeBackend } from '../../test/fake-backend';
import { createApiClient, type ApiClient } from './client';
import { ApiError } from './errors';
import { h5LoginCodeSource, wechatLoginCodeSource, type LoginCodeSource } from './login-code';
import { createStaffSessionStore, createTokenStore, memoryStorage, STORAGE_KEYS, type KeyValueStorage } from './storage';

const settings = { apiBase: API_BASE, brandCode: 'demo' };
const noWait = jest.fn(async (_ms: number) => undefined);

function weappClient(backend: FakeBackend, user = 'wx-user', storage: KeyValueStorage = memoryStorage()) {
  const wxLogin = jest.fn(async () => ({ code: backend.issueCode(user) }));
  const loginCode = wechatLoginCodeSource(wxLogin);
  const client = createApiClient({
    settings,
    transport: backend.transport,
    tokens: createTokenStore(storage, loginCode.identity),
    loginCode,
    staffSessions: createStaffSessionStore(storage),
    sleep: noWait,
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
    backend.failNext('GET /members/me', { status: 503, body: { code: 'WECHAT_UNAVAILABLE', message: 'down' } });
    await expect(client.getMe()).rejects.toMatchObject({ code: 'WECHAT_UNAVAILABLE', status: 503 });
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
      fakeWechat: { url: async () => FAKE_WECHAT },
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

describe('retries', () => {
  let backend: FakeBackend;
  let client: ApiClient;
  beforeEach(() => {
    backend = createFakeBackend();
    backend.seedMember('wx-user');
    noWait.mockClear();
    ({ client } = weappClient(backend));
  });

  it('repeat a read after no answer or a gateway error, waiting a little longer each time', async () => {
    await client.getMe();
    backend.failNext('GET /members/me/points', 'network');
    backend.failNext('GET /members/me/points', { status: 502, body: '<html>Bad Gateway</html>' });
    const points = await client.getPoints();
    expect(points.balance).toBe(1280);
    expect(backend.paths().filter((p) => p === 'GET /members/me/points')).toHaveLength(3);
    expect(noWait.mock.calls.map(([ms]) => ms)).toEqual([400, 1200]);
  });

  it('give up after three attempts', async () => {
    await client.getMe();
    for (let i = 0; i < 3; i++) backend.failNext('GET /members/me/points', 'network');
    await expect(client.getPoints()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(backend.paths().filter((p) => p === 'GET /members/me/points')).toHaveLength(3);
  });

  it('repeat a keyed write with the same Idempotency-Key, so it is done once', async () => {
    await client.getMe();
    backend.failNext('POST /members/me/checkins', 'network');
    backend.failNext('POST /members/me/checkins', { status: 503, body: { code: 'NOT_READY', message: 'starting' } });
    const result = await client.checkin('ml-key-1');
    expect(result.points).toBe(5);
    const sent = backend.calls.filter((c) => c.url.endsWith('/members/me/checkins'));
    expect(sent).toHaveLength(3);
    expect(sent.map((c) => c.header['Idempotency-Key'])).toEqual(['ml-key-1', 'ml-key-1', 'ml-key-1']);
    expect(backend.world('wx-user').points.balance).toBe(1285);
  });

  it('replay the first answer when the same key is sent again', async () => {
    const first = await client.claimCoupon('cpt_free10', 'ml-claim-1');
    const again = await client.claimCoupon('cpt_free10', 'ml-claim-1');
    expect(again.id).toBe(first.id);
    expect(backend.world('wx-user').coupons.filter((c) => c.templateId === 'cpt_free10')).toHaveLength(2); // 1 expired + 1 claimed
  });

  it('never repeat a write without a key, nor a domain answer', async () => {
    await client.getMe();
    backend.failNext('PUT /members/me/marketing-consent', 'network');
    await expect(client.setMarketingConsent(true)).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(backend.paths().filter((p) => p === 'PUT /members/me/marketing-consent')).toHaveLength(1);

    backend.failNext('GET /members/me', { status: 503, body: { code: 'WECHAT_UNAVAILABLE', message: 'down' } });
    await expect(client.getMe()).rejects.toMatchObject({ code: 'WECHAT_UNAVAILABLE' });
    expect(noWait).not.toHaveBeenCalled();
  });

  it('send an empty JSON object with keyed POSTs that have no body', async () => {
    await client.checkin('ml-key-2');
    const call = backend.calls.find((c) => c.url.endsWith('/members/me/checkins'))!;
    expect(call.data).toEqual({});
    expect(call.header['Content-Type']).toBe('application/json');
  });
});

describe('member reads and writes', () => {
  let backend: FakeBackend;
  let client: ApiClient;
  beforeEach(() => {
    backend = createFakeBackend();
    backend.seedMember('wx-user');
    ({ client } = weappClient(backend));
  });

  it('put page and filter parameters in the query string', async () => {
    await client.getPointEntries({ limit: 20, offset: 40 });
    await client.getMyCoupons({ status: 'used' });
    await client.getExpiringPoints(30);
    expect(backend.paths().slice(1)).toEqual([
      'GET /members/me/points/entries?limit=20&offset=40',
      'GET /members/me/coupons?status=used',
      'GET /members/me/points/expiring?days=30',
    ]);
  });

  it('escape ids in paths', async () => {
    await expect(client.getMyCoupon('a/b')).rejects.toMatchObject({ code: 'COUPON_NOT_FOUND' });
    expect(backend.paths().at(-1)).toBe('GET /members/me/coupons/a%2Fb');
  });

  it('patch the profile and bind a phone by code', async () => {
    const member = await client.updateProfile({ birthday: '1995-06-18' });
    expect(member.birthday).toBe('1995-06-18');
    expect(backend.calls.at(-1)).toMatchObject({ method: 'PATCH', data: { birthday: '1995-06-18' } });
    await expect(client.bindPhone('nope')).rejects.toMatchObject({ code: 'WECHAT_CODE_INVALID' });
  });
});

describe('staff calls', () => {
  let backend: FakeBackend;
  let client: ApiClient;
  let storage: KeyValueStorage;
  beforeEach(() => {
    backend = createFakeBackend();
    ({ client, storage } = weappClient(backend));
  });

  it('need a staff login, and never sign the member in for it', async () => {
    await expect(client.staff.listStores()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(backend.calls).toHaveLength(0);
  });

  it('keep the staff token apart from the member token', async () => {
    backend.seedMember('wx-user');
    const result = await client.staff.login({ brandCode: 'demo', username: 'clerk1', password: 'password123' });
    expect(result.staff.displayName).toBe('王小明');
    expect(client.staff.session()).toMatchObject({ staff: { username: 'clerk1', storeIds: [expect.any(String)] }, brand: { name: '示例品牌' } });
    expect(storage.get(STORAGE_KEYS.session)).toBeNull();
    expect(JSON.parse(storage.get(STORAGE_KEYS.staffSession)!)).toMatchObject({ token: result.token });

    await client.staff.listStores();
    expect(backend.calls.at(-1)?.header.Authorization).toBe(`Bearer ${result.token}`);
    await client.getMe();
    expect(backend.calls.at(-1)?.header.Authorization).not.toBe(`Bearer ${result.token}`);
    expect(client.staff.session()).not.toBeNull();
  });

  it('report wrong credentials and store nothing', async () => {
    await expect(client.staff.login({ brandCode: 'demo', username: 'clerk1', password: 'wrong-password' })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(client.staff.session()).toBeNull();
  });

  it('forget a refused staff token without logging in again', async () => {
    await client.staff.login({ brandCode: 'demo', username: 'clerk1', password: 'password123' });
    backend.expireTokens();
    await expect(client.staff.listStores()).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(client.staff.session()).toBeNull();
    expect(backend.paths().filter((p) => p.startsWith('POST /auth'))).toEqual(['POST /auth/staff/login']);
  });

  it('record a purchase with the Idempotency-Key given, and replay it', async () => {
    backend.seedMember('wx-user');
    const card = backend.cardCodeOf('wx-user');
    await client.staff.login({ brandCode: 'demo', username: 'clerk1', password: 'password123' });
    const member = await client.staff.scanCard(card);
    const body = { memberId: member.id, amountFen: 12_800 };
    const first = await client.staff.recordPurchase(body, 'ml-order-1');
    const again = await client.staff.recordPurchase(body, 'ml-order-1');
    expect(again.order.id).toBe(first.order.id);
    expect(first.order.pointsEarned).toBe(128);
    expect(backend.world('wx-user').points.balance).toBe(1280 + 128);
    await expect(client.staff.recordPurchase({ ...body, amountFen: 1 }, 'ml-order-1')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
