import { COUPON_ARRIVAL_TEMPLATE_ID, POINTS_EXPIRY_TEMPLATE_ID, startFakeWechat } from '../index';
import type { FakeWechat } from '../types';
import { fetchAccessToken, getJson, manualClock, postJson } from '../test-support';

describe('POST /cgi-bin/message/subscribe/send', () => {
  let fake: FakeWechat;
  let clock: ReturnType<typeof manualClock>;
  let token: string;
  let openid: string;

  const couponData = {
    thing1: { value: '满100减20券' },
    amount2: { value: '¥20.00' },
    date3: { value: '2025年3月31日 23:59' },
  };

  beforeEach(async () => {
    clock = manualClock('2025-03-01T08:00:00.000Z');
    fake = await startFakeWechat({
      clock: clock.now,
      templates: [
        { id: COUPON_ARRIVAL_TEMPLATE_ID, keys: ['thing1', 'amount2', 'date3'] },
        { id: POINTS_EXPIRY_TEMPLATE_ID, keys: ['number1', 'date2', 'thing3'] },
        { id: 'tpl-all-kinds', keys: ['character_string1', 'phrase2', 'name3', 'phone_number4', 'time5'] },
      ],
    });
    token = await fetchAccessToken(fake);
    openid = fake.mintLoginCode({ user: 'alice' }).openid;
  });
  afterEach(() => fake.close());

  const send = (body: Record<string, unknown>, accessToken = token) =>
    postJson(`${fake.url}/cgi-bin/message/subscribe/send?access_token=${accessToken}`, body);
  const coupon = (extra: Record<string, unknown> = {}) => ({
    touser: openid,
    template_id: COUPON_ARRIVAL_TEMPLATE_ID,
    page: 'pages/index/index?from=coupon',
    data: couponData,
    miniprogram_state: 'formal',
    lang: 'zh_CN',
    ...extra,
  });

  it('sends once per acceptance and records the message', async () => {
    fake.grantSubscriptions({ openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] });
    const sent = await send(coupon());
    expect(sent.status).toBe(200);
    expect(sent.body.errcode).toBe(0);
    expect(sent.body.errmsg).toBe('ok');
    expect(Number.isSafeInteger(sent.body.msgid)).toBe(true);

    const again = await send(coupon());
    expect(again.body).toEqual({ errcode: 43101, errmsg: 'user refuse to accept the msg' });

    expect(fake.sentMessages()).toEqual([
      {
        msgid: sent.body.msgid,
        appId: 'wx0000000000000001',
        touser: openid,
        templateId: COUPON_ARRIVAL_TEMPLATE_ID,
        page: 'pages/index/index?from=coupon',
        data: { thing1: '满100减20券', amount2: '¥20.00', date3: '2025年3月31日 23:59' },
        miniprogramState: 'formal',
        lang: 'zh_CN',
        sentAt: '2025-03-01T08:00:00.000Z',
      },
    ]);
  });

  it('consumes acceptances one at a time, per template', async () => {
    fake.grantSubscriptions({ openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID], count: 2 });
    const granted = fake.grantSubscriptions({ openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID, POINTS_EXPIRY_TEMPLATE_ID] });
    expect(granted.granted).toEqual({ [COUPON_ARRIVAL_TEMPLATE_ID]: 3, [POINTS_EXPIRY_TEMPLATE_ID]: 1 });

    for (let i = 0; i < 3; i += 1) expect((await send(coupon())).body.errcode).toBe(0);
    expect((await send(coupon())).body.errcode).toBe(43101);

    const points = await send({
      touser: openid,
      template_id: POINTS_EXPIRY_TEMPLATE_ID,
      data: { number1: { value: '1200' }, date2: { value: '2025-03-31' }, thing3: { value: '积分将于月底过期' } },
    });
    expect(points.body.errcode).toBe(0);
    expect(fake.sentMessages().map((m) => m.templateId)).toEqual([
      COUPON_ARRIVAL_TEMPLATE_ID,
      COUPON_ARRIVAL_TEMPLATE_ID,
      COUPON_ARRIVAL_TEMPLATE_ID,
      POINTS_EXPIRY_TEMPLATE_ID,
    ]);
    expect(fake.sentMessages()[3]).toMatchObject({ miniprogramState: 'formal', lang: 'zh_CN' });
    expect(fake.sentMessages()[3]).not.toHaveProperty('page');
  });

  it('keeps acceptances per user', async () => {
    const bob = fake.mintLoginCode({ user: 'bob' }).openid;
    fake.grantSubscriptions({ openid: bob, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] });
    expect((await send(coupon())).body.errcode).toBe(43101);
    expect((await send(coupon({ touser: bob }))).body.errcode).toBe(0);
  });

  it('answers 40003 for an openid the app has never seen', async () => {
    expect((await send(coupon({ touser: 'oNeverSeen00000000000000000' }))).body).toEqual({
      errcode: 40003,
      errmsg: 'invalid openid',
    });
    const otherAppUser = 'oOnlyInAnotherApp0000000000';
    expect((await send(coupon({ touser: otherAppUser }))).body.errcode).toBe(40003);
    expect((await send(coupon({ touser: undefined }))).body.errcode).toBe(40003);
  });

  it('answers 40037 for an unknown template_id', async () => {
    expect((await send(coupon({ template_id: 'tpl-unknown' }))).body).toEqual({
      errcode: 40037,
      errmsg: 'invalid template_id',
    });
  });

  it('answers 41030 for a page that is not published', async () => {
    fake.grantSubscriptions({ openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] });
    expect((await send(coupon({ page: 'pages/nowhere/index' }))).body.errcode).toBe(41030);
    expect(fake.sentMessages()).toHaveLength(0);
  });

  it.each([
    [{ miniprogram_state: 'production' }, 'argument invalid! miniprogram_state'],
    [{ lang: 'fr_FR' }, 'argument invalid! lang'],
    [{ data: 'thing1=x' }, 'argument invalid! data'],
  ])('answers %j with 47003', async (extra, errmsg) => {
    fake.grantSubscriptions({ openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] });
    expect((await send(coupon(extra))).body).toEqual({ errcode: 47003, errmsg });
  });

  it.each([
    ['thing1', { thing1: undefined }],
    ['thing1', { thing1: { value: '' } }],
    ['thing1', { thing1: { value: '这是一个超过二十个字的优惠券名称一定会被微信拒绝' } }],
    ['thing1', { thing1: '满100减20券' }],
    ['amount2', { amount2: { value: '20.001' } }],
    ['amount2', { amount2: { value: '¥12345678901' } }],
    ['amount2', { amount2: { value: 20 } }],
    ['date3', { date3: { value: 'next Friday' } }],
    ['date3', { date3: { value: '2025-02-30' } }],
  ])('answers a bad %s with 47003 naming it, and keeps the acceptance', async (key, override) => {
    fake.grantSubscriptions({ openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] });
    const response = await send(coupon({ data: { ...couponData, ...override } }));
    expect(response.body).toEqual({ errcode: 47003, errmsg: `argument invalid! data.${key}.value` });
    expect((await send(coupon())).body.errcode).toBe(0);
  });

  it('validates every field type of a template', async () => {
    fake.grantSubscriptions({ openid, templateIds: ['tpl-all-kinds'], count: 2 });
    const data = {
      character_string1: { value: 'ORD-20250301-0001' },
      phrase2: { value: '已到账' },
      name3: { value: '张三' },
      phone_number4: { value: '+86 138-0013-8000' },
      time5: { value: '2025-03-01 10:00~2025-03-01 12:00' },
    };
    expect((await send({ touser: openid, template_id: 'tpl-all-kinds', data })).body.errcode).toBe(0);
    const bad = { ...data, phrase2: { value: 'paid!' } };
    expect((await send({ touser: openid, template_id: 'tpl-all-kinds', data: bad })).body.errmsg).toBe(
      'argument invalid! data.phrase2.value',
    );
  });

  it('checks the access token first', async () => {
    expect((await send(coupon(), 'forged')).body.errcode).toBe(40001);
    clock.advance(7200);
    expect((await send(coupon())).body.errcode).toBe(42001);
  });

  it('grants acceptances over POST /__dev/subscriptions and lists messages over GET /__dev/messages', async () => {
    const granted = await postJson(`${fake.url}/__dev/subscriptions`, {
      openid,
      templateIds: [COUPON_ARRIVAL_TEMPLATE_ID, POINTS_EXPIRY_TEMPLATE_ID],
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      granted: { [COUPON_ARRIVAL_TEMPLATE_ID]: 1, [POINTS_EXPIRY_TEMPLATE_ID]: 1 },
    });
    expect((await send(coupon())).body.errcode).toBe(0);
    const listed = await getJson(`${fake.url}/__dev/messages`);
    expect(listed.headers.get('access-control-allow-origin')).toBe('*');
    expect(listed.body.messages).toEqual(fake.sentMessages());
    expect(listed.body.messages).toHaveLength(1);
  });

  it('registers the openid of a grant as a user of the app', async () => {
    const stored = 'oStoredBeforeRestart00000000';
    expect((await send(coupon({ touser: stored }))).body.errcode).toBe(40003);
    fake.grantSubscriptions({ openid: stored, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] });
    expect((await send(coupon({ touser: stored }))).body.errcode).toBe(0);
  });

  it.each([
    [{ openid: 'oX', templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] }, 47003, 'argument invalid! openid'],
    [{ templateIds: [COUPON_ARRIVAL_TEMPLATE_ID] }, 47003, 'argument invalid! openid'],
    [{ openid: 'oAlice00000000000', templateIds: [] }, 47003, 'argument invalid! templateIds'],
    [{ openid: 'oAlice00000000000', templateIds: ['a', 'b', 'c', 'd'] }, 47003, 'argument invalid! templateIds'],
    [{ openid: 'oAlice00000000000', templateIds: ['tpl-unknown'] }, 40037, 'invalid template_id'],
    [{ openid: 'oAlice00000000000', templateIds: [COUPON_ARRIVAL_TEMPLATE_ID], count: 0 }, 47003, 'argument invalid! count'],
  ])('rejects /__dev/subscriptions body %j', async (body, errcode, errmsg) => {
    const response = await postJson(`${fake.url}/__dev/subscriptions`, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ errcode, errmsg });
  });
});
