import { PNG_SIGNATURE } from './png';
import { startTestServer, TEST_PASSWORD, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('bakery');
  await server.createBrand('rival');
});
afterAll(() => server.close());

const login = (payload: Record<string, unknown>) => server.call({ method: 'POST', url: '/auth/staff/login', payload });

describe('staff login', () => {
  it('gives a JWT carrying role, brand and stores', async () => {
    const response = await login({ brandCode: 'bakery', username: 'clerk', password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body.staff).toMatchObject({ username: 'clerk', role: 'clerk', brandId: brand.brandId, storeIds: [brand.storeIds[0]] });
    expect(response.body.brand.code).toBe('bakery');
    expect(JSON.stringify(response.body)).not.toMatch(/password/i);
    const claims = server.app.jwt.decode<Record<string, unknown>>(response.body.token)!;
    expect(claims).toMatchObject({ kind: 'staff', role: 'clerk', brandId: brand.brandId, storeIds: [brand.storeIds[0]] });
    expect(new Date(response.body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const me = await server.call({ method: 'GET', url: '/staff/me', token: response.body.token });
    expect(me.body.staff.lastLoginAt).not.toBeNull();
  });

  it('answers every wrong combination with the same INVALID_CREDENTIALS', async () => {
    const attempts = [
      { brandCode: 'bakery', username: 'clerk', password: 'wrong-password' },
      { brandCode: 'bakery', username: 'nobody', password: TEST_PASSWORD },
      { brandCode: 'no-such-brand', username: 'clerk', password: TEST_PASSWORD },
      // staff of one brand cannot sign in to another
      { brandCode: 'rival', username: 'ghost', password: TEST_PASSWORD },
    ];
    for (const attempt of attempts) {
      const response = await login(attempt);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    }
  });

  it('locks out a disabled account at once, also for tokens issued before', async () => {
    const admin = await server.staffToken('bakery', 'admin');
    const created = await server.call({
      method: 'POST',
      url: '/staff',
      token: admin,
      payload: { username: 'temp', displayName: '临时店员', password: 'temporary-pass', role: 'clerk', storeIds: [brand.storeIds[1]] },
    });
    expect(created.status).toBe(201);
    const token = await server.staffToken('bakery', 'temp', 'temporary-pass');
    expect((await server.call({ method: 'GET', url: '/stores', token })).status).toBe(200);

    const disabled = await server.call({ method: 'PATCH', url: `/staff/${created.body.id}`, token: admin, payload: { status: 'disabled' } });
    expect(disabled.body.status).toBe('disabled');
    const afterwards = await server.call({ method: 'GET', url: '/stores', token });
    expect(afterwards.status).toBe(403);
    expect(afterwards.body.code).toBe('ACCOUNT_DISABLED');
    expect((await login({ brandCode: 'bakery', username: 'temp', password: 'temporary-pass' })).body.code).toBe('ACCOUNT_DISABLED');
  });
});

describe('roles', () => {
  it('lets each role do only its part', async () => {
    const clerk = await server.staffToken('bakery', 'clerk');
    const operator = await server.staffToken('bakery', 'operator');
    const admin = await server.staffToken('bakery', 'admin');
    const newStore = { code: 'pudong', name: '浦东店', address: '上海市浦东新区' };

    const expectations: [string, string, string, unknown, number][] = [
      [clerk, 'GET', '/staff', undefined, 403],
      [operator, 'GET', '/staff', undefined, 200],
      [clerk, 'POST', '/stores', newStore, 403],
      [operator, 'POST', '/stores', newStore, 403],
      [admin, 'POST', '/stores', newStore, 201],
      [admin, 'POST', '/stores', newStore, 409],
      [operator, 'PATCH', '/brand', { name: '新名字' }, 403],
      [admin, 'PATCH', '/brand', { timeZone: 'Asia/Urumqi' }, 200],
      [admin, 'PATCH', '/brand', { timeZone: 'Mars/Base' }, 400],
      [clerk, 'GET', '/members', undefined, 403],
      [operator, 'GET', '/members', undefined, 200],
      [clerk, 'POST', '/join-scenes', { type: 'store', storeId: brand.storeIds[0] }, 403],
      [clerk, 'POST', '/join-scenes', { type: 'clerk' }, 200],
      [clerk, 'POST', '/join-scenes', { type: 'clerk', staffId: brand.staff.clerkOfBothStores }, 403],
    ];
    for (const [token, method, url, payload, status] of expectations) {
      const response = await server.call({ method: method as 'GET', url, token, payload: payload as object });
      expect({ method, url, status: response.status }).toEqual({ method, url, status });
      if (status >= 400) expect(typeof response.body.code).toBe('string');
    }
  });

  it('shows a clerk only their own stores', async () => {
    const clerk = await server.staffToken('bakery', 'clerk');
    const stores = await server.call({ method: 'GET', url: '/stores', token: clerk });
    expect(stores.body.map((store: { id: string }) => store.id)).toEqual([brand.storeIds[0]]);
    expect((await server.call({ method: 'GET', url: `/stores/${brand.storeIds[1]}`, token: clerk })).status).toBe(404);
  });

  it('picks up a changed role on the next request', async () => {
    const admin = await server.staffToken('bakery', 'admin');
    const created = await server.call({ method: 'POST', url: '/staff', token: admin, payload: { username: 'rising', displayName: '晋升', password: 'rising-pass-1', role: 'clerk', storeIds: [brand.storeIds[0]] } });
    const token = await server.staffToken('bakery', 'rising', 'rising-pass-1');
    expect((await server.call({ method: 'GET', url: '/staff', token })).status).toBe(403);
    await server.call({ method: 'PATCH', url: `/staff/${created.body.id}`, token: admin, payload: { role: 'operator', storeIds: [] } });
    expect((await server.call({ method: 'GET', url: '/staff', token })).status).toBe(200);
  });

  it('keeps staff rules: a clerk needs a store, usernames are unique, admins cannot lock themselves out', async () => {
    const admin = await server.staffToken('bakery', 'admin');
    const noStore = await server.call({ method: 'POST', url: '/staff', token: admin, payload: { username: 'lonely', displayName: 'x', password: 'password-123', role: 'clerk' } });
    expect(noStore.body.code).toBe('CLERK_NEEDS_STORE');
    const taken = await server.call({ method: 'POST', url: '/staff', token: admin, payload: { username: 'clerk', displayName: 'x', password: 'password-123', role: 'operator' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('USERNAME_TAKEN');
    const rival = await server.createBrand('rival-2');
    const foreignStore = await server.call({ method: 'POST', url: '/staff', token: admin, payload: { username: 'spy', displayName: 'x', password: 'password-123', role: 'clerk', storeIds: [rival.storeIds[0]] } });
    expect(foreignStore.body.code).toBe('STORE_NOT_FOUND');
    const self = await server.call({ method: 'PATCH', url: `/staff/${brand.staff.admin}`, token: admin, payload: { status: 'disabled' } });
    expect(self.body.code).toBe('CANNOT_CHANGE_OWN_ACCOUNT');
  });

  it('never shows one brand’s records to another brand’s staff', async () => {
    const { member } = await server.joinMember({ user: 'iso-1', brandCode: 'bakery' });
    const rivalAdmin = await server.staffToken('rival', 'admin');
    expect((await server.call({ method: 'GET', url: `/members/${member.id}`, token: rivalAdmin })).status).toBe(404);
    expect((await server.call({ method: 'GET', url: `/stores/${brand.storeIds[0]}`, token: rivalAdmin })).status).toBe(404);
    expect((await server.call({ method: 'GET', url: `/staff/${brand.staff.clerk}`, token: rivalAdmin })).status).toBe(404);
    expect((await server.call({ method: 'PATCH', url: `/stores/${brand.storeIds[0]}`, token: rivalAdmin, payload: { name: 'x' } })).status).toBe(404);
    const list = await server.call({ method: 'GET', url: '/members', token: rivalAdmin });
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(member.id);
  });
});

describe('join codes', () => {
  it('returns the mini-program code image from WeChat for the scene', async () => {
    const operator = await server.staffToken('bakery', 'operator');
    const created = await server.call({ method: 'POST', url: '/join-scenes', token: operator, payload: { type: 'store', storeId: brand.storeIds[1], width: 300 } });
    expect(created.status).toBe(200);
    expect(created.body.joinScene).toMatchObject({ type: 'store', storeId: brand.storeIds[1], page: 'pages/join/index' });
    const png = Buffer.from(created.body.image.base64, 'base64');
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);

    const image = await server.app.inject({ method: 'GET', url: `/join-scenes/${created.body.joinScene.id}/code`, headers: { authorization: `Bearer ${operator}` } });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('recovers from an expired access token and reports WeChat failures with codes', async () => {
    const operator = await server.staffToken('bakery', 'operator');
    server.fake.injectFault({ path: '/wxa/getwxacodeunlimit', errcode: 40001 });
    const recovered = await server.call({ method: 'POST', url: '/join-scenes', token: operator, payload: { type: 'campaign', campaignId: 'double-11' } });
    expect(recovered.status).toBe(200);

    server.fake.injectFault({ path: '/wxa/getwxacodeunlimit', errcode: -1 });
    const busy = await server.call({ method: 'POST', url: '/join-scenes', token: operator, payload: { type: 'campaign', campaignId: 'double-11' } });
    expect(busy.status).toBe(503);
    expect(busy.body.code).toBe('WECHAT_UNAVAILABLE');
  });
});
