import { startFakeWechat } from '../index';
import type { FakeWechat } from '../types';
import { APP_ID, APP_SECRET, getJson, jscode2sessionUrl, manualClock, postJson } from '../test-support';

describe('GET /sns/jscode2session', () => {
  let fake: FakeWechat;
  let clock: ReturnType<typeof manualClock>;
  const unionApp = { appId: 'wx00000000000000u1', secret: 'union-secret', issueUnionid: true };

  beforeEach(async () => {
    clock = manualClock();
    fake = await startFakeWechat({ clock: clock.now, apps: [{ appId: APP_ID, secret: APP_SECRET }, unionApp] });
  });
  afterEach(() => fake.close());

  it('exchanges a login code for openid and session_key, without unionid for a plain app', async () => {
    const { code, openid, unionid } = fake.mintLoginCode({ user: 'alice' });
    expect(unionid).toBeUndefined();
    const { status, body } = await getJson(jscode2sessionUrl(fake, code));
    expect(status).toBe(200);
    expect(body.errcode).toBe(0);
    expect(body.errmsg).toBe('ok');
    expect(body.openid).toBe(openid);
    expect(body.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(body).not.toHaveProperty('unionid');
    expect(Buffer.from(body.session_key as string, 'base64')).toHaveLength(16);
  });

  it('gives a person the same openid per app and the same unionid across apps', async () => {
    const inPlain = fake.mintLoginCode({ user: 'bob' });
    const inUnion = fake.mintLoginCode({ user: 'bob', appId: unionApp.appId });
    const again = fake.mintLoginCode({ user: 'bob', appId: unionApp.appId });
    expect(inUnion.openid).not.toBe(inPlain.openid);
    expect(again.openid).toBe(inUnion.openid);
    expect(fake.openidFor('bob', unionApp.appId)).toBe(inUnion.openid);

    const first = await getJson(jscode2sessionUrl(fake, inUnion.code, unionApp.appId, unionApp.secret));
    const second = await getJson(jscode2sessionUrl(fake, again.code, unionApp.appId, unionApp.secret));
    expect(first.body.unionid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(second.body.unionid).toBe(first.body.unionid);
    expect(second.body.session_key).not.toBe(first.body.session_key);

    const carol = fake.mintLoginCode({ user: 'carol', appId: unionApp.appId });
    expect(carol.unionid).toBeDefined();
    expect(carol.unionid).not.toBe(first.body.unionid);
  });

  it('accepts a code only once', async () => {
    const { code } = fake.mintLoginCode();
    expect((await getJson(jscode2sessionUrl(fake, code))).body.errcode).toBe(0);
    expect((await getJson(jscode2sessionUrl(fake, code))).body).toEqual({ errcode: 40029, errmsg: 'invalid code' });
  });

  it('rejects unknown and expired codes, and codes minted for another app', async () => {
    expect((await getJson(jscode2sessionUrl(fake, 'never-minted'))).body.errcode).toBe(40029);

    const late = fake.mintLoginCode();
    clock.advance(300);
    expect((await getJson(jscode2sessionUrl(fake, late.code))).body.errcode).toBe(40029);

    const justInTime = fake.mintLoginCode();
    clock.advance(299);
    expect((await getJson(jscode2sessionUrl(fake, justInTime.code))).body.errcode).toBe(0);

    const otherApp = fake.mintLoginCode({ appId: unionApp.appId });
    expect((await getJson(jscode2sessionUrl(fake, otherApp.code))).body.errcode).toBe(40029);
  });

  it('limits one user to 100 calls a minute', async () => {
    for (let i = 0; i < 100; i += 1) {
      const { code } = fake.mintLoginCode({ user: 'busy' });
      expect((await getJson(jscode2sessionUrl(fake, code))).body.errcode).toBe(0);
    }
    const blocked = fake.mintLoginCode({ user: 'busy' });
    const refused = await getJson(jscode2sessionUrl(fake, blocked.code));
    expect(refused.body.errcode).toBe(45011);

    // another user is not affected
    const other = fake.mintLoginCode({ user: 'calm' });
    expect((await getJson(jscode2sessionUrl(fake, other.code))).body.errcode).toBe(0);

    // the refused code was not used up, and works once the minute has passed
    clock.advance(60);
    expect((await getJson(jscode2sessionUrl(fake, blocked.code))).body.errcode).toBe(0);
  });

  it.each([
    ['an unknown appid', { appid: 'wx9999999999999999' }, 40013],
    ['a wrong secret', { secret: 'wrong' }, 40125],
    ['no appid', { appid: '' }, 41002],
    ['no secret', { secret: '' }, 41004],
    ['a wrong grant_type', { grant_type: 'client_credential' }, 40002],
    ['no js_code', { js_code: '' }, 41008],
  ])('answers %s with its errcode', async (_case, override, errcode) => {
    const { code } = fake.mintLoginCode();
    const params = { appid: APP_ID, secret: APP_SECRET, js_code: code, grant_type: 'authorization_code', ...override };
    const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== ''));
    const { status, body } = await getJson(`${fake.url}/sns/jscode2session?${query.toString()}`);
    expect(status).toBe(200);
    expect(body.errcode).toBe(errcode);
  });

  it('logs in as a given openid', async () => {
    const stored = 'oStoredOpenid000000000000001';
    const { code, openid } = fake.mintLoginCode({ openid: stored });
    expect(openid).toBe(stored);
    expect((await getJson(jscode2sessionUrl(fake, code))).body.openid).toBe(stored);
  });

  it('mints codes over POST /__dev/login-code with CORS', async () => {
    const response = await postJson(`${fake.url}/__dev/login-code`, { appid: unionApp.appId, user: 'dave' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.body.errcode).toBe(0);
    expect(response.body.openid).toBe(fake.openidFor('dave', unionApp.appId));
    expect(typeof response.body.unionid).toBe('string');
    const session = await getJson(jscode2sessionUrl(fake, response.body.code as string, unionApp.appId, unionApp.secret));
    expect(session.body.openid).toBe(response.body.openid);
    expect(session.body.unionid).toBe(response.body.unionid);
  });

  it('mints a code for a new random user when none is named', async () => {
    const a = await postJson(`${fake.url}/__dev/login-code`, '');
    const b = await postJson(`${fake.url}/__dev/login-code`, {});
    expect(a.body.errcode).toBe(0);
    expect(a.body.code).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a.body.openid).not.toBe(b.body.openid);
  });

  it('rejects bad /__dev/login-code input with HTTP 400', async () => {
    const unknownApp = await postJson(`${fake.url}/__dev/login-code`, { appid: 'wx9999999999999999' });
    expect(unknownApp.status).toBe(400);
    expect(unknownApp.body.errcode).toBe(40013);
    const both = await postJson(`${fake.url}/__dev/login-code`, { user: 'x', openid: 'oStoredOpenid000000000000001' });
    expect(both.body.errcode).toBe(47003);
    const badOpenid = await postJson(`${fake.url}/__dev/login-code`, { openid: 'has spaces' });
    expect(badOpenid.body).toEqual({ errcode: 47003, errmsg: 'argument invalid! openid' });
    expect(() => fake.mintLoginCode({ appId: 'wx9999999999999999' })).toThrow(/invalid appid/);
  });
});
