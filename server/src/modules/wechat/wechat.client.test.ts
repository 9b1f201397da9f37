import { startFakeWechat, type FakeWechat } from '@memberloop/scripts';
import { fixedClock } from '@memberloop/shared';
import { createWechatClient, type WechatClient } from './wechat.client';
import { WechatApiError } from './wechat.errors';

const APP = { appId: 'wx00000000000000a1', secret: 'client-test-secret' };

describe('WeChat client against the fake WeChat API', () => {
  let fake: FakeWechat;
  let fakeNow: number;
  let clock: ReturnType<typeof fixedClock>;
  let client: WechatClient;

  beforeAll(async () => {
    fakeNow = Date.UTC(2026, 10, 24, 8);
    fake = await startFakeWechat({ apps: [{ ...APP, issueUnionid: true }], clock: () => fakeNow });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    clock = fixedClock(new Date(fakeNow));
    client = createWechatClient({ baseUrl: fake.url, appId: APP.appId, appSecret: APP.secret, clock });
  });

  const tokenCalls = () => fake.stats().calls['/cgi-bin/stable_token'] ?? 0;

  it('fetches the access token once for 50 concurrent callers', async () => {
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]!.length).toBeGreaterThan(20);
    expect(tokenCalls()).toBe(1);
  });

  it('refreshes once, ahead of expiry, however many callers ask then', async () => {
    const first = await client.accessToken();
    clock.advance(60 * 60 * 1000);
    fakeNow += 60 * 60 * 1000;
    expect(await client.accessToken()).toBe(first);
    expect(tokenCalls()).toBe(1);

    // 7200 s lifetime, refreshed 300 s before the end: at 6900 s
    clock.advance(3_301 * 1000);
    fakeNow += 3_301 * 1000;
    const refreshed = await Promise.all(Array.from({ length: 50 }, () => client.accessToken()));
    expect(new Set(refreshed).size).toBe(1);
    expect(tokenCalls()).toBe(2);
  });

  it('replaces a rejected token once and retries the call', async () => {
    await client.accessToken();
    fake.injectFault({ path: '/wxa/business/getuserphonenumber', errcode: 40001 });
    const { code } = fake.mintPhoneCode({ phoneNumber: '13812345678' });
    const phone = await client.phoneNumber(code);
    expect(phone).toEqual({ phoneNumber: '13812345678', purePhoneNumber: '13812345678', countryCode: '86' });
    expect(tokenCalls()).toBe(2);
  });

  it('exchanges a login code once, with openid, unionid and session key', async () => {
    const minted = fake.mintLoginCode({ user: 'client-user' });
    const session = await client.code2session(minted.code);
    expect(session.openid).toBe(minted.openid);
    expect(session.unionid).toBe(minted.unionid);
    expect(session.sessionKey).toMatch(/^[A-Za-z0-9+/=]{24}$/);
    await expect(client.code2session(minted.code)).rejects.toMatchObject({ errcode: 40029 });
  });

  it('reports WeChat errors with their errcode and network trouble as transient', async () => {
    fake.injectFault({ path: '/sns/jscode2session', errcode: 45011 });
    const limited = await client.code2session('x').catch((error) => error);
    expect(limited).toBeInstanceOf(WechatApiError);
    expect(limited.errcode).toBe(45011);
    expect(limited.isTransient).toBe(false);

    const unreachable = createWechatClient({ baseUrl: 'http://127.0.0.1:1', appId: APP.appId, appSecret: APP.secret, timeoutMs: 500 });
    const down = await unreachable.code2session('x').catch((error) => error);
    expect(down).toBeInstanceOf(WechatApiError);
    expect(down.errcode).toBeNull();
    expect(down.isTransient).toBe(true);

    fake.injectFault({ path: '/sns/jscode2session', delayMs: 800 });
    const slow = createWechatClient({ baseUrl: fake.url, appId: APP.appId, appSecret: APP.secret, timeoutMs: 200 });
    const timedOut = await slow.code2session('x').catch((error) => error);
    expect(timedOut.errmsg).toMatch(/timed out/);
  });

  it('retries the token endpoint once when WeChat is busy', async () => {
    fake.injectFault({ path: '/cgi-bin/stable_token', errcode: -1 });
    expect(await client.accessToken()).toBeTruthy();
    expect(tokenCalls()).toBe(2);
  });

  it('refuses a wrong secret with WeChat’s code', async () => {
    const wrong = createWechatClient({ baseUrl: fake.url, appId: APP.appId, appSecret: 'wrong' });
    await expect(wrong.accessToken()).rejects.toMatchObject({ errcode: 40125 });
  });

  it('gets a mini-program code image and sends a subscribe message within the member’s quota', async () => {
    const image = await client.miniProgramCode({ scene: 'ABC123', page: 'pages/join/index', width: 280 });
    expect(image.contentType).toBe('image/png');
    expect(image.image.subarray(1, 4).toString()).toBe('PNG');
    await expect(client.miniProgramCode({ scene: 'ABC123', page: 'pages/nowhere/index' })).rejects.toMatchObject({ errcode: 41030 });

    const { openid } = fake.mintLoginCode({ user: 'subscriber' });
    const templateId = firstTemplateId();
    expect(fake.grantSubscriptions({ openid, templateIds: [templateId] }).granted[templateId]).toBe(1);
    const message = { touser: openid, templateId, data: dataFor(templateId) };
    const sent = await client.sendSubscribeMessage(message);
    expect(sent.msgid).toBeTruthy();
    await expect(client.sendSubscribeMessage(message)).rejects.toMatchObject({ errcode: 43101 });
    expect(fake.sentMessages()).toHaveLength(1);
  });
});

import { DEFAULT_TEMPLATES } from '@memberloop/scripts';

function firstTemplateId(): string {
  return DEFAULT_TEMPLATES[0]!.id;
}

/** Valid data for a template: a short value of the right kind for each key. */
function dataFor(templateId: string): Record<string, { value: string }> {
  const template = DEFAULT_TEMPLATES.find((t) => t.id === templateId)!;
  const sample: Record<string, string> = { thing: '优惠券到账', amount: '¥20.00', date: '2026-11-24', number: '100', character_string: 'A1', phrase: '已到账', name: '张三', phone_number: '13800138000', time: '2026-11-24 10:00' };
  return Object.fromEntries(template.keys.map((key) => [key, { value: sample[key.replace(/\d+$/, '')] ?? 'x' }]));
}
