import { startFakeWechat } from '../index';
import type { FakeWechat } from '../types';
import { APP_ID, APP_SECRET, manualClock, postJson } from '../test-support';

describe('POST /cgi-bin/stable_token', () => {
  let fake: FakeWechat;
  let clock: ReturnType<typeof manualClock>;
  const second = { appId: 'wx0000000000000002', secret: 'second-secret' };

  beforeEach(async () => {
    clock = manualClock();
    fake = await startFakeWechat({
      clock: clock.now,
      apps: [{ appId: APP_ID, secret: APP_SECRET }, second],
      tokenTtlSeconds: 7200,
    });
  });
  afterEach(() => fake.close());

  const request = (body: unknown) => postJson(`${fake.url}/cgi-bin/stable_token`, body);
  const valid = { grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET };

  it('issues a long token with its lifetime', async () => {
    const { status, body } = await request(valid);
    expect(status).toBe(200);
    expect(body.errcode).toBe(0);
    expect(body.errmsg).toBe('ok');
    expect(body.expires_in).toBe(7200);
    expect(typeof body.access_token).toBe('string');
    expect((body.access_token as string).length).toBeGreaterThanOrEqual(100);
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('returns the same token while it is valid, with the remaining seconds', async () => {
    const first = await request(valid);
    clock.advance(1000);
    const again = await request({ ...valid, force_refresh: false });
    expect(again.body.access_token).toBe(first.body.access_token);
    expect(again.body.expires_in).toBe(6200);
  });

  it('mints a new token once the old one expired', async () => {
    const first = await request(valid);
    clock.advance(7200);
    const next = await request(valid);
    expect(next.body.access_token).not.toBe(first.body.access_token);
    expect(next.body.expires_in).toBe(7200);
  });

  it('gives each app its own token', async () => {
    const a = await request(valid);
    const b = await request({ ...valid, appid: second.appId, secret: second.secret });
    expect(b.body.errcode).toBe(0);
    expect(b.body.access_token).not.toBe(a.body.access_token);
  });

  it('force_refresh mints a new token and invalidates the old one', async () => {
    const old = (await request(valid)).body.access_token as string;
    const forced = await request({ ...valid, force_refresh: true });
    expect(forced.body.errcode).toBe(0);
    expect(forced.body.access_token).not.toBe(old);
    expect(forced.body.expires_in).toBe(7200);

    const withOld = await postJson(`${fake.url}/wxa/business/getuserphonenumber?access_token=${old}`, { code: 'x' });
    expect(withOld.body.errcode).toBe(40001);
    // the new token is what normal mode now returns
    expect((await request(valid)).body.access_token).toBe(forced.body.access_token);
  });

  it('refuses forced refreshes closer than 30 s apart', async () => {
    expect((await request({ ...valid, force_refresh: true })).body.errcode).toBe(0);
    clock.advance(29);
    const tooSoon = await request({ ...valid, force_refresh: true });
    expect(tooSoon.status).toBe(200);
    expect(tooSoon.body).toEqual({ errcode: 45009, errmsg: 'reach max api daily quota limit' });
    clock.advance(1);
    expect((await request({ ...valid, force_refresh: true })).body.errcode).toBe(0);
  });

  it('allows at most 20 forced refreshes a day', async () => {
    for (let i = 0; i < 20; i += 1) {
      expect((await request({ ...valid, force_refresh: true })).body.errcode).toBe(0);
      clock.advance(60);
    }
    expect((await request({ ...valid, force_refresh: true })).body.errcode).toBe(45009);
    clock.advance(86_400);
    expect((await request({ ...valid, force_refresh: true })).body.errcode).toBe(0);
  });

  it.each([
    ['a wrong grant_type', { ...valid, grant_type: 'authorization_code' }, 40002, 'invalid grant_type'],
    ['no grant_type', { appid: APP_ID, secret: APP_SECRET }, 40002, 'invalid grant_type'],
    ['an unknown appid', { ...valid, appid: 'wx9999999999999999' }, 40013, 'invalid appid'],
    ['a wrong secret', { ...valid, secret: 'nope' }, 40125, 'invalid appsecret'],
    ['another app’s secret', { ...valid, secret: second.secret }, 40125, 'invalid appsecret'],
    ['no appid', { grant_type: 'client_credential', secret: APP_SECRET }, 41002, 'appid missing'],
    ['no secret', { grant_type: 'client_credential', appid: APP_ID }, 41004, 'appsecret missing'],
    ['a non-boolean force_refresh', { ...valid, force_refresh: 'yes' }, 47001, 'data format error'],
  ])('answers %s with its errcode', async (_case, body, errcode, errmsg) => {
    const response = await request(body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ errcode, errmsg });
  });

  it.each([
    ['not JSON', 'grant_type=client_credential'],
    ['a JSON array', '[]'],
    ['empty', ''],
  ])('answers a body that is %s with 47001', async (_case, raw) => {
    const response = await request(raw);
    expect(response.body).toEqual({ errcode: 47001, errmsg: 'data format error' });
  });

  it('counts calls and errcodes per path', async () => {
    await request(valid);
    await request(valid);
    await request({ ...valid, secret: 'nope' });
    expect(fake.stats().calls['/cgi-bin/stable_token']).toBe(3);
    expect(fake.stats().errcodes['/cgi-bin/stable_token']).toEqual({ '0': 2, '40125': 1 });
  });

  it('answers 405 to a GET', async () => {
    const response = await fetch(`${fake.url}/cgi-bin/stable_token`);
    expect(response.status).toBe(405);
    expect(((await response.json()) as { errcode: number }).errcode).toBe(-1);
  });
});
