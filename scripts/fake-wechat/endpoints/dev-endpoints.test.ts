import { COUPON_ARRIVAL_TEMPLATE_ID, FakeWechatError, startFakeWechat } from '../index';
import type { FakeWechat, RequestLogEntry } from '../types';
import { fetchAccessToken, getJson, jscode2sessionUrl, manualClock, postJson } from '../test-support';

describe('/__dev/ endpoints and in-process helpers', () => {
  let fake: FakeWechat;
  let clock: ReturnType<typeof manualClock>;
  let logged: RequestLogEntry[];

  beforeEach(async () => {
    clock = manualClock();
    logged = [];
    fake = await startFakeWechat({ clock: clock.now, onRequest: (entry) => logged.push(entry) });
  });
  afterEach(() => fake.close());

  describe('faults', () => {
    it('fails the next call to a path with the injected errcode, then recovers', async () => {
      const added = await postJson(`${fake.url}/__dev/faults`, { path: '/sns/jscode2session', errcode: -1 });
      expect(added.status).toBe(200);
      expect(added.body.errcode).toBe(0);

      const { code } = fake.mintLoginCode({ user: 'alice' });
      const failed = await getJson(jscode2sessionUrl(fake, code));
      expect(failed.status).toBe(200);
      expect(failed.body).toEqual({ errcode: -1, errmsg: 'system error' });
      // the code was not used by the failed call
      const retried = await getJson(jscode2sessionUrl(fake, code));
      expect(retried.body.errcode).toBe(0);
    });

    it('hits `times` calls, in order of injection, and only on its path', async () => {
      fake.injectFault({ path: '/cgi-bin/stable_token', errcode: 45011, times: 2 });
      fake.injectFault({ path: '/cgi-bin/stable_token', errcode: 40226, errmsg: 'high risk' });
      const body = { grant_type: 'client_credential', appid: 'wx0000000000000001', secret: 'dev-app-secret-change-me' };
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push((await postJson(`${fake.url}/cgi-bin/stable_token`, body)).body);
      expect(answers.map((a) => a.errcode)).toEqual([45011, 45011, 40226, 0]);
      expect(answers[0]?.errmsg).toBe('api minute-quota reach limit mustslower retry next minute');
      expect(answers[2]?.errmsg).toBe('high risk');
      expect(fake.stats().errcodes['/cgi-bin/stable_token']).toEqual({ '45011': 2, '40226': 1, '0': 1 });
    });

    it('can fail with another HTTP status', async () => {
      fake.injectFault({ path: '/wxa/getwxacodeunlimit', httpStatus: 503 });
      const token = await fetchAccessToken(fake);
      const response = await postJson(`${fake.url}/wxa/getwxacodeunlimit?access_token=${token}`, { scene: 'a=1' });
      expect(response.status).toBe(503);
      expect(response.body.errcode).toBe(-1);
    });

    it('can only delay a call', async () => {
      fake.injectFault({ path: '/cgi-bin/stable_token', delayMs: 150 });
      const started = Date.now();
      const token = await fetchAccessToken(fake);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(token.length).toBeGreaterThanOrEqual(100);
    });

    it('lists pending faults and clears them with DELETE', async () => {
      fake.injectFault({ path: '/sns/jscode2session', errcode: 40226, times: 3 });
      const listed = await getJson(`${fake.url}/__dev/faults`);
      expect(listed.body.faults).toEqual([
        { path: '/sns/jscode2session', errcode: 40226, remaining: 3, httpStatus: 200, delayMs: 0 },
      ]);
      const cleared = await fetch(`${fake.url}/__dev/faults`, { method: 'DELETE' });
      expect(cleared.status).toBe(200);
      const { code } = fake.mintLoginCode();
      expect((await getJson(jscode2sessionUrl(fake, code))).body.errcode).toBe(0);
    });

    it.each([
      [{ errcode: -1 }, 'argument invalid! path'],
      [{ path: 'sns/jscode2session', errcode: -1 }, 'argument invalid! path'],
      [{ path: '/__dev/reset', errcode: -1 }, 'argument invalid! path'],
      [{ path: '/sns/jscode2session', errcode: 0 }, 'argument invalid! errcode'],
      [{ path: '/sns/jscode2session', errcode: 'boom' }, 'argument invalid! errcode'],
      [{ path: '/sns/jscode2session', errcode: -1, times: 0 }, 'argument invalid! times'],
      [{ path: '/sns/jscode2session', errcode: -1, httpStatus: 99 }, 'argument invalid! httpStatus'],
      [{ path: '/sns/jscode2session', errcode: -1, delayMs: -5 }, 'argument invalid! delayMs'],
    ])('rejects fault %j', async (body, errmsg) => {
      const response = await postJson(`${fake.url}/__dev/faults`, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ errcode: 47003, errmsg });
    });

    it('throws FakeWechatError from the in-process helper on a bad fault', () => {
      let thrown: unknown;
      try {
        fake.injectFault({ path: 'nope', errcode: -1 });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(FakeWechatError);
      expect((thrown as FakeWechatError).errcode).toBe(47003);
      expect((thrown as FakeWechatError).message).toBe('argument invalid! path (errcode 47003)');
    });
  });

  it('counts WeChat calls per path in GET /__dev/stats, not dev calls', async () => {
    await fetchAccessToken(fake);
    await fetchAccessToken(fake);
    await getJson(`${fake.url}/sns/jscode2session`);
    await postJson(`${fake.url}/__dev/login-code`, {});
    const { body } = await getJson(`${fake.url}/__dev/stats`);
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      calls: { '/cgi-bin/stable_token': 2, '/sns/jscode2session': 1 },
      errcodes: { '/cgi-bin/stable_token': { '0': 2 }, '/sns/jscode2session': { '41002': 1 } },
    });
    expect(fake.stats()).toEqual({ calls: body.calls, errcodes: body.errcodes });
  });

  it('POST /__dev/reset clears codes, tokens, faults, stats, quotas and messages but keeps users', async () => {
    const token = await fetchAccessToken(fake);
    const alice = fake.mintLoginCode({ user: 'alice' });
    const phone = fake.mintPhoneCode({ phoneNumber: '13800138000' });
    fake.grantSubscriptions({ openid: alice.openid, templateIds: [COUPON_ARRIVAL_TEMPLATE_ID], count: 2 });
    const message = {
      touser: alice.openid,
      template_id: COUPON_ARRIVAL_TEMPLATE_ID,
      data: { thing1: { value: '新人券' }, amount2: { value: '10元' }, date3: { value: '2025-03-31' } },
    };
    expect((await postJson(`${fake.url}/cgi-bin/message/subscribe/send?access_token=${token}`, message)).body.errcode).toBe(0);
    fake.injectFault({ path: '/sns/jscode2session', errcode: -1 });

    const reset = await postJson(`${fake.url}/__dev/reset`, '');
    expect(reset.body).toEqual({ errcode: 0, errmsg: 'ok' });

    expect(fake.stats()).toEqual({ calls: {}, errcodes: {} });
    expect(fake.sentMessages()).toEqual([]);
    expect((await getJson(jscode2sessionUrl(fake, alice.code))).body.errcode).toBe(40029); // code gone, no fault
    const phoneCall = await postJson(`${fake.url}/wxa/business/getuserphonenumber?access_token=${token}`, {
      code: phone.code,
    });
    expect(phoneCall.body.errcode).toBe(40001); // token gone
    const fresh = await fetchAccessToken(fake);
    expect(fresh).not.toBe(token);
    const resend = await postJson(`${fake.url}/cgi-bin/message/subscribe/send?access_token=${fresh}`, message);
    expect(resend.body.errcode).toBe(43101); // acceptance gone, user still known (not 40003)
  });

  it('answers CORS preflight on dev endpoints only', async () => {
    const preflight = await fetch(`${fake.url}/__dev/login-code`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:10086', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/i);

    const wechat = await postJson(`${fake.url}/cgi-bin/stable_token`, {});
    expect(wechat.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers unknown paths with 404 JSON and bad dev bodies with 47001', async () => {
    const missing = await getJson(`${fake.url}/cgi-bin/token`);
    expect(missing.status).toBe(404);
    expect(missing.body.errcode).toBe(-1);
    expect(typeof missing.body.errmsg).toBe('string');
    const badJson = await postJson(`${fake.url}/__dev/login-code`, '{user:');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual({ errcode: 47001, errmsg: 'data format error' });
  });

  it('reports each request to onRequest without its query string', async () => {
    await fetchAccessToken(fake);
    const { code } = fake.mintLoginCode();
    await getJson(jscode2sessionUrl(fake, code));
    expect(logged).toEqual([
      { method: 'POST', path: '/cgi-bin/stable_token', status: 200, errcode: 0, ms: expect.any(Number) },
      { method: 'GET', path: '/sns/jscode2session', status: 200, errcode: 0, ms: expect.any(Number) },
    ]);
    expect(JSON.stringify(logged)).not.toContain('dev-app-secret-change-me');
  });

  it('close() stops the server and can be called twice', async () => {
    const url = fake.url;
    await fake.close();
    await fake.close();
    await expect(fetch(`${url}/__dev/stats`)).rejects.toThrow();
  });
});
