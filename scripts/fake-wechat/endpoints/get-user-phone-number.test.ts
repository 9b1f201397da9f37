import { startFakeWechat } from '../index';
import type { FakeWechat } from '../types';
import { APP_ID, APP_SECRET, fetchAccessToken, manualClock, postJson } from '../test-support';

describe('POST /wxa/business/getuserphonenumber', () => {
  let fake: FakeWechat;
  let clock: ReturnType<typeof manualClock>;
  let token: string;
  const other = { appId: 'wx0000000000000002', secret: 'other-secret' };

  beforeEach(async () => {
    clock = manualClock('2025-03-01T08:00:00.000Z');
    fake = await startFakeWechat({ clock: clock.now, apps: [{ appId: APP_ID, secret: APP_SECRET }, other] });
    token = await fetchAccessToken(fake);
  });
  afterEach(() => fake.close());

  /** `null` leaves the access token out. */
  const request = (body: unknown, accessToken: string | null = token) =>
    postJson(
      `${fake.url}/wxa/business/getuserphonenumber${accessToken === null ? '' : `?access_token=${accessToken}`}`,
      body,
    );

  it('returns the phone number behind a code, with the watermark', async () => {
    const { code } = fake.mintPhoneCode({ phoneNumber: '13800138000' });
    const { status, body } = await request({ code });
    expect(status).toBe(200);
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13800138000',
        purePhoneNumber: '13800138000',
        countryCode: '86',
        watermark: { timestamp: Date.parse('2025-03-01T08:00:00.000Z') / 1000, appid: APP_ID },
      },
    });
  });

  it('prefixes a foreign number with its country code', async () => {
    const { code } = fake.mintPhoneCode({ phoneNumber: '2025550123', countryCode: '1' });
    const { body } = await request({ code, openid: fake.mintLoginCode().openid });
    expect(body.phone_info).toMatchObject({ phoneNumber: '+12025550123', purePhoneNumber: '2025550123', countryCode: '1' });
  });

  it('accepts a phone code only once', async () => {
    const { code } = fake.mintPhoneCode({ phoneNumber: '13800138000' });
    expect((await request({ code })).body.errcode).toBe(0);
    expect((await request({ code })).body).toEqual({ errcode: 40029, errmsg: 'invalid code' });
  });

  it('rejects unknown, missing, expired and other-app phone codes with 40029', async () => {
    expect((await request({ code: 'never-minted' })).body.errcode).toBe(40029);
    expect((await request({})).body.errcode).toBe(40029);

    const late = fake.mintPhoneCode({ phoneNumber: '13800138000' });
    clock.advance(300);
    expect((await request({ code: late.code })).body.errcode).toBe(40029);

    const forOther = fake.mintPhoneCode({ phoneNumber: '13800138000', appId: other.appId });
    expect((await request({ code: forOther.code })).body.errcode).toBe(40029);
    const otherToken = await fetchAccessToken(fake, other.appId, other.secret);
    const withOther = await request({ code: forOther.code }, otherToken);
    expect(withOther.body.errcode).toBe(0);
    expect((withOther.body.phone_info as { watermark: { appid: string } }).watermark.appid).toBe(other.appId);
  });

  it('checks the access token: missing 41001, unknown 40001, expired 42001', async () => {
    const { code } = fake.mintPhoneCode({ phoneNumber: '13800138000' });
    expect((await request({ code }, null)).body).toEqual({ errcode: 41001, errmsg: 'access_token missing' });
    expect((await request({ code }, 'not-a-token')).body).toEqual({
      errcode: 40001,
      errmsg: 'invalid credential, access_token is invalid or not latest',
    });
    clock.advance(7200);
    expect((await request({ code })).body).toEqual({ errcode: 42001, errmsg: 'access_token expired' });
  });

  it('answers a non-JSON body with 47001', async () => {
    expect((await request('code=abc')).body.errcode).toBe(47001);
  });

  it('mints phone codes over POST /__dev/phone-code', async () => {
    const minted = await postJson(`${fake.url}/__dev/phone-code`, { phoneNumber: '13900139000' });
    expect(minted.status).toBe(200);
    expect(minted.body.errcode).toBe(0);
    expect(minted.body.code).toMatch(/^[0-9a-f]{64}$/);
    const { body } = await request({ code: minted.body.code });
    expect((body.phone_info as { purePhoneNumber: string }).purePhoneNumber).toBe('13900139000');
  });

  it.each([
    [{}, 'argument invalid! phoneNumber'],
    [{ phoneNumber: '+8613800138000' }, 'argument invalid! phoneNumber'],
    [{ phoneNumber: '13800138000', countryCode: '+86' }, 'argument invalid! countryCode'],
  ])('rejects /__dev/phone-code body %j', async (input, errmsg) => {
    const response = await postJson(`${fake.url}/__dev/phone-code`, input);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ errcode: 47003, errmsg });
  });
});
