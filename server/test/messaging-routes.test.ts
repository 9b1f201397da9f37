import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { COUPON_TEMPLATE, enqueue, memberWith, message } from './messaging-fixtures';

let server: TestServer;
let brand: BrandFixture;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('inbox');
  await server.createBrand('other');
});
afterAll(() => server.close());

const sendDue = () => server.app.services.messaging.sendDue();

describe('subscribe-message acceptances', () => {
  it('adds one acceptance per accept report, ignores the other answers', async () => {
    const member = await memberWith(server, 'inbox', 'sub-route-a');
    const first = await server.call({
      method: 'POST',
      url: '/members/me/subscriptions',
      token: member.token,
      payload: { results: { [COUPON_TEMPLATE]: 'accept', 'dev-tpl-points-expiry': 'reject', 'tpl-banned': 'ban' } },
    });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([{ templateId: COUPON_TEMPLATE, remaining: 1, updatedAt: '2026-11-24T08:00:00.000Z' }]);
    await server.call({ method: 'POST', url: '/members/me/subscriptions', token: member.token, payload: { results: { [COUPON_TEMPLATE]: 'accept', 'dev-tpl-points-expiry': 'accept' } } });
    const list = await server.call({ method: 'GET', url: '/members/me/subscriptions', token: member.token });
    expect(list.body.items.map((i: { templateId: string; remaining: number }) => [i.templateId, i.remaining])).toEqual([
      [COUPON_TEMPLATE, 2],
      ['dev-tpl-points-expiry', 1],
    ]);
  });

  it('refuses more than three templates, unknown answers and staff tokens', async () => {
    const member = await memberWith(server, 'inbox', 'sub-route-b');
    const four = await server.call({ method: 'POST', url: '/members/me/subscriptions', token: member.token, payload: { results: { a: 'accept', b: 'accept', c: 'accept', d: 'accept' } } });
    expect(four.status).toBe(400);
    const odd = await server.call({ method: 'POST', url: '/members/me/subscriptions', token: member.token, payload: { results: { a: 'maybe' } } });
    expect(odd.body.code).toBe('VALIDATION_FAILED');
    const staff = await server.staffToken('inbox', 'admin');
    expect((await server.call({ method: 'GET', url: '/members/me/subscriptions', token: staff })).status).toBe(403);
  });
});

describe('the inbox', () => {
  it('lists my messages newest first with the unread count; reading one or all updates it', async () => {
    const member = await memberWith(server, 'inbox', 'inbox-a');
    const other = await memberWith(server, 'inbox', 'inbox-b');
    for (const [i, at] of ['2026-11-24T08:00:00Z', '2026-11-24T08:01:00Z', '2026-11-24T08:02:00Z'].entries()) {
      server.clock.set(at);
      await enqueue(server, [message(brand.brandId, member.id, { notBefore: new Date(at), variables: { name: '小明', coupon: `券${i + 1}` } })]);
      await sendDue();
    }
    await enqueue(server, [message(brand.brandId, other.id, { notBefore: server.clock.now() })]);
    await sendDue();

    const page = await server.call({ method: 'GET', url: '/members/me/inbox?limit=2', token: member.token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 3, unread: 3 });
    expect(page.body.items.map((m: { body: string }) => m.body)).toEqual(['小明，您的券3已到账，前有效', '小明，您的券2已到账，前有效']);
    expect(page.body.items[0]).toEqual({ id: expect.stringMatching(/^inb_/), title: '优惠券到账', body: '小明，您的券3已到账，前有效', link: '/pages/coupons/index', createdAt: '2026-11-24T08:02:00.000Z', readAt: null });
    const rest = await server.call({ method: 'GET', url: '/members/me/inbox?limit=2&offset=2', token: member.token });
    expect(rest.body.items.map((m: { body: string }) => m.body)).toEqual(['小明，您的券1已到账，前有效']);

    const newest = page.body.items[0].id as string;
    server.clock.set('2026-11-24T09:00:00Z');
    const read = await server.call({ method: 'POST', url: `/members/me/inbox/${newest}/read`, token: member.token });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBe('2026-11-24T09:00:00.000Z');
    server.clock.set('2026-11-24T10:00:00Z');
    const again = await server.call({ method: 'POST', url: `/members/me/inbox/${newest}/read`, token: member.token });
    expect(again.body.readAt).toBe('2026-11-24T09:00:00.000Z');
    expect((await server.call({ method: 'GET', url: '/members/me/inbox', token: member.token })).body.unread).toBe(2);

    // another member's message is not found for me
    const theirs = (await server.call({ method: 'GET', url: '/members/me/inbox', token: other.token })).body.items[0].id as string;
    const notMine = await server.call({ method: 'POST', url: `/members/me/inbox/${theirs}/read`, token: member.token });
    expect(notMine.status).toBe(404);
    expect(notMine.body.code).toBe('INBOX_MESSAGE_NOT_FOUND');

    const all = await server.call({ method: 'POST', url: '/members/me/inbox/read-all', token: member.token });
    expect(all.body).toEqual({ marked: 2, unread: 0 });
    expect((await server.call({ method: 'GET', url: '/members/me/inbox', token: member.token })).body.unread).toBe(0);
    expect((await server.call({ method: 'GET', url: '/members/me/inbox', token: other.token })).body.unread).toBe(1);
  });
});

describe('operator settings and the outbox view', () => {
  it('shows defaults, changes them, refuses unknown SMS providers and clerks', async () => {
    const operator = await server.staffToken('inbox', 'operator');
    const defaults = await server.call({ method: 'GET', url: '/messaging/settings', token: operator });
    expect(defaults.body).toEqual({ quietStart: '21:00', quietEnd: '09:00', channelOrder: ['wechat', 'sms', 'inbox'], smsProvider: 'dev', timeZone: 'Asia/Shanghai', smsProviders: ['dev'] });
    const changed = await server.call({ method: 'PUT', url: '/messaging/settings', token: operator, payload: { quietStart: '22:00', channelOrder: ['sms', 'inbox'] } });
    expect(changed.body).toMatchObject({ quietStart: '22:00', quietEnd: '09:00', channelOrder: ['sms', 'inbox'] });
    const unknown = await server.call({ method: 'PUT', url: '/messaging/settings', token: operator, payload: { smsProvider: 'aliyun' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].path).toBe('body/smsProvider');
    const badTime = await server.call({ method: 'PUT', url: '/messaging/settings', token: operator, payload: { quietStart: '25:00' } });
    expect(badTime.status).toBe(400);
    const clerk = await server.staffToken('inbox', 'clerk');
    expect((await server.call({ method: 'GET', url: '/messaging/settings', token: clerk })).status).toBe(403);
    // another brand keeps its own defaults
    const otherOperator = await server.staffToken('other', 'operator');
    expect((await server.call({ method: 'GET', url: '/messaging/settings', token: otherOperator })).body.quietStart).toBe('21:00');
    await server.call({ method: 'PUT', url: '/messaging/settings', token: operator, payload: { quietStart: '21:00', channelOrder: ['wechat', 'sms', 'inbox'] } });
  });

  it('lists deliveries with receipts, filtered by status and member, only of the brand', async () => {
    server.clock.set('2026-11-24T08:00:00Z');
    const member = await memberWith(server, 'inbox', 'outbox-a', { consent: false });
    const [suppressed, sent] = await enqueue(server, [message(brand.brandId, member.id), message(brand.brandId, member.id, { source: 'system', marketing: false, sourceRef: 'welcome-1' })]);
    await sendDue();
    const operator = await server.staffToken('inbox', 'admin');
    const list = await server.call({ method: 'GET', url: `/messaging/outbox?memberId=${member.id}`, token: operator });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    const byId = Object.fromEntries(list.body.items.map((item: { id: string }) => [item.id, item]));
    expect(byId[suppressed!]).toMatchObject({ status: 'suppressed', lastError: 'no marketing consent', channel: null, attempts: 0, receipt: [{ outcome: 'suppressed', reason: 'no marketing consent' }] });
    expect(byId[sent!]).toMatchObject({ status: 'sent', channel: 'inbox', sourceRef: 'welcome-1', sentAt: '2026-11-24T08:00:00.000Z', receipt: [
        expect.objectContaining({ channel: 'wechat', outcome: 'skipped', reason: 'no subscribe acceptance left' }),
        expect.objectContaining({ channel: 'sms', outcome: 'skipped', reason: 'no bound phone' }),
        expect.objectContaining({ channel: 'inbox', outcome: 'sent' }),
      ] });
    const onlySent = await server.call({ method: 'GET', url: `/messaging/outbox?memberId=${member.id}&status=sent`, token: operator });
    expect(onlySent.body.items.map((item: { id: string }) => item.id)).toEqual([sent]);
    const otherBrand = await server.staffToken('other', 'admin');
    expect((await server.call({ method: 'GET', url: `/messaging/outbox?memberId=${member.id}`, token: otherBrand })).body.total).toBe(0);
  });
});
