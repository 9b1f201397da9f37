import { startFakeWechat } from '../index';
import type { FakeWechat } from '../types';
import { decodeGrayscalePng, fetchAccessToken, manualClock } from '../test-support';

describe('POST /wxa/getwxacodeunlimit', () => {
  let fake: FakeWechat;
  let clock: ReturnType<typeof manualClock>;
  let token: string;

  beforeEach(async () => {
    clock = manualClock();
    fake = await startFakeWechat({ clock: clock.now, pages: ['pages/index/index', 'pages/join/index', 'pages/store/detail'] });
    token = await fetchAccessToken(fake);
  });
  afterEach(() => fake.close());

  const request = (body: unknown, accessToken = token) =>
    fetch(`${fake.url}/wxa/getwxacodeunlimit?access_token=${accessToken}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function image(body: unknown): Promise<Buffer> {
    const response = await request(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    return Buffer.from(await response.arrayBuffer());
  }

  async function error(body: unknown, accessToken = token): Promise<{ errcode: number; errmsg: string }> {
    const response = await request(body, accessToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as { errcode: number; errmsg: string };
  }

  it('returns a valid PNG, 430 px wide by default', async () => {
    const bytes = await image({ scene: 'store=12&by=c7', page: 'pages/join/index' });
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
    expect(bytes.readUInt32BE(16)).toBe(430);
    const decoded = decodeGrayscalePng(bytes);
    expect(decoded).toMatchObject({ width: 430, height: 430 });
    expect(decoded.pixels.some((shade) => shade === 0)).toBe(true);
    expect(decoded.pixels.some((shade) => shade === 255)).toBe(true);
  });

  it.each([
    [300, 300],
    [100, 280],
    [5000, 1280],
    [640.4, 640],
  ])('scales to width %p → %p px', async (width, expected) => {
    const bytes = await image({ scene: 'a=1', width });
    expect(bytes.readUInt32BE(16)).toBe(expected);
    expect(bytes.readUInt32BE(20)).toBe(expected);
  });

  it('draws different codes for different scenes and the same code for the same scene', async () => {
    const a = await image({ scene: 'a=1', page: 'pages/index/index' });
    const b = await image({ scene: 'a=2', page: 'pages/index/index' });
    const a2 = await image({ scene: 'a=1', page: 'pages/index/index' });
    expect(a.equals(b)).toBe(false);
    expect(a.equals(a2)).toBe(true);
  });

  it('accepts every character WeChat allows in a scene, up to 32 of them', async () => {
    await image({ scene: "09AZaz!#$&'()*+,/:;=?@-._~" });
    await image({ scene: 'x'.repeat(32) });
  });

  it.each([
    ['missing', {}],
    ['empty', { scene: '' }],
    ['too long', { scene: 'x'.repeat(33) }],
    ['not a string', { scene: 12 }],
  ])('answers a scene that is %s with 40169', async (_case, body) => {
    expect((await error(body)).errcode).toBe(40169);
  });

  it.each(['a b', 'id=中文', 'a%20', 'a"b', 'a<b'])('answers scene %p with 47003', async (scene) => {
    expect(await error({ scene })).toEqual({ errcode: 47003, errmsg: 'argument invalid! scene' });
  });

  it('checks the page against the published pages unless check_path is false', async () => {
    expect(await error({ scene: 'a=1', page: 'pages/secret/index' })).toEqual({ errcode: 41030, errmsg: 'invalid page' });
    expect((await error({ scene: 'a=1', page: '/pages/join/index' })).errcode).toBe(41030);
    expect((await error({ scene: 'a=1', page: 'pages/join/index?x=1' })).errcode).toBe(41030);
    await image({ scene: 'a=1', page: 'pages/store/detail' });
    await image({ scene: 'a=1', page: 'pages/secret/index', check_path: false, env_version: 'develop' });
    expect((await error({ scene: 'a=1', page: 'pages/x?y=1', check_path: false })).errcode).toBe(41030);
  });

  it.each([
    [{ scene: 'a=1', env_version: 'production' }, 'argument invalid! env_version'],
    [{ scene: 'a=1', width: 'big' }, 'argument invalid! width'],
    [{ scene: 'a=1', check_path: 'no' }, 'argument invalid! check_path'],
  ])('answers %j with 47003', async (body, errmsg) => {
    expect(await error(body)).toEqual({ errcode: 47003, errmsg });
  });

  it('accepts every env_version WeChat knows', async () => {
    for (const envVersion of ['release', 'trial', 'develop']) {
      await image({ scene: 'a=1', env_version: envVersion });
    }
  });

  it('answers token problems and bad bodies with JSON', async () => {
    expect((await error({ scene: 'a=1' }, 'forged')).errcode).toBe(40001);
    expect((await error('scene=a')).errcode).toBe(47001);
    clock.advance(7200);
    expect((await error({ scene: 'a=1' })).errcode).toBe(42001);
  });
});
