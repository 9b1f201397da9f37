import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('shoes');
});
afterAll(() => server.close());

const bindByWechat = (token: string, phoneNumber: string) =>
  server.call({ method: 'POST', url: '/members/me/phone', token, payload: { code: server.fake.mintPhoneCode({ phoneNumber }).code } });

const bindByClerk = (token: string, memberId: string, payload: Record<string, unknown>) =>
  server.call({ method: 'PUT', url: `/members/${memberId}/phone`, token, payload });

describe('phone binding', () => {
  it('binds the member’s own phone from WeChat’s phone-number code; only the member sees it in full', async () => {
    const { token, member } = await server.joinMember({ user: 'p-anna', brandCode: 'shoes' });
    const bound = await bindByWechat(token, '13911112222');
    expect(bound.status).toBe(200);
    expect(bound.body.phone).toBe('13911112222');
    expect(bound.body.phoneBoundAt).toBe(server.clock.now().toISOString());

    const clerk = await server.staffToken('shoes', 'clerk');
    const seenByClerk = await server.call({ method: 'GET', url: `/members/${member.id}`, token: clerk });
    expect(seenByClerk.status).toBe(200);
    expect(seenByClerk.body.maskedPhone).toBe('139****2222');
    expect(JSON.stringify(seenByClerk.body)).not.toContain('13911112222');

    const found = await server.call({ method: 'GET', url: '/members?phone=139-1111-2222', token: clerk });
    expect(found.body.total).toBe(1);
    expect(found.body.items[0].id).toBe(member.id);
    expect(JSON.stringify(found.body)).not.toContain('13911112222');
  });

  it('refuses a phone already bound to another member of the brand, and merges nobody', async () => {
    const first = await server.joinMember({ user: 'p-ben', brandCode: 'shoes' });
    const second = await server.joinMember({ user: 'p-cara', brandCode: 'shoes' });
    expect((await bindByWechat(first.token, '13922223333')).status).toBe(200);

    const conflict = await bindByWechat(second.token, '13922223333');
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('PHONE_ALREADY_BOUND');

    const clerk = await server.staffToken('shoes', 'clerk');
    const clerkConflict = await bindByClerk(clerk, second.member.id, { phone: '+86 139 2222 3333' });
    expect(clerkConflict.status).toBe(409);
    expect(clerkConflict.body.code).toBe('PHONE_ALREADY_BOUND');

    const secondProfile = await server.call({ method: 'GET', url: '/members/me', token: second.token });
    expect(secondProfile.body.phone).toBeNull();
    const firstProfile = await server.call({ method: 'GET', url: '/members/me', token: first.token });
    expect(firstProfile.body.phone).toBe('13922223333');
  });

  it('lets a clerk bind the phone a member gives at the counter', async () => {
    const { token, member } = await server.joinMember({ user: 'p-dan', brandCode: 'shoes' });
    const clerk = await server.staffToken('shoes', 'clerk');
    const bound = await bindByClerk(clerk, member.id, { phone: '139 3333 4444' });
    expect(bound.status).toBe(200);
    expect(bound.body.maskedPhone).toBe('139****4444');
    expect(bound.body).not.toHaveProperty('phone');

    const own = await server.call({ method: 'GET', url: '/members/me', token });
    expect(own.body.phone).toBe('13933334444');

    // the same phone again changes nothing; another phone is the member's own business
    expect((await bindByClerk(clerk, member.id, { phone: '13933334444' })).status).toBe(200);
    const other = await bindByClerk(clerk, member.id, { phone: '13955556666' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('MEMBER_PHONE_ALREADY_SET');

    // while the member may change their own number
    const changed = await bindByWechat(token, '13955556666');
    expect(changed.body.phone).toBe('13955556666');
  });

  it('checks the number, the clerk’s store and the brand', async () => {
    const { member } = await server.joinMember({ user: 'p-eve', brandCode: 'shoes' });
    const clerk = await server.staffToken('shoes', 'clerk');
    const invalid = await bindByClerk(clerk, member.id, { phone: '12345678901' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('PHONE_INVALID');

    const otherStore = await bindByClerk(clerk, member.id, { phone: '13966667777', storeId: brand.storeIds[1] });
    expect(otherStore.status).toBe(403);
    expect(otherStore.body.code).toBe('STORE_NOT_ASSIGNED');

    const twoStores = await server.staffToken('shoes', 'clerkOfBothStores');
    const needsStore = await bindByClerk(twoStores, member.id, { phone: '13966667777' });
    expect(needsStore.body.code).toBe('VALIDATION_FAILED');
    expect((await bindByClerk(twoStores, member.id, { phone: '13966667777', storeId: brand.storeIds[1] })).status).toBe(200);

    await server.createBrand('hats');
    const foreignClerk = await server.staffToken('hats', 'clerk');
    const foreign = await bindByClerk(foreignClerk, member.id, { phone: '13977778888' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('MEMBER_NOT_FOUND');
    expect((await server.call({ method: 'GET', url: `/members/${member.id}`, token: foreignClerk })).status).toBe(404);
  });

  it('binds a contested phone to exactly one of two members racing for it', async () => {
    const a = await server.joinMember({ user: 'p-race-a', brandCode: 'shoes' });
    const b = await server.joinMember({ user: 'p-race-b', brandCode: 'shoes' });
    const clerk = await server.staffToken('shoes', 'clerk');
    const results = await Promise.all([
      bindByWechat(a.token, '13988889999'),
      bindByClerk(clerk, b.member.id, { phone: '13988889999' }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    expect(results.find((result) => result.status === 409)!.body.code).toBe('PHONE_ALREADY_BOUND');
  });

  it('maps a bad or reused WeChat phone code to WECHAT_CODE_INVALID', async () => {
    const { token } = await server.joinMember({ user: 'p-fay', brandCode: 'shoes' });
    const bad = await server.call({ method: 'POST', url: '/members/me/phone', token, payload: { code: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('WECHAT_CODE_INVALID');
    const { code } = server.fake.mintPhoneCode({ phoneNumber: '13900001111' });
    expect((await server.call({ method: 'POST', url: '/members/me/phone', token, payload: { code } })).status).toBe(200);
    expect((await server.call({ method: 'POST', url: '/members/me/phone', token, payload: { code } })).body.code).toBe('WECHAT_CODE_INVALID');
  });
});

describe('marketing consent', () => {
  it('is off at join, opts in and out with timestamps, and keeps the history', async () => {
    const { token, member } = await server.joinMember({ user: 'c-gus', brandCode: 'shoes' });
    expect(member.marketingConsent.granted).toBe(false);

    const optIn = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token, payload: { granted: true } });
    expect(optIn.status).toBe(200);
    expect(optIn.body.marketingConsent).toEqual({ granted: true, changedAt: '2026-11-24T08:00:00.000Z' });

    server.clock.advance(60_000);
    const repeat = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token, payload: { granted: true } });
    expect(repeat.body.marketingConsent.changedAt).toBe('2026-11-24T08:00:00.000Z');

    server.clock.advance(3_600_000);
    const optOut = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token, payload: { granted: false } });
    expect(optOut.body.marketingConsent).toEqual({ granted: false, changedAt: '2026-11-24T09:01:00.000Z' });

    const history = await server.call({ method: 'GET', url: '/members/me/marketing-consent', token });
    expect(history.body).toEqual({
      current: { granted: false, changedAt: '2026-11-24T09:01:00.000Z' },
      events: [
        { granted: false, at: '2026-11-24T09:01:00.000Z', source: 'member' },
        { granted: true, at: '2026-11-24T08:00:00.000Z', source: 'member' },
      ],
    });

    const clerk = await server.staffToken('shoes', 'clerk');
    const seen = await server.call({ method: 'GET', url: `/members/${member.id}`, token: clerk });
    expect(seen.body.marketingConsent.granted).toBe(false);
  });

  it('an explicit opt-out at first is recorded too', async () => {
    const { token } = await server.joinMember({ user: 'c-hal', brandCode: 'shoes' });
    const optOut = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token, payload: { granted: false } });
    expect(optOut.body.marketingConsent.granted).toBe(false);
    expect(optOut.body.marketingConsent.changedAt).not.toBeNull();
    const history = await server.call({ method: 'GET', url: '/members/me/marketing-consent', token });
    expect(history.body.events).toHaveLength(1);
  });

  it('rejects a consent that is not a boolean', async () => {
    const { token } = await server.joinMember({ user: 'c-ivy', brandCode: 'shoes' });
    for (const payload of [{ granted: 'yes' }, {}, { granted: true, extra: 1 }]) {
      const response = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token, payload });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('profile', () => {
  it('lets a member set a nickname and birthday, and rejects impossible dates', async () => {
    const { token } = await server.joinMember({ user: 'pr-jo', brandCode: 'shoes' });
    const updated = await server.call({ method: 'PATCH', url: '/members/me', token, payload: { nickname: '小乔', birthday: '1995-06-18' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ nickname: '小乔', birthday: '1995-06-18' });
    const impossible = await server.call({ method: 'PATCH', url: '/members/me', token, payload: { birthday: '1995-02-30' } });
    expect(impossible.status).toBe(400);
    expect(impossible.body.code).toBe('VALIDATION_FAILED');
    const future = await server.call({ method: 'PATCH', url: '/members/me', token, payload: { birthday: '2030-01-01' } });
    expect(future.body.code).toBe('VALIDATION_FAILED');
    const unchanged = await server.call({ method: 'GET', url: '/members/me', token });
    expect(unchanged.body.birthday).toBe('1995-06-18');
  });
});
